"""testConnection: WhoAmI, the CRM's version, the integration-user checks; the
outcome is recorded with its time, and a failure with a clear reason."""

from __future__ import annotations

import pytest

from adapters.dataverse.simulator import DataverseSimulator
from adapters.dataverse.solution import solution_zip
from api.bootstrap import Services
from tests.e2e.connection.support import (
    ADMIN_APP,
    INTEGRATION_APP,
    INTEGRATION_EMAIL,
    TEST,
    Dataverse,
    configured,
    connected,
    local_currency,
)
from tests.support.graphql import GraphQLClient
from tests.support.servers import free_port
from tests.support.simulator import SwitchableApp


async def test_a_passing_test_records_the_crm_version_organisation_and_integration_user(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await configured(admin, dataverse)
    result = (await admin.mutate(TEST))["connection"]
    assert result["status"] == "CONNECTED"
    assert result["lastError"] is None
    assert result["lastTestedAt"] is not None
    assert result["crmVersion"].startswith("9.2.")
    assert result["organizationId"] == str(dataverse.simulator.organization_id)
    assert result["integrationUserId"] == str(dataverse.integration_user)


@pytest.mark.parametrize("how", ["email", "domain name", "user id"])
async def test_the_integration_user_is_found_by_email_domain_name_or_id(
    admin: GraphQLClient, dataverse: Dataverse, how: str
) -> None:
    identity = {
        "email": INTEGRATION_EMAIL,
        "domain name": "couplet-sync@simulator.invalid",
        "user id": str(dataverse.integration_user),
    }[how]
    result = await connected(admin, dataverse, integrationUser=identity)
    assert result["integrationUserId"] == str(dataverse.integration_user)


async def test_a_wrong_secret_is_recorded_as_a_refused_sign_in(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await configured(admin, dataverse, clientSecret="not-the-secret")
    result = (await admin.mutate(TEST))["connection"]
    assert result["status"] == "ERROR"
    assert result["lastTestedAt"] is not None
    assert result["lastError"] == (
        "Sign-in refused for the integration app (client id 'couplet-sync', tenant "
        "'00000000-0000-4000-8000-00000000c0de'): token request refused: invalid_client: AADSTS7000215: "
        "Invalid client secret provided. Check the tenant, client id and client secret."
    )


async def test_an_unreachable_url_is_recorded_as_such(admin: GraphQLClient, dataverse: Dataverse) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    await configured(admin, dataverse, serverUrl=nowhere, authorityUrl=nowhere)
    result = (await admin.mutate(TEST))["connection"]
    assert result["status"] == "ERROR"
    assert result["lastError"].startswith(f"Cannot reach the sign-in endpoint at {nowhere}: ")
    assert "Traceback" not in result["lastError"]


async def test_a_missing_integration_user_is_recorded(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await configured(admin, dataverse, integrationUser="nobody@contoso.example")
    result = (await admin.mutate(TEST))["connection"]
    assert (result["status"], result["lastError"]) == (
        "ERROR",
        "No CRM user matches the integration user 'nobody@contoso.example' "
        "(looked up by email, domain name and user id).",
    )


async def test_the_integration_user_must_be_the_user_couplet_signs_in_as(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    dataverse.simulator.add_row(
        "systemuser",
        {"lastname": "Integration", "domainname": "integration@contoso.example", "islicensed": True},
    )
    await configured(admin, dataverse, integrationUser="integration@contoso.example")
    result = (await admin.mutate(TEST))["connection"]
    assert result["status"] == "ERROR"
    assert result["lastError"].startswith("The integration user 'Integration' (")
    assert (
        "is not the user Couplet signs in as: client id 'couplet-sync' signs in as user "
        in result["lastError"]
    )


async def test_a_disabled_integration_user_fails_the_test(admin: GraphQLClient, dataverse: Dataverse) -> None:
    dataverse.simulator.update_row("systemuser", dataverse.integration_user, {"isdisabled": True})
    await configured(admin, dataverse)
    result = (await admin.mutate(TEST))["connection"]
    assert (result["status"], result["lastError"]) == (
        "ERROR",
        f"The integration user '# Couplet Integration' ({dataverse.integration_user}) "
        "is disabled in the CRM.",
    )


async def test_an_integration_user_holding_system_administrator_fails_the_test(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    dataverse.simulator.assign_role(dataverse.integration_user, "System Administrator")
    await configured(admin, dataverse)
    result = (await admin.mutate(TEST))["connection"]
    assert result["status"] == "ERROR"
    assert "holds System Administrator, which it must not" in result["lastError"]


async def test_a_passing_test_after_a_failure_clears_the_error(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await configured(admin, dataverse, clientSecret="not-the-secret")
    await admin.mutate(TEST)
    result = await connected(admin, dataverse)
    assert (result["status"], result["lastError"]) == ("CONNECTED", None)


async def test_testing_before_configuring_is_refused(admin: GraphQLClient, dataverse: Dataverse) -> None:
    errors = await admin.refused(TEST)
    assert errors == [
        {
            "field": None,
            "code": "NOT_CONFIGURED",
            "message": "the CRM connection is not configured: run configureConnection first",
        }
    ]


async def test_a_manually_installed_solution_is_noticed_and_its_roles_are_required(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    async with dataverse.client(ADMIN_APP) as crm:
        await crm.import_solution(solution_zip())
    await configured(admin, dataverse)
    result = (await admin.mutate(TEST))["connection"]
    assert (result["solutionInstalled"], result["solutionVersion"]) == (True, "1.0.0.0")
    assert result["status"] == "ERROR"
    assert result["lastError"].endswith(
        "lacks Couplet Integration Administrator, Couplet Integration User: "
        "run importCrmSolution to assign Couplet's roles."
    )


async def test_another_organization_behind_the_url_is_refused_while_couplings_exist(
    admin: GraphQLClient,
    dataverse: Dataverse,
    crm_server: tuple[str, SwitchableApp],
    container: Services,
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    await admin.mutate("mutation { p: resetTableMappings(input: {}) { userErrors { code } } }")
    await admin.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code message } } }",
        {"i": {"mapping": "CURRENCY", "erpKey": "DKK", "crmId": str(dataverse.simulator.base_currency_id)}},
    )
    _, app = crm_server
    first = app.simulator
    other = DataverseSimulator()
    other.register_app(
        *INTEGRATION_APP,
        full_name="Couplet Integration",
        user_fields={"internalemailaddress": INTEGRATION_EMAIL},
    )
    app.simulator = other
    try:
        refused = (await admin.mutate(TEST))["connection"]
        assert refused["status"] == "ERROR"
        assert refused["organizationId"] == str(dataverse.simulator.organization_id)  # still the first
        assert f"another Dynamics 365 organization ({other.organization_id})" in refused["lastError"]
        assert "the one Couplet's 1 coupling belongs to" in refused["lastError"]

        await admin.mutate(
            'mutation { p: uncoupleRecords(input: {mapping: "CURRENCY", all: true}) { userErrors { code } } }'
        )
        await container.queue.drain()  # type: ignore[attr-defined]
        moved = (await admin.mutate(TEST))["connection"]
        assert (moved["status"], moved["organizationId"]) == ("CONNECTED", str(other.organization_id)), moved[
            "lastError"
        ]
    finally:
        app.simulator = first
        await other.aclose()
