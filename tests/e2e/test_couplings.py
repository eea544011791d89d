"""Coupling by hand, uncoupling, and match-based coupling against the simulated CRM."""

from __future__ import annotations

import uuid

import pytest

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from domain.auth import Role
from domain.crm import Lookup
from tests.support.erp import customer, seed_mappings, upsert
from tests.support.graphql import GraphQLClient

COUPLE = (
    "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { coupling { id mapping erpId crmId "
    "missingPrerequisites { mapping field key message } syncAfter } userErrors { field message code } } }"
)
UNCOUPLE = (
    "mutation($i: UncoupleRecordsInput!) { p: uncoupleRecords(input: $i) { syncJob { id status uncoupled } "
    "userErrors { field message code } } }"
)
MATCH = (
    "mutation($i: MatchBasedCouplingInput!) { p: matchBasedCoupling(input: $i) { syncJob { id } "
    "userErrors { field message code } } }"
)
JOB = (
    "query($id: ID!) { syncJob(id: $id) { status coupled failed total message "
    "records { nodes { outcome erpRef crmId message } } } }"
)


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str]) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    return gql


def account(crm: DataverseSimulator, name: str, **attributes: object) -> uuid.UUID:
    return crm.add_row("account", {"name": name, "customertypecode": 3, **attributes})


async def test_a_customer_is_coupled_to_an_account(
    integration: GraphQLClient, crm: DataverseSimulator
) -> None:
    erp_id = await customer(integration, "C10000", "Adatum Corporation")
    account_id = account(crm, "Adatum Corporation")
    payload = await integration.mutate(
        COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C10000", "crmId": str(account_id)}}
    )
    assert payload["coupling"]["erpId"] == erp_id
    assert payload["coupling"]["crmId"] == str(account_id)
    read = await integration.data('{ customer(no: "C10000") { coupling { mapping crmId } } }')
    assert read["customer"]["coupling"] == {"mapping": "CUSTOMER", "crmId": str(account_id)}


async def test_coupling_names_the_prerequisites_still_uncoupled(
    integration: GraphQLClient, crm: DataverseSimulator
) -> None:
    await upsert(integration, "Salesperson", {"code": "JO", "name": "Jim Olive"})
    await customer(integration, "C10000", "Adatum Corporation", salespersonCode="JO")
    payload = await integration.mutate(
        COUPLE,
        {"i": {"mapping": "CUSTOMER", "erpKey": "C10000", "crmId": str(account(crm, "Adatum Corporation"))}},
    )
    assert payload["coupling"]["missingPrerequisites"] == [
        {
            "mapping": "SALESPEOPLE",
            "field": "salesperson_code",
            "key": "JO",
            "message": "salesperson_code JO is not coupled in SALESPEOPLE",
        }
    ]


async def test_a_missing_crm_row_is_refused(integration: GraphQLClient, crm: DataverseSimulator) -> None:
    await customer(integration, "C10000", "Adatum Corporation")
    missing = uuid.uuid4()
    errors = await integration.refused(
        COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C10000", "crmId": str(missing)}}
    )
    assert errors == [{"field": "crmId", "code": "NOT_FOUND", "message": f"account {missing} does not exist"}]


