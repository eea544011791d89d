"""Orderings a real deployment meets: parked records released, two jobs of one
mapping, a deletion on one side seen by either pass first, creates that would
duplicate a row matching would have coupled, number series after deletions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from domain.auth import Role
from tests.e2e.sync_support import as_user, coupling_of, create_in_crm, finished, run
from tests.support.erp import customer, local_currency_coupled, seed_mappings, upsert
from tests.support.graphql import GraphQLClient
from tests.support.simulator import JIM_OLIVE


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str], crm: DataverseSimulator) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    await local_currency_coupled(gql, crm)
    return gql


async def mapping_settings(gql: GraphQLClient, keys: dict[Role, str], name: str, **changes: Any) -> None:
    payload = await gql.with_key(keys[Role.ADMIN]).mutate(
        "mutation($i: UpdateTableMappingInput!) { p: updateTableMapping(input: $i) "
        "{ userErrors { field message code } } }",
        {"i": {"name": name, **changes}},
    )
    assert payload["userErrors"] == []


async def couple(gql: GraphQLClient, mapping: str, erp_key: str, crm_id: uuid.UUID) -> None:
    payload = await gql.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code message } } }",
        {"i": {"mapping": mapping, "erpKey": erp_key, "crmId": str(crm_id)}},
    )
    assert payload["userErrors"] == []


async def jobs(gql: GraphQLClient) -> list[dict[str, Any]]:
    data = await gql.data(
        "{ syncJobs(first: 50) { nodes { trigger mapping direction status inserted coupled failed } } }"
    )
    return list(data["syncJobs"]["nodes"])


def accounts_named(crm: DataverseSimulator, name: str) -> list[dict[str, Any]]:
    return [row for row in crm.rows("account") if row.get("name") == name]


async def test_an_only_coupled_pass_parks_nothing_and_the_salespersons_coupling_creates_no_account(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await upsert(integration, "Salesperson", {"code": "JO", "name": "Jim Olive"})
    await customer(integration, "C1", "Adatum Corporation", salespersonCode="JO")
    crm.add_row("account", {"name": "Adatum Corporation", "customertypecode": 3})
    (to_crm, _) = await run(integration, container, "CUSTOMER")
    assert (to_crm["inserted"], to_crm["failed"]) == (0, 0)  # not coupled: not this pass's business
    await couple(integration, "SALESPEOPLE", "JO", crm.add_row("systemuser", JIM_OLIVE))
    await container.queue.drain()  # type: ignore[attr-defined]
    assert len(accounts_named(crm, "Adatum Corporation")) == 1
    assert [j for j in await jobs(integration) if j["inserted"]] == []
    assert (await coupling_of(integration, "customer", "C1")) == {}


async def test_a_record_parked_by_create_in_crm_is_created_when_its_prerequisite_is_coupled(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await upsert(integration, "Salesperson", {"code": "JO", "name": "Jim Olive"})
    await customer(integration, "C1", "Adatum Corporation", salespersonCode="JO")
    job = await create_in_crm(integration, container, "CUSTOMER", ["C1"])
    assert (job["inserted"], job["failed"]) == (0, 1)
    await couple(integration, "SALESPEOPLE", "JO", crm.add_row("systemuser", JIM_OLIVE))
    await container.queue.drain()  # type: ignore[attr-defined]
    assert len(accounts_named(crm, "Adatum Corporation")) == 1
    assert (await coupling_of(integration, "customer", "C1"))["lastResultToCrm"] == "SUCCESS"


async def test_two_jobs_creating_the_same_records_run_one_after_the_other(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    for n in range(1, 6):
        await customer(integration, f"C{n}", f"Customer {n}")
    keys = [f"C{n}" for n in range(1, 6)]
    crm.set_faults(latency=0.3)  # slow enough for the jobs to overlap
    started = [
        await integration.mutate(
            "mutation($i: CreateCounterpartInput!) { p: createInCrm(input: $i) { syncJob { id } "
            "userErrors { code } } }",
            {"i": {"mapping": "CUSTOMER", "erpKeys": keys}},
        )
        for _ in range(3)
    ]
    results = [(await finished(integration, container, payload))[0] for payload in started]
    assert [r["status"] for r in results] == ["SUCCEEDED"] * 3
    assert sum(r["inserted"] for r in results) == 5
    assert sorted(row["name"] for row in crm.rows("account")) == [f"Customer {n}" for n in range(1, 6)]


async def test_a_create_couples_the_one_account_matching_would_have_coupled(
    integration: GraphQLClient, keys: dict[Role, str], container: Services, crm: DataverseSimulator
) -> None:
    await mapping_settings(integration, keys, "CUSTOMER", onlyCoupled=False)
    adatum = crm.add_row("account", {"name": "Adatum Corporation", "customertypecode": 3})
    await customer(integration, "C1", "Adatum Corporation", city="Aarhus")
    (to_crm, _) = await run(integration, container, "CUSTOMER")
    assert (to_crm["inserted"], to_crm["coupled"], to_crm["failed"]) == (0, 1, 0)
    assert (await coupling_of(integration, "customer", "C1"))["crmId"] == str(adatum)
    assert crm.row("account", adatum)["address1_city"] == "Aarhus"  # type: ignore[index]
    assert len(accounts_named(crm, "Adatum Corporation")) == 1


async def test_a_create_is_refused_when_several_accounts_match(
    integration: GraphQLClient, keys: dict[Role, str], container: Services, crm: DataverseSimulator
) -> None:
    await mapping_settings(integration, keys, "CUSTOMER", onlyCoupled=False)
    for _ in range(2):
        crm.add_row("account", {"name": "Litware", "customertypecode": 3})
    await customer(integration, "C1", "Litware")
    (to_crm, _) = await run(integration, container, "CUSTOMER")
    assert (to_crm["inserted"], to_crm["failed"]) == (0, 1)
    assert "2 uncoupled CRM rows match it" in to_crm["errors"]["nodes"][0]["message"]
    assert len(accounts_named(crm, "Litware")) == 2


async def test_a_unit_group_keeps_the_one_base_unit_dataverse_created_with_it(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await upsert(integration, "UnitOfMeasure", {"code": "PCS"})
    await upsert(integration, "UnitOfMeasure", {"code": "BOX"})
    await upsert(
        integration,
        "Item",
        {
            "no": "1000",
            "description": "Oslo Chair",
            "baseUnitOfMeasure": "PCS",
            "unitsOfMeasure": [{"code": "BOX", "qtyPerUnit": "6"}],
        },
    )
    group = await create_in_crm(integration, container, "UNIT GROUP", ["ITEM-1000"])
    assert group["inserted"] == 1, group
    units = await create_in_crm(integration, container, "ITEM UOM", ["1000|PCS", "1000|BOX"])
    assert (units["inserted"], units["coupled"], units["failed"]) == (1, 1, 0), units
    group_id = uuid.UUID((await coupling_of(integration, "unitGroup", "ITEM-1000", "code"))["crmId"])
    names = sorted(u["name"] for u in crm.rows("uom") if u["uomscheduleid"].id == group_id)
    assert names == ["BOX", "PCS"]


async def given_coupled_customer_edited_in_the_crm(
    integration: GraphQLClient,
    keys: dict[Role, str],
    container: Services,
    crm: DataverseSimulator,
    policy: str,
) -> uuid.UUID:
    await mapping_settings(
        integration, keys, "CUSTOMER", onlyCoupled=False, deletionConflictResolution=policy
    )
    await customer(integration, "C10000", "Adatum Corporation")
    await customer(integration, "C10001", "Trey Research")
    await create_in_crm(integration, container, "CUSTOMER", ["C10000", "C10001"])
    trey = uuid.UUID((await coupling_of(integration, "customer", "C10001"))["crmId"])
    as_user(crm, "account", trey, telephone1="+45 7000 0000")
    await run(integration, container, "CUSTOMER")
    assert (await integration.data('{ customer(no: "C10001") { phone } }'))["customer"]["phone"] == (
        "+45 7000 0000"
    )
    as_user(crm, "account", trey, address1_city="Vejle")  # edited again: in the next CRM pass's window
    payload = await integration.mutate(
        'mutation { p: deleteCustomer(input: {key: "C10001"}) { userErrors { code message } } }'
    )
    assert payload["userErrors"] == []
    return trey


async def customers(gql: GraphQLClient) -> list[tuple[str, str]]:
    data = await gql.data("{ customers(first: 50) { nodes { no name } } }")
    return [(c["no"], c["name"]) for c in data["customers"]["nodes"]]


@pytest.mark.parametrize("order", ["ERP pass first", "CRM pass first"])
@pytest.mark.parametrize("policy", ["NONE", "REMOVE_COUPLING"])
async def test_a_deleted_customer_does_not_come_back_from_its_account(
    integration: GraphQLClient,
    keys: dict[Role, str],
    container: Services,
    crm: DataverseSimulator,
    policy: str,
    order: str,
) -> None:
    trey = await given_coupled_customer_edited_in_the_crm(integration, keys, container, crm, policy)
    directions = ["TO_CRM", "FROM_CRM"] if order == "ERP pass first" else ["FROM_CRM", "TO_CRM"]
    for _ in range(2):
        for direction in directions:
            for job in await run(integration, container, "CUSTOMER", direction):
                assert job["status"] == "SUCCEEDED", job
    assert await customers(integration) == [("C10000", "Adatum Corporation")]
    assert crm.row("account", trey) is not None  # a deletion never deletes the other side
    coupled = await integration.data("{ tableMappings { name couplingCount failedCount skippedCount } }")
    figures = {m["name"]: m for m in coupled["tableMappings"]}["CUSTOMER"]
    # NONE: the pair stays, failed, and after the same error twice skipped until a user decides
    broken = figures["failedCount"] + figures["skippedCount"]
    assert (figures["couplingCount"], broken) == ((2, 1) if policy == "NONE" else (1, 0))


async def test_a_deleted_customer_is_restored_under_its_number_when_the_policy_says_so(
    integration: GraphQLClient, keys: dict[Role, str], container: Services, crm: DataverseSimulator
) -> None:
    trey = await given_coupled_customer_edited_in_the_crm(integration, keys, container, crm, "RESTORE_RECORD")
    await run(integration, container, "CUSTOMER")
    assert await customers(integration) == [("C10000", "Adatum Corporation"), ("C10001", "Trey Research")]
    restored = await coupling_of(integration, "customer", "C10001")
    assert restored["crmId"] == str(trey)
    city = await integration.data('{ customer(no: "C10001") { city } }')
    assert city["customer"]["city"] == "Vejle"


async def test_a_number_series_never_hands_out_a_deleted_number(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    await customer(integration, "C00041", "Existing Customer")
    await customer(integration, "C00042", "Deleted Customer")
    await integration.mutate('mutation { p: deleteCustomer(input: {key: "C00042"}) { userErrors { code } } }')
    fabrikam = crm.add_row("account", {"name": "Fabrikam", "customertypecode": 3})
    payload = await integration.mutate(
        "mutation($i: CreateCounterpartInput!) { p: createInErp(input: $i) { syncJob { id } "
        "userErrors { code } } }",
        {"i": {"mapping": "CUSTOMER", "crmIds": [str(fabrikam)]}},
    )
    await finished(integration, container, payload)
    assert ("C00043", "Fabrikam") in await customers(integration)


async def test_an_account_created_in_the_crm_couples_the_one_customer_matching_would_have_coupled(
    integration: GraphQLClient, keys: dict[Role, str], container: Services, crm: DataverseSimulator
) -> None:
    await mapping_settings(integration, keys, "CUSTOMER", onlyCoupled=False)
    await customer(integration, "C1", "Adatum Corporation")
    adatum = crm.add_row(
        "account", {"name": "Adatum Corporation", "customertypecode": 3, "address1_city": "Vejle"}
    )
    (from_crm,) = await run(integration, container, "CUSTOMER", "FROM_CRM")
    assert (from_crm["inserted"], from_crm["coupled"], from_crm["failed"]) == (0, 1, 0)
    assert (await coupling_of(integration, "customer", "C1"))["crmId"] == str(adatum)
    assert await customers(integration) == [("C1", "Adatum Corporation")]
    assert (await integration.data('{ customer(no: "C1") { city } }'))["customer"]["city"] == "Vejle"
