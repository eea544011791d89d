"""Simulator fidelity: ImportSolution's subset, the table definitions it changes,
option sets, and an org that survives a restart when stored in a file."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import httpx
import pytest

from adapters.dataverse import CrmPermissionError, DataverseClient
from adapters.dataverse.simulator import DataverseSimulator
from adapters.dataverse.simulator._actions import privileges
from adapters.dataverse.simulator._messages import ApiRequest
from tests.integration.dataverse.solution_package import solution_zip


async def import_solution(api: httpx.AsyncClient, package: bytes) -> httpx.Response:
    return await api.post(
        "ImportSolution",
        json={
            "CustomizationFile": base64.b64encode(package).decode(),
            "OverwriteUnmanagedCustomizations": True,
        },
    )


async def test_import_records_the_solution(api: httpx.AsyncClient) -> None:
    assert (await import_solution(api, solution_zip(version="1.0.0.0"))).status_code == 204
    rows = (await api.get("solutions?$select=uniquename,version,friendlyname,installedon")).json()["value"]
    assert [(r["uniquename"], r["version"], r["friendlyname"]) for r in rows] == [
        ("CoupletIntegration", "1.0.0.0", "Couplet Integration")
    ]
    assert rows[0]["installedon"].endswith("Z")


async def test_a_new_entity_gets_an_entity_set_and_system_columns(api: httpx.AsyncClient) -> None:
    await import_solution(api, solution_zip())
    created = await api.post(
        "cpl_companies", json={"cpl_name": "CRONUS DK"}, headers={"Prefer": "return=representation"}
    )
    assert created.status_code == 201
    row = created.json()
    assert row["cpl_name"] == "CRONUS DK"
    assert {"cpl_companyid", "createdon", "modifiedon", "statecode", "statuscode"} <= set(row)


async def test_a_new_lookup_binds_through_its_schema_name(api: httpx.AsyncClient) -> None:
    await import_solution(api, solution_zip())
    company = (await api.post("cpl_companies", json={"cpl_name": "CRONUS DK"})).headers["OData-EntityId"]
    response = await api.post("salesorders", json={"name": "SO-1001", "cpl_CompanyId@odata.bind": company})
    assert response.status_code == 204
    lowercase = await api.post("salesorders", json={"name": "SO-1002", "cpl_companyid@odata.bind": company})
    assert lowercase.status_code == 400


async def test_new_columns_keep_their_declared_rules(api: httpx.AsyncClient) -> None:
    await import_solution(api, solution_zip())
    assert (await api.post("cpl_companies", json={"cpl_name": "C" * 31})).status_code == 400
    assert (await api.post("cpl_companies", json={"cpl_externalid": "x"})).json()["error"][
        "code"
    ] == "0x80040200"


async def test_table_definitions_describe_the_new_lookup(api: httpx.AsyncClient) -> None:
    await import_solution(api, solution_zip())
    definition = (
        await api.get(
            "EntityDefinitions(LogicalName='salesorder')",
            params={"$select": "LogicalName,EntitySetName", "$expand": "Attributes,ManyToOneRelationships"},
        )
    ).json()
    relation = next(
        r for r in definition["ManyToOneRelationships"] if r["ReferencingAttribute"] == "cpl_companyid"
    )
    assert relation["ReferencedEntity"] == "cpl_company"
    assert relation["ReferencingEntityNavigationPropertyName"] == "cpl_CompanyId"
    assert definition["EntitySetName"] == "salesorders"


async def test_an_older_version_is_refused(api: httpx.AsyncClient) -> None:
    await import_solution(api, solution_zip(version="2.0.0.0"))
    assert (await import_solution(api, solution_zip(version="1.5.0.0"))).status_code == 400
    assert (await import_solution(api, solution_zip(version="2.1.0.0"))).status_code == 204


async def test_a_solution_brings_its_roles_and_their_privileges(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    await import_solution(api, solution_zip())
    role = simulator.role_id("Couplet Integration User")
    assert str(role) == "6f960e32-a72b-e511-80d9-3863bb349780"
    user = simulator.register_app("integration", "secret")
    simulator.assign_role(user, role)
    assert "prvWriteAttribute" in privileges(simulator.org, str(user))[1]


async def test_a_package_without_solution_xml_is_400(api: httpx.AsyncClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("customizations.xml", "<ImportExportXml/>")
    response = await import_solution(api, buffer.getvalue())
    assert response.status_code == 400


async def test_an_option_set_is_read_through_the_picklist_metadata_cast(api: httpx.AsyncClient) -> None:
    path = (
        "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='address1_freighttermscode')"
        "/Microsoft.Dynamics.CRM.PicklistAttributeMetadata"
    )
    body = (
        await api.get(path, params={"$select": "LogicalName", "$expand": "OptionSet($select=Options)"})
    ).json()
    options = body["OptionSet"]["Options"]
    assert [(o["Value"], o["Label"]["UserLocalizedLabel"]["Label"]) for o in options] == [
        (1, "FOB"),
        (2, "No Charge"),
    ]


async def test_insert_option_value_is_denied_to_users_without_the_privilege(
    sync_crm: DataverseClient,
) -> None:
    with pytest.raises(CrmPermissionError) as denied:
        await sync_crm.insert_option_value("account", "paymenttermscode", "14 DAYS")
    assert denied.value.status == 403


async def test_insert_option_value_is_allowed_by_a_solution_role(
    sync_crm: DataverseClient, api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    await import_solution(api, solution_zip())
    simulator.assign_role((await sync_crm.who_am_i()).user_id, "Couplet Integration User")
    assert await sync_crm.insert_option_value("account", "paymenttermscode", "14 DAYS") == 100_000_000


def test_a_file_backed_org_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    first = DataverseSimulator(db=db, base_currency="EUR")
    first.register_app("couplet", "s3cret")
    account = first.add_row("account", {"name": "Adatum Corporation"})
    organization = first.organization_id
    first.close()
    second = DataverseSimulator(db=db, base_currency="DKK")
    assert second.organization_id == organization
    assert second.row("account", account) is not None
    assert [c["isocurrencycode"] for c in second.rows("transactioncurrency")] == ["EUR"]
    assert second.authority.app_user("couplet") is not None
    second.close()


def test_a_file_backed_org_keeps_what_a_solution_added(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    first = DataverseSimulator(db=db)
    admin = first.register_app("couplet", "s3cret", roles=["System Administrator"])
    body = b'{"CustomizationFile": "' + base64.b64encode(solution_zip()) + b'"}'
    request = ApiRequest("POST", "ImportSolution", {}, {}, body, "http://127.0.0.1", str(admin))
    assert first.router.handle(request).status == 204
    first.close()
    second = DataverseSimulator(db=db)
    company = second.add_row("cpl_company", {"cpl_name": "CRONUS DK"})
    assert second.row("cpl_company", company) is not None
    assert second.installed_solutions() == {"CoupletIntegration": "1.0.0.0"}
    second.close()