async def test_each_side_couples_once_and_the_error_names_the_other_record(
    integration: GraphQLClient, crm: DataverseSimulator
) -> None:
    await customer(integration, "C10000", "Adatum Corporation")
    await customer(integration, "C20000", "Trey Research")
    adatum = account(crm, "Adatum Corporation")
    await integration.mutate(COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C10000", "crmId": str(adatum)}})
    same_customer = await integration.refused(
        COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C10000", "crmId": str(account(crm, "Other"))}}
    )
    assert same_customer[0]["code"] == "ALREADY_COUPLED"
    assert same_customer[0]["message"] == f"Customer C10000 is already coupled to account {adatum}"
    same_account = await integration.refused(
        COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C20000", "crmId": str(adatum)}}
    )
    assert same_account[0]["message"] == f"account {adatum} is already coupled to Customer C10000"


async def test_records_outside_the_mapping_filters_are_refused(
    integration: GraphQLClient, crm: DataverseSimulator
) -> None:
    await customer(integration, "C10000", "Adatum Corporation", blocked=True)
    await customer(integration, "C20000", "Trey Research")
    vendor = account(crm, "Fabrikam", customertypecode=11)
    blocked = await integration.refused(
        COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C10000", "crmId": str(account(crm, "Adatum"))}}
    )
    assert blocked[0]["code"] == "OUTSIDE_FILTER"
    not_customer = await integration.refused(
        COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C20000", "crmId": str(vendor)}}
    )
    assert not_customer[0]["code"] == "OUTSIDE_FILTER"
    assert "customertypecode eq 3" in not_customer[0]["message"]


async def test_uncoupling_one_record_and_a_whole_mapping(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    for no, name in (("C1", "Adatum"), ("C2", "Trey"), ("C3", "Litware")):
        await customer(integration, no, name)
        await integration.mutate(
            COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": no, "crmId": str(account(crm, name))}}
        )
    one = await integration.mutate(UNCOUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C1"}})
    assert one["syncJob"]["status"] == "SUCCEEDED"
    assert one["syncJob"]["uncoupled"] == 1
    everything = await integration.mutate(UNCOUPLE, {"i": {"mapping": "CUSTOMER", "all": True}})
    await container.queue.drain()  # type: ignore[attr-defined]
    job = await integration.data(JOB, {"id": everything["syncJob"]["id"]})
    assert job["syncJob"]["status"] == "SUCCEEDED"
    assert (await integration.data('{ couplings(mapping: "CUSTOMER") { totalCount } }'))["couplings"] == {
        "totalCount": 0
    }


async def test_match_based_coupling_couples_unique_matches_and_reports_the_rest(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    await customer(integration, "C1", "Adatum Corporation")
    await customer(integration, "C2", "Trey Research")
    await customer(integration, "C3", "Litware")
    adatum = account(crm, "ADATUM CORPORATION")
    account(crm, "Trey Research")
    account(crm, "Trey Research")
    started = await integration.mutate(MATCH, {"i": {"mapping": "CUSTOMER"}})
    await container.queue.drain()  # type: ignore[attr-defined]
    job = (await integration.data(JOB, {"id": started["syncJob"]["id"]}))["syncJob"]
    assert (job["status"], job["coupled"], job["failed"], job["total"]) == ("SUCCEEDED", 1, 2, 3)
    outcomes = {r["erpRef"]: (r["outcome"], r["crmId"]) for r in job["records"]["nodes"]}
    assert outcomes == {"C1": ("COUPLED", str(adatum)), "C2": ("AMBIGUOUS", None), "C3": ("UNMATCHED", None)}
    coupled = await integration.data('{ customer(no: "C1") { coupling { crmId } } }')
    assert coupled["customer"]["coupling"]["crmId"] == str(adatum)


async def test_a_dry_run_plans_without_coupling(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    await customer(integration, "C1", "Adatum Corporation")
    account(crm, "Adatum Corporation")
    started = await integration.mutate(MATCH, {"i": {"mapping": "CUSTOMER", "dryRun": True}})
    await container.queue.drain()  # type: ignore[attr-defined]
    job = (await integration.data(JOB, {"id": started["syncJob"]["id"]}))["syncJob"]
    assert [r["outcome"] for r in job["records"]["nodes"]] == ["WOULD_COUPLE"]
    assert (await integration.data('{ customer(no: "C1") { coupling { id } } }'))["customer"][
        "coupling"
    ] is None


async def test_a_dry_run_counts_no_failures_and_lists_what_is_left(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    await customer(integration, "C1", "Adatum Corporation")
    await customer(integration, "C2", "Trey Research")
    await customer(integration, "C3", "Litware")
    account(crm, "Adatum Corporation")
    account(crm, "Trey Research")
    account(crm, "Trey Research")
    started = await integration.mutate(MATCH, {"i": {"mapping": "CUSTOMER", "dryRun": True}})
    await container.queue.drain()  # type: ignore[attr-defined]
    job = (await integration.data(JOB, {"id": started["syncJob"]["id"]}))["syncJob"]
    assert (job["status"], job["coupled"], job["failed"], job["total"]) == ("SUCCEEDED", 0, 0, 3)
    outcomes = {r["erpRef"]: r["outcome"] for r in job["records"]["nodes"]}
    assert outcomes == {"C1": "WOULD_COUPLE", "C2": "AMBIGUOUS", "C3": "UNMATCHED"}


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "real run"])
async def test_create_if_no_match_creates_nothing_for_an_ambiguous_match(
    integration: GraphQLClient, crm: DataverseSimulator, container: Services, dry_run: bool
) -> None:
    await customer(integration, "C1", "Litware")
    await customer(integration, "C2", "Northwind Traders")
    account(crm, "Litware")
    account(crm, "Litware")
    started = await integration.mutate(
        MATCH, {"i": {"mapping": "CUSTOMER", "createIfNoMatch": True, "dryRun": dry_run}}
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    job = (await integration.data(JOB, {"id": started["syncJob"]["id"]}))["syncJob"]
    outcomes = {r["erpRef"]: r["outcome"] for r in job["records"]["nodes"]}
    assert outcomes == {"C1": "AMBIGUOUS", "C2": "WOULD_CREATE" if dry_run else "CREATE"}
    assert job["failed"] == (0 if dry_run else 1)
    litware = await integration.data('{ customer(no: "C1") { coupling { id } } }')
    assert litware["customer"]["coupling"] is None
    names = sorted(row["name"] for row in crm.rows("account"))
    assert names == (["Litware", "Litware"] if dry_run else ["Litware", "Litware", "Northwind Traders"])


async def test_matching_on_a_field_the_mapping_does_not_pair_is_refused(
    integration: GraphQLClient, crm: DataverseSimulator
) -> None:
    errors = await integration.refused(
        MATCH, {"i": {"mapping": "CUSTOMER", "criteria": [{"erpField": "fax2"}]}}
    )
    assert errors == [
        {
            "field": "criteria.0.erpField",
            "code": "INVALID_VALUE",
            "message": "CUSTOMER maps no CRM attribute to 'fax2'",
        }
    ]


async def test_coupling_without_a_connection_says_so(integration: GraphQLClient, container: Services) -> None:
    await customer(integration, "C1", "Adatum Corporation")
    errors = await integration.refused(
        COUPLE, {"i": {"mapping": "CUSTOMER", "erpKey": "C1", "crmId": str(uuid.uuid4())}}
    )
    assert errors[0]["code"] == "NOT_CONFIGURED"


def _unused(value: Lookup) -> None:
    return None
