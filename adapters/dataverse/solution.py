"""Couplet's integration solution as a Dataverse solution package (a zip holding
``solution.xml``, ``customizations.xml`` and ``[Content_Types].xml``), built in
code so its version and names live beside the code that relies on them
(`domain.connection.solution`).

It stays inside the subset the simulator's ImportSolution applies (see
`adapters/dataverse/simulator/_solutions.py`) and uses Dataverse's own element
names, so the same file is the shape a real org imports; a real package exported
from a maker portal carries more (forms, views, ribbon), which Dataverse fills in
with defaults for new tables."""

from __future__ import annotations

import io
import uuid
import zipfile
from xml.sax.saxutils import quoteattr

from domain.connection.solution import (
    AVAILABILITY_USER,
    CONNECTION_ACCESS_KEY,
    CONNECTION_AVAILABILITY_URL,
    CONNECTION_ENTITY,
    CONNECTION_NAME,
    CONNECTION_SERVICE_URL,
    ERP_NUMBER_ENTITIES,
    FRIENDLY_NAME,
    INTEGRATION_ADMINISTRATOR,
    INTEGRATION_USER,
    UNIQUE_NAME,
    VERSION,
)
from domain.mappings.defaults import ERP_NUMBER

_NAMESPACE = uuid.UUID("0c0e7a3e-5b4f-4c8e-9d27-6f1f0c0a1e70")
_CONNECTION_SCHEMA = "couplet_Connection"
_SCHEMA_NAMES = {"account": "Account", "product": "Product", "salesorder": "SalesOrder"}

# Privileges per role (Dataverse's prv<Verb><Table> names). Only the availability
# role and the integration roles may read couplet_connection: it holds the key.
# The integration user writes the tables the default mappings touch; adding an
# option to a choice column (option mappings) needs prvWriteAttribute.
_CONNECTION = _CONNECTION_SCHEMA
_SYNCED_TABLES = (
    "Account",
    "Contact",
    "Product",
    "PriceLevel",
    "ProductPriceLevel",
    "UoM",
    "UoMSchedule",
    "TransactionCurrency",
    "SalesOrder",
    "SalesOrderDetail",
)
_VERBS = ("Create", "Read", "Write", "Delete", "Append", "AppendTo")
ROLE_PRIVILEGES = {
    INTEGRATION_ADMINISTRATOR: (
        *(f"prv{verb}{_CONNECTION}" for verb in ("Create", "Read", "Write", "Delete")),
        "prvWriteAttribute",
    ),
    INTEGRATION_USER: (
        f"prvRead{_CONNECTION}",
        *(f"prv{verb}{table}" for table in _SYNCED_TABLES for verb in _VERBS),
        "prvReadUser",
        "prvReadBusinessUnit",
    ),
    AVAILABILITY_USER: (f"prvRead{_CONNECTION}", "prvReadProduct"),
}


def role_id(name: str) -> uuid.UUID:
    """A fixed id per role, so every import of every version names the same role."""
    return uuid.uuid5(_NAMESPACE, name)


def solution_xml(version: str = VERSION) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<ImportExportXml version="9.2" SolutionPackageVersion="9.2" languagecode="1033">
  <SolutionManifest>
    <UniqueName>{UNIQUE_NAME}</UniqueName>
    <LocalizedNames>
      <LocalizedName description={quoteattr(FRIENDLY_NAME)} languagecode="1033"/>
    </LocalizedNames>
    <Version>{version}</Version>
    <Managed>1</Managed>
    <Publisher><UniqueName>couplet</UniqueName><CustomizationPrefix>couplet</CustomizationPrefix></Publisher>
  </SolutionManifest>
</ImportExportXml>"""


def _text(
    logical: str, schema_name: str, length: int, *, primary: bool = False, required: bool = False
) -> str:
    mask = (
        "<DisplayMask>PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid</DisplayMask>"
        if primary
        else ""
    )
    level = "systemrequired" if required else "none"
    return (
        f'<attribute PhysicalName="{schema_name}"><Type>nvarchar</Type>'
        f"<LogicalName>{logical}</LogicalName><RequiredLevel>{level}</RequiredLevel>"
        f"<MaxLength>{length}</MaxLength>{mask}</attribute>"
    )


def _erp_number_entity(entity: str) -> str:
    schema = _SCHEMA_NAMES[entity]
    column = _text(ERP_NUMBER, "couplet_ErpNumber", 20)
    return (
        f'<Entity><Name>{schema}</Name><EntityInfo><entity Name="{schema}"><attributes>'
        f"{column}</attributes></entity></EntityInfo></Entity>"
    )


def _connection_entity() -> str:
    columns = "".join(
        (
            _text(CONNECTION_NAME, "couplet_Name", 100, primary=True, required=True),
            _text(CONNECTION_SERVICE_URL, "couplet_ServiceUrl", 500),
            _text(CONNECTION_AVAILABILITY_URL, "couplet_AvailabilityUrl", 500),
            _text(CONNECTION_ACCESS_KEY, "couplet_AccessKey", 200),
        )
    )
    return (
        f"<Entity><Name>{_CONNECTION_SCHEMA}</Name><EntityInfo>"
        f'<entity Name="{_CONNECTION_SCHEMA}"><EntitySetName>{CONNECTION_ENTITY}s</EntitySetName>'
        "<OwnershipTypeMask>OrgOwned</OwnershipTypeMask>"
        f"<attributes>{columns}</attributes></entity></EntityInfo></Entity>"
    )


def _role(name: str) -> str:
    privileges = "".join(f'<RolePrivilege name="{p}" level="Global"/>' for p in ROLE_PRIVILEGES[name])
    return (
        f'<Role id="{{{role_id(name)}}}" name={quoteattr(name)}>'
        f"<RolePrivileges>{privileges}</RolePrivileges></Role>"
    )


def customizations_xml() -> str:
    entities = "".join(_erp_number_entity(e) for e in ERP_NUMBER_ENTITIES) + _connection_entity()
    roles = "".join(_role(name) for name in ROLE_PRIVILEGES)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<ImportExportXml>'
        f"<Entities>{entities}</Entities><Roles>{roles}</Roles></ImportExportXml>"
    )


def solution_zip(version: str = VERSION) -> bytes:
    """The package ImportSolution takes (base64-encoded by the client)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("solution.xml", solution_xml(version))
        archive.writestr("customizations.xml", customizations_xml())
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream"/>'
            "</Types>",
        )
    return buffer.getvalue()
