"""Customers ↔ accounts: creating, updating, merging, conflicts, echoes."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from domain.auth import Role
from domain.crm import Lookup
from tests.e2e.sync_support import as_user, coupling_of, create_in_crm, run
from tests.support.erp import customer, local_currency_coupled, seed_mappings, upsert
from tests.support.graphql import GraphQLClient
from tests.support.simulator import JIM_OLIVE


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str], crm: DataverseSimulator) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    await local_currency_coupled(gql, crm)
    return gql


async def given_account_of(
    integration: GraphQLClient,
    container: Services,
    crm: DataverseSimulator,
    no: str,
    name: str,
    **fields: object,
) -> uuid.UUID:
    await customer(integration, no, name, **fields)
    job = await create_in_crm(integration, container, "CUSTOMER", [no])
    assert job["inserted"] == 1, job
    return uuid.UUID((await coupling_of(integration, "customer", no))["crmId"])


async def test_create_in_crm_makes_an_account_with_the_mapped_values(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await customer(
        integration,
        "C10000",
        "Adatum Corporation",
        address="Station Road 21",
        city="Aarhus C",
        postCode="8000",
        phone="+45 8612 3456",
        creditLimit="25000",
        email="info@adatum.example",
    )
    job = await create_in_crm(integration, container, "CUSTOMER", ["C10000"])
    assert (job["status"], job["inserted"], job["failed"]) == ("SUCCEEDED", 1, 0)
    coupling = await coupling_of(integration, "customer", "C10000")
    account = crm.row("account", uuid.UUID(coupling["crmId"]))
    assert account is not None
    assert (account["name"], account["address1_line1"], account["address1_city"], account["telephone1"]) == (
        "Adatum Corporation",
        "Station Road 21",
        "Aarhus C",
        "+45 8612 3456",
    )
    assert account["creditlimit"] == Decimal(25000)
    assert account["customertypecode"] == 3
    assert coupling["lastResultToCrm"] == "SUCCESS"


async def test_a_changed_customer_updates_its_account_and_others_stay_unchanged(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    adatum = await given_account_of(integration, container, crm, "C1", "Adatum Corporation")
    await given_account_of(integration, container, crm, "C2", "Trey Research")
    await customer(integration, "C1", "Adatum Corporation", city="Odense C")
    (to_crm, from_crm) = await run(integration, container, "CUSTOMER")
    assert (to_crm["direction"], to_crm["modified"], to_crm["failed"]) == ("TO_CRM", 1, 0)
    assert from_crm["direction"] == "FROM_CRM"
    assert crm.row("account", adatum)["address1_city"] == "Odense C"  # type: ignore[index]


async def test_a_user_edit_in_the_crm_comes_back_to_the_erp(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    adatum = await given_account_of(integration, container, crm, "C1", "Adatum Corporation")
    as_user(crm, "account", adatum, telephone1="+45 7000 0000", address1_city="Vejle")
    (_, from_crm) = await run(integration, container, "CUSTOMER")
    assert from_crm["modified"] == 1
    read = await integration.data('{ customer(no: "C1") { phone city } }')
    assert read["customer"] == {"phone": "+45 7000 0000", "city": "Vejle"}


async def test_the_integrations_own_writes_are_not_echoed_back(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await given_account_of(integration, container, crm, "C1", "Adatum Corporation")
    before = (await integration.data('{ customer(no: "C1") { modifiedAt } }'))["customer"]["modifiedAt"]
    (to_crm, from_crm) = await run(integration, container, "CUSTOMER")
    assert (to_crm["modified"], from_crm["modified"], from_crm["inserted"]) == (0, 0, 0)
    assert (await integration.data('{ customer(no: "C1") { modifiedAt } }'))["customer"][
        "modifiedAt"
    ] == before


async def test_different_fields_changed_on_each_side_are_merged(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    adatum = await given_account_of(integration, container, crm, "C1", "Adatum Corporation", phone="+45 1111")
    as_user(crm, "account", adatum, address1_city="Vejle")
    await customer(integration, "C1", "Adatum Corporation", phone="+45 2222")
    (to_crm, from_crm) = await run(integration, container, "CUSTOMER")
    assert (to_crm["modified"], from_crm["modified"]) == (1, 1)
    account = crm.row("account", adatum)
    assert (account["telephone1"], account["address1_city"]) == ("+45 2222", "Vejle")  # type: ignore[index]
    read = await integration.data('{ customer(no: "C1") { phone city } }')
    assert read["customer"] == {"phone": "+45 2222", "city": "Vejle"}


async def test_the_same_field_changed_on_both_sides_is_a_conflict_the_user_resolves(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    adatum = await given_account_of(integration, container, crm, "C1", "Adatum Corporation")
    as_user(crm, "account", adatum, name="Adatum Inc")
    await customer(integration, "C1", "Adatum Corp")
    (to_crm, _) = await run(integration, container, "CUSTOMER")
    assert to_crm["failed"] == 1
    assert to_crm["errors"]["nodes"][0]["errorClass"] == "CONFLICT"
    coupling = await coupling_of(integration, "customer", "C1")
    assert coupling["conflict"] == {
        "name": {"erp": "Adatum Corp", "crm": "Adatum Inc", "lastSynced": "Adatum Corporation"}
    }
    resolved = await integration.mutate(
        "mutation($i: ResolveConflictInput!) { p: resolveConflict(input: $i) { coupling { conflict } "
        "userErrors { code } } }",
        {"i": {"couplingId": coupling["id"], "winner": "CRM"}},
    )
    assert resolved["coupling"]["conflict"] is None
    await container.queue.drain()  # type: ignore[attr-defined]
    assert (await integration.data('{ customer(no: "C1") { name } }'))["customer"]["name"] == "Adatum Inc"


@pytest.mark.parametrize(
    ("winner", "name"), [("ERP", "Adatum Corp"), ("CRM", "Adatum Inc")], ids=["keep ERP", "keep CRM"]
)
async def test_a_resolved_conflict_leaves_both_directions_succeeded(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator, winner: str, name: str
) -> None:
    adatum = await given_account_of(integration, container, crm, "C1", "Adatum Corporation")
    as_user(crm, "account", adatum, name="Adatum Inc")
    await customer(integration, "C1", "Adatum Corp")
    await run(integration, container, "CUSTOMER")
    conflicted = await coupling_of(integration, "customer", "C1")
    assert (conflicted["lastResultToCrm"], conflicted["lastResultFromCrm"]) == ("FAILURE", "FAILURE")
    await integration.mutate(
        "mutation($i: ResolveConflictInput!) { p: resolveConflict(input: $i) { coupling { conflict } "
        "userErrors { code } } }",
        {"i": {"couplingId": conflicted["id"], "winner": winner}},
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    resolved = await coupling_of(integration, "customer", "C1")
    assert (resolved["lastResultToCrm"], resolved["lastResultFromCrm"]) == ("SUCCESS", "SUCCESS")
    assert (resolved["conflict"], resolved["lastError"]) == (None, None)
    assert crm.row("account", adatum)["name"] == name  # type: ignore[index]
    assert (await integration.data('{ customer(no: "C1") { name } }'))["customer"]["name"] == name
    (to_crm, from_crm) = await run(integration, container, "CUSTOMER")
    assert (to_crm["failed"], from_crm["failed"]) == (0, 0)


async def test_an_uncoupled_salesperson_parks_the_customer_until_it_is_coupled(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await upsert(integration, "Salesperson", {"code": "JO", "name": "Jim Olive"})
    await customer(integration, "C1", "Adatum Corporation", salespersonCode="JO")
    job = await create_in_crm(integration, container, "CUSTOMER", ["C1"])
    assert (job["inserted"], job["failed"]) == (0, 1)
    assert job["errors"]["nodes"][0]["errorClass"] == "DEPENDENCY"
    assert "salesperson_code JO must be coupled in SALESPEOPLE first" in job["errors"]["nodes"][0]["message"]
    jim = jim_olive(crm)
    await integration.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code } } }",
        {"i": {"mapping": "SALESPEOPLE", "erpKey": "JO", "crmId": str(jim)}},
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    coupling = await coupling_of(integration, "customer", "C1")
    account = crm.row("account", uuid.UUID(coupling["crmId"]))
    assert account is not None
    assert account["ownerid"] == Lookup("systemuser", jim)


def jim_olive(crm: DataverseSimulator) -> uuid.UUID:
    return crm.add_row(
        "systemuser",
        JIM_OLIVE,
    )


PREREQUISITES = '{ customer(no: "C1") { coupling { lastError missingPrerequisites { mapping field key } } } }'


async def test_a_parked_record_names_its_missing_prerequisites_until_it_syncs(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await given_account_of(integration, container, crm, "C1", "Adatum Corporation")
    await upsert(integration, "Salesperson", {"code": "JO", "name": "Jim Olive"})
    await customer(integration, "C1", "Adatum Corporation", salespersonCode="JO")
    (to_crm, _) = await run(integration, container, "CUSTOMER")
    assert to_crm["errors"]["nodes"][0]["errorClass"] == "DEPENDENCY"
    parked = (await integration.data(PREREQUISITES))["customer"]["coupling"]
    assert "salesperson_code JO must be coupled in SALESPEOPLE first" in parked["lastError"]
    assert parked["missingPrerequisites"] == [
        {"mapping": "SALESPEOPLE", "field": "salesperson_code", "key": "JO"}
    ]
    await integration.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code } } }",
        {"i": {"mapping": "SALESPEOPLE", "erpKey": "JO", "crmId": str(jim_olive(crm))}},
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    synced = (await integration.data(PREREQUISITES))["customer"]["coupling"]
    assert synced == {"lastError": None, "missingPrerequisites": []}


async def test_the_same_permanent_error_twice_skips_the_record_and_later_runs_count_it_skipped(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    adatum = await given_account_of(integration, container, crm, "C1", "Adatum Corporation")
    as_user(crm, "account", adatum, telephone1="+45 8612 3456 extension 1234 (reception)")
    (_, first) = await run(integration, container, "CUSTOMER")
    assert (first["failed"], first["skipped"]) == (1, 0)
    assert "skipped" not in first["errors"]["nodes"][0]["message"]
    (_, second) = await run(integration, container, "CUSTOMER")
    assert (second["failed"], second["skipped"]) == (1, 0)
    error = second["errors"]["nodes"][0]
    assert (error["errorClass"], error["erpRef"]) == ("PERMANENT", "C1")
    assert error["message"] == (
        "Customer C1: phone is longer than 30 characters; the same error as in the last run: "
        "the record is skipped from now on (retrySkippedRecords restores it)"
    )
    assert (await coupling_of(integration, "customer", "C1"))["skipped"] is True
    await customer(integration, "C1", "Adatum Corporation", city="Odense C")
    as_user(crm, "account", adatum, address1_city="Vejle")
    (to_crm, from_crm) = await run(integration, container, "CUSTOMER")
    assert (to_crm["skipped"], to_crm["failed"], to_crm["modified"]) == (1, 0, 0)
    assert (from_crm["skipped"], from_crm["failed"], from_crm["modified"]) == (1, 0, 0)


async def test_an_account_created_in_the_erp_from_the_crm_gets_a_number(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await customer(integration, "C00041", "Existing Customer")
    fabrikam = crm.add_row("account", {"name": "Fabrikam", "customertypecode": 3, "address1_city": "Berlin"})
    payload = await integration.mutate(
        "mutation($i: CreateCounterpartInput!) { p: createInErp(input: $i) { syncJob { id } "
        "userErrors { code } } }",
        {"i": {"mapping": "CUSTOMER", "crmIds": [str(fabrikam)]}},
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    assert payload["syncJob"]
    created = await integration.data(
        '{ customers(search: "fabrikam") { nodes { no name city coupling { crmId } } } }'
    )
    assert created["customers"]["nodes"] == [
        {"no": "C00042", "name": "Fabrikam", "city": "Berlin", "coupling": {"crmId": str(fabrikam)}}
    ]
