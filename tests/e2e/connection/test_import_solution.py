"""importCrmSolution: an admin app, used for this one call, imports Couplet's
solution and gives the integration user Couplet's integration roles."""

from __future__ import annotations

from domain.connection.solution import AVAILABILITY_USER, INTEGRATION_ADMINISTRATOR, INTEGRATION_USER
from tests.e2e.connection.support import (
    IMPORT,
    TEST,
    Dataverse,
    configured,
    connected,
    connection,
    with_solution,
)
from tests.support.graphql import GraphQLClient

RESET_MAPPINGS = "mutation { p: resetTableMappings(input: {}) { userErrors { code } } }"


async def test_import_installs_couplets_solution_and_records_it(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    result = await with_solution(admin, dataverse)
    assert (result["solutionInstalled"], result["solutionVersion"]) == (True, "1.0.0.0")
    assert dataverse.simulator.installed_solutions() == {"CoupletIntegration": "1.0.0.0"}


async def test_the_solution_adds_the_erp_number_columns_and_the_connection_table(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await with_solution(admin, dataverse)
    crm = dataverse.simulator
    account = crm.add_row("account", {"name": "Adatum Corporation", "couplet_erpnumber": "C10000"})
    product = crm.add_row(
        "product",
        {"name": "Bicycle", "productnumber": "1000", "couplet_erpnumber": "1000", "quantitydecimal": 2},
    )
    assert (crm.row("account", account) or {})["couplet_erpnumber"] == "C10000"
    assert (crm.row("product", product) or {})["couplet_erpnumber"] == "1000"
    row = crm.add_row("couplet_connection", {"couplet_name": "Couplet", "couplet_accesskey": "cpl_x"})
    assert (crm.row("couplet_connection", row) or {})["couplet_accesskey"] == "cpl_x"
    assert {AVAILABILITY_USER, INTEGRATION_ADMINISTRATOR, INTEGRATION_USER} <= {
        r["name"] for r in crm.rows("role")
    }


async def test_import_gives_the_integration_user_couplets_integration_roles(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await with_solution(admin, dataverse)
    assert await dataverse.role_names(dataverse.integration_user) == {
        INTEGRATION_ADMINISTRATOR,
        INTEGRATION_USER,
    }
    assert (await admin.mutate(TEST))["connection"]["status"] == "CONNECTED"


async def test_import_switches_on_the_erp_number_field_mappings(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await admin.mutate(RESET_MAPPINGS)
    await with_solution(admin, dataverse)
    data = await admin.data("{ tableMappings { name fieldMappings { crmAttribute enabled } } }")
    erp_numbers = {
        m["name"]: f["enabled"]
        for m in data["tableMappings"]
        for f in m["fieldMappings"]
        if f["crmAttribute"] == "couplet_erpnumber"
    }
    assert erp_numbers == {
        "CUSTOMER": True,
        "ITEM-PRODUCT": True,
        "RESOURCE-PRODUCT": True,
        "SALESORDER-ORDER": True,
    }


async def test_importing_again_is_harmless(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await with_solution(admin, dataverse)
    again = await admin.mutate(IMPORT, {"i": dataverse.admin_credentials()})
    assert again["connection"]["solutionInstalled"] is True
    assert await dataverse.role_names(dataverse.integration_user) == {
        INTEGRATION_ADMINISTRATOR,
        INTEGRATION_USER,
    }


async def test_import_needs_a_passing_test(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await configured(admin, dataverse)
    errors = await admin.refused(IMPORT, {"i": dataverse.admin_credentials()})
    assert errors == [
        {
            "field": None,
            "code": "INVALID_STATE",
            "message": "test the connection first (testConnection) before importing the solution; "
            "its status is CONFIGURED",
        }
    ]
    assert dataverse.simulator.installed_solutions() == {}


async def test_wrong_admin_credentials_are_refused_and_nothing_changes(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    errors = await admin.refused(IMPORT, {"i": dataverse.admin_credentials(clientSecret="wrong")})
    assert [(e["field"], e["code"]) for e in errors] == [(None, "CRM_ERROR")]
    assert errors[0]["message"].startswith("Sign-in refused for the admin app (client id 'contoso-admin'")
    assert (await connection(admin) or {})["solutionInstalled"] is False
    assert dataverse.simulator.installed_solutions() == {}


async def test_an_admin_app_without_system_administrator_is_refused(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    dataverse.simulator.register_app("contoso-helpdesk", "helpdesk-secret", full_name="Helpdesk")
    await connected(admin, dataverse)
    errors = await admin.refused(
        IMPORT, {"i": {"clientId": "contoso-helpdesk", "clientSecret": "helpdesk-secret"}}
    )
    assert [(e["field"], e["code"]) for e in errors] == [(None, "CRM_ERROR")]
    assert errors[0]["message"].startswith("The CRM refused the admin app for lack of a privilege: ")
    assert errors[0]["message"].endswith("Its application user needs System Administrator.")


async def test_the_integration_app_cannot_be_the_admin(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await connected(admin, dataverse)
    errors = await admin.refused(IMPORT, {"i": dataverse.admin_credentials(clientId="couplet-sync")})
    assert [(e["field"], e["code"]) for e in errors] == [("clientId", "INVALID_VALUE")]


async def test_blank_admin_credentials_are_refused(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await connected(admin, dataverse)
    errors = await admin.refused(IMPORT, {"i": {"clientId": "", "clientSecret": " "}})
    assert {(e["field"], e["code"]) for e in errors} == {
        ("clientId", "REQUIRED"),
        ("clientSecret", "REQUIRED"),
    }


async def test_import_before_configuring_is_refused(admin: GraphQLClient, dataverse: Dataverse) -> None:
    errors = await admin.refused(IMPORT, {"i": dataverse.admin_credentials()})
    assert [e["code"] for e in errors] == ["NOT_CONFIGURED"]
