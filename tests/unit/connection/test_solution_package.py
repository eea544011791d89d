"""Couplet's solution package: what is in the zip ImportSolution gets."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from adapters.dataverse.solution import role_id, solution_zip
from domain.connection.solution import (
    AVAILABILITY_USER,
    INTEGRATION_ADMINISTRATOR,
    INTEGRATION_USER,
    UNIQUE_NAME,
    VERSION,
)


def package() -> tuple[ElementTree.Element, ElementTree.Element]:
    archive = zipfile.ZipFile(io.BytesIO(solution_zip()))
    assert set(archive.namelist()) == {"solution.xml", "customizations.xml", "[Content_Types].xml"}
    return (
        ElementTree.fromstring(archive.read("solution.xml")),
        ElementTree.fromstring(archive.read("customizations.xml")),
    )


def test_the_manifest_names_couplets_solution_and_version() -> None:
    manifest, _ = package()
    assert manifest.findtext("SolutionManifest/UniqueName") == UNIQUE_NAME
    assert manifest.findtext("SolutionManifest/Version") == VERSION


def test_account_product_and_salesorder_get_the_erp_number_column() -> None:
    _, customizations = package()
    with_column = {
        entity.findtext("Name")
        for entity in customizations.findall("Entities/Entity")
        if any(a.findtext("LogicalName") == "couplet_erpnumber" for a in entity.iter("attribute"))
    }
    assert with_column == {"Account", "Product", "SalesOrder"}


def test_the_connection_table_holds_the_endpoint_and_the_key() -> None:
    _, customizations = package()
    (table,) = [
        e for e in customizations.findall("Entities/Entity") if e.findtext("Name") == "couplet_Connection"
    ]
    assert [a.findtext("LogicalName") for a in table.iter("attribute")] == [
        "couplet_name",
        "couplet_serviceurl",
        "couplet_availabilityurl",
        "couplet_accesskey",
    ]


def test_three_roles_with_fixed_ids_and_only_they_read_the_connection_table() -> None:
    _, customizations = package()
    roles = {role.get("name"): role for role in customizations.findall("Roles/Role")}
    assert set(roles) == {INTEGRATION_ADMINISTRATOR, INTEGRATION_USER, AVAILABILITY_USER}
    for name, role in roles.items():
        assert role.get("id") == f"{{{role_id(name)}}}"
        privileges = {p.get("name") for p in role.iter("RolePrivilege")}
        assert "prvReadcouplet_Connection" in privileges
