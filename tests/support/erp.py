"""Readable ERP data for tests, written through the API."""

from __future__ import annotations

from typing import Any

from adapters.dataverse.simulator import DataverseSimulator
from tests.support.graphql import GraphQLClient


async def upsert(gql: GraphQLClient, label: str, values: dict[str, Any]) -> dict[str, Any]:
    field = {"PaymentTerms": "paymentTerm"}.get(label, label[0].lower() + label[1:])
    payload = await gql.mutate(
        f"mutation($i: {label}Input!) {{ p: upsert{label}(input: $i) {{ {field} {{ id }} "
        "userErrors { field message code } } }",
        {"i": values},
    )
    return dict(payload[field])


async def customer(gql: GraphQLClient, no: str, name: str, **fields: Any) -> str:
    return str((await upsert(gql, "Customer", {"no": no, "name": name, **fields}))["id"])


async def seed_mappings(admin: GraphQLClient) -> None:
    await admin.mutate("mutation { p: resetTableMappings(input: {}) { userErrors { code } } }")


async def local_currency_coupled(gql: GraphQLClient, crm: DataverseSimulator, code: str = "DKK") -> None:
    """The ERP's local currency, coupled to the CRM's base currency (what setup and
    the full sync's first lines leave behind)."""
    await upsert(gql, "Currency", {"code": code, "description": "Danish krone", "isLocal": True})
    await gql.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code } } }",
        {"i": {"mapping": "CURRENCY", "erpKey": code, "crmId": str(crm.base_currency_id)}},
    )
