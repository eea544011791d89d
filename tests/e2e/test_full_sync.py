"""Full synchronization: the review, its recommendations, and the DAG run end to end."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from domain.auth import Role
from domain.crm import Lookup
from tests.support.erp import customer, seed_mappings, upsert
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.simulator import JIM_OLIVE

REVIEW = (
    "lines { mapping dependsOn recommendation status toCrmStatus fromCrmStatus message "
    "toCrmJob { status inserted modified coupled failed } } isRunning"
)


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str]) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    return gql


async def given_erp(gql: GraphQLClient) -> None:
    await upsert(gql, "Currency", {"code": "DKK", "description": "Danish krone", "isLocal": True})
    await upsert(
        gql, "Currency", {"code": "EUR", "description": "Euro", "symbol": "€", "exchangeRate": "7.46"}
    )
    await upsert(gql, "Salesperson", {"code": "JO", "name": "Jim Olive", "email": "jim@cronus.example"})
    await upsert(gql, "PaymentTerms", {"code": "30 DAYS", "description": "Net 30 days"})
    await upsert(gql, "UnitOfMeasure", {"code": "PCS"})
    await upsert(gql, "UnitOfMeasure", {"code": "BOX"})
    await upsert(
        gql,
        "Item",
        {
            "no": "1000",
            "description": "Oslo Chair",
            "baseUnitOfMeasure": "PCS",
            "unitPrice": "120",
            "unitsOfMeasure": [{"code": "BOX", "qtyPerUnit": "6"}],
        },
    )
    await customer(gql, "C1", "Adatum Corporation", salespersonCode="JO", paymentTermsCode="30 DAYS")
    await customer(gql, "C2", "Trey Research", salespersonCode="JO", currencyCode="EUR")


def given_crm(crm: DataverseSimulator) -> None:
    crm.add_row(
        "systemuser",
        JIM_OLIVE,
    )
    crm.add_row("account", {"name": "Adatum Corporation", "customertypecode": 3})


async def review(gql: GraphQLClient) -> dict[str, dict[str, Any]]:
    data = await gql.data(f"{{ fullSyncReview {{ {REVIEW} }} }}")
    return {line["mapping"]: line for line in data["fullSyncReview"]["lines"]}


async def test_the_review_recommends_per_mapping(integration: GraphQLClient, crm: DataverseSimulator) -> None:
    await given_erp(integration)
    given_crm(crm)
    lines = await review(integration)
    assert lines["CUSTOMER"]["recommendation"] == "COUPLE_RECORDS"
    assert lines["CURRENCY"]["recommendation"] == "COUPLE_RECORDS"
    assert lines["PAYMENT TERMS"]["recommendation"] == "COUPLE_RECORDS"
    assert lines["SHIPPING AGENT"]["recommendation"] == "NO_RECORDS_FOUND"
    assert lines["UNIT GROUP"]["recommendation"] == "FULL_SYNCHRONIZATION"
    assert lines["CONTACT"]["recommendation"] == "NO_RECORDS_FOUND"
    assert lines["CUSTOMER"]["dependsOn"] == [
        "SALESPEOPLE",
        "CURRENCY",
        "PAYMENT TERMS",
        "SHIPMENT METHOD",
        "SHIPPING AGENT",
    ]
    assert {line["status"] for line in lines.values()} == {"BLANK"}


async def test_a_full_sync_runs_every_line_in_dependency_order(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    await given_erp(integration)
    given_crm(crm)
    started = await integration.mutate(
        f"mutation {{ p: startFullSync {{ fullSyncReview {{ {REVIEW} }} userErrors {{ code }} }} }}"
    )
    assert started["fullSyncReview"]["isRunning"]
    await container.queue.drain()  # type: ignore[attr-defined]
    lines = await review(integration)
    assert {name: line["status"] for name, line in lines.items() if line["status"] != "FINISHED"} == {}
    accounts = crm.rows("account")
    assert Counter(a["name"] for a in accounts) == {"Adatum Corporation": 1, "Trey Research": 1}
    jim = next(u for u in crm.rows("systemuser") if u.get("internalemailaddress") == "jim@cronus.example")
    trey = next(a for a in accounts if a["name"] == "Trey Research")
    assert trey["ownerid"] == Lookup("systemuser", jim["systemuserid"])
    eur = next(c for c in crm.rows("transactioncurrency") if c["isocurrencycode"] == "EUR")
    assert trey["transactioncurrencyid"] == Lookup("transactioncurrency", eur["transactioncurrencyid"])
    products = crm.rows("product")
    assert [(p["productnumber"], p["name"]) for p in products] == [("1000", "Oslo Chair")]
    units = {u["name"] for u in crm.rows("uom") if u["uomscheduleid"] == products[0]["defaultuomscheduleid"]}
    assert units == {"PCS", "BOX"}
    assert (
        crm.option_set("account", "paymenttermscode").get(
            next(a for a in accounts if a["name"] == "Adatum Corporation")["paymenttermscode"]
        )
        == "30 DAYS"
    )
    customers = await integration.data("{ customers { nodes { no coupling { crmId } } } }")
    assert all(c["coupling"] for c in customers["customers"]["nodes"])


async def test_a_line_that_fails_holds_its_dependants_until_restarted(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    await given_erp(integration)
    given_crm(crm)
    crm.add_row(
        "systemuser",
        {
            "firstname": "Jim",
            "lastname": "Olive",
            "internalemailaddress": "jim@cronus.example",
            "domainname": "jim2@cronus.example",
            "islicensed": True,
            "isdisabled": False,
            "isintegrationuser": False,
        },
    )
    await integration.mutate("mutation { p: startFullSync { userErrors { code } } }")
    await container.queue.drain()  # type: ignore[attr-defined]
    lines = await review(integration)
    assert lines["SALESPEOPLE"]["status"] == "ERROR"
    assert "match more than one CRM row" in lines["SALESPEOPLE"]["message"]
    assert lines["CUSTOMER"]["status"] == "ON_HOLD"
    assert [a["name"] for a in crm.rows("account")] == [
        "Adatum Corporation"
    ]  # nothing created behind the error
    jim = next(u for u in crm.rows("systemuser") if u.get("domainname") == "jim@cronus.example")
    await integration.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code } } }",
        {"i": {"mapping": "SALESPEOPLE", "erpKey": "JO", "crmId": str(jim["systemuserid"])}},
    )
    await integration.mutate(
        'mutation { p: restartFullSyncLine(input: {mapping: "SALESPEOPLE"}) { userErrors { code } } }'
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    lines = await review(integration)
    assert (lines["SALESPEOPLE"]["status"], lines["CUSTOMER"]["status"]) == ("FINISHED", "FINISHED")


async def test_the_review_cannot_be_reset_while_it_runs(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    await given_erp(integration)
    await integration.mutate("mutation { p: startFullSync { userErrors { code } } }")
    errors = await integration.refused("mutation { p: resetFullSyncReview { userErrors { code message } } }")
    assert errors == [{"code": "INVALID_STATE", "message": "a full synchronization is running"}]
    await container.queue.drain()  # type: ignore[attr-defined]
    reset = await integration.mutate(
        f"mutation {{ p: resetFullSyncReview {{ fullSyncReview {{ {REVIEW} }} userErrors {{ code }} }} }}"
    )
    assert {line["status"] for line in reset["fullSyncReview"]["lines"]} == {"BLANK"}


async def test_without_a_connection_the_review_says_so(integration: GraphQLClient) -> None:
    body = await integration.execute(f"{{ fullSyncReview {{ {REVIEW} }} }}")
    assert error_codes(body) == ["NOT_CONFIGURED"]
