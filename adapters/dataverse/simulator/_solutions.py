"""ImportSolution: the subset of a solution package the simulator applies.

The ``CustomizationFile`` is a base64 zip holding ``solution.xml`` and
``customizations.xml`` (both required; ``[Content_Types].xml`` is ignored).

solution.xml::

    <ImportExportXml><SolutionManifest>
      <UniqueName>CoupletIntegration</UniqueName>
      <LocalizedNames><LocalizedName description="Couplet Integration" languagecode="1033"/></LocalizedNames>
      <Version>1.0.0.0</Version>
      <Managed>1</Managed>
    </SolutionManifest></ImportExportXml>

customizations.xml (everything else in it is ignored)::

    <ImportExportXml>
      <Entities>
        <Entity>
          <Name>bcbi_Company</Name>                       an existing entity or a new one
          <EntityInfo>
            <entity Name="bcbi_Company">
              <EntitySetName>bcbi_companies</EntitySetName>   new entities; default: plural of the name
              <OwnershipTypeMask>UserOwned</OwnershipTypeMask> UserOwned | OrgOwned (default) | None
              <attributes>
                <attribute PhysicalName="bcbi_Name">
                  <Type>nvarchar</Type>                   see the types below
                  <LogicalName>bcbi_name</LogicalName>    default: PhysicalName lower-cased
                  <RequiredLevel>systemrequired</RequiredLevel>  (none | recommended | applicationrequired
                                                          are not enforced, as in Dataverse)
                  <MaxLength>100</MaxLength>              nvarchar / ntext
                  <DisplayMask>PrimaryName|…</DisplayMask> marks the primary name column
                  <Format>date</Format>                   datetime: date | dateonly = date only
                  <Targets><target>account</target></Targets>  lookup targets (or a relationship below)
                  <optionset><options><option value="1"><labels>
                    <label description="Gold" languagecode="1033"/></labels></option></options></optionset>
                </attribute>
              </attributes>
            </entity>
          </EntityInfo>
        </Entity>
      </Entities>
      <EntityRelationships>                               lookup targets, when an attribute has no <Targets>
        <EntityRelationship Name="bcbi_company_salesorder">
          <ReferencingEntityName>SalesOrder</ReferencingEntityName>
          <ReferencedEntityName>bcbi_Company</ReferencedEntityName>
          <ReferencingAttributeName>bcbi_CompanyId</ReferencingAttributeName>
        </EntityRelationship>
      </EntityRelationships>
      <Roles>
        <Role id="{6f960e32-a72b-e511-80d9-3863bb349780}" name="Couplet Integration User">
          <RolePrivileges><RolePrivilege name="prvWriteAttribute" level="Global"/></RolePrivileges>
        </Role>
      </Roles>
    </ImportExportXml>

Types: ``nvarchar`` (text, default length 100), ``ntext`` / ``memo`` (default 2000),
``int``, ``bigint``, ``decimal``, ``money``, ``float`` (kept as decimal), ``bit``,
``datetime``, ``picklist``, ``lookup``, ``uniqueidentifier``, and ``primarykey``
(the new entity's key; default ``<entity>id``). New entities get the system
columns, statecode/statuscode (Active/Inactive) and, when user-owned, ownerid.
A new lookup's navigation property is its PhysicalName (schema name), as in
Dataverse, so it binds as ``bcbi_CompanyId@odata.bind``. Entity and attribute
names are matched case-insensitively. Re-importing a solution updates its version;
an older version than the installed one is refused."""

from __future__ import annotations

import base64
import io
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from xml.etree import ElementTree

from adapters.dataverse.simulator._errors import bad_request
from adapters.dataverse.simulator._metadata import Column, EntityMeta, Kind, entity, state, status

_TYPES = {
    "nvarchar": Kind.STRING,
    "ntext": Kind.MEMO,
    "memo": Kind.MEMO,
    "int": Kind.INTEGER,
    "bigint": Kind.BIGINT,
    "decimal": Kind.DECIMAL,
    "money": Kind.MONEY,
    "float": Kind.DECIMAL,
    "bit": Kind.BOOLEAN,
    "datetime": Kind.DATETIME,
    "picklist": Kind.PICKLIST,
    "lookup": Kind.LOOKUP,
    "uniqueidentifier": Kind.UNIQUEIDENTIFIER,
}
_OWNERSHIP = {"userowned": "UserOwned", "orgowned": "OrganizationOwned", "none": "None"}


@dataclass(slots=True)
class SolutionPackage:
    unique_name: str
    friendly_name: str
    version: str
    managed: bool
    entities: list[EntityMeta] = field(default_factory=list)
    options: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)
    roles: list[tuple[str, str, list[str]]] = field(default_factory=list)


def read_package(customization_file: str, known: dict[str, EntityMeta]) -> SolutionPackage:
    """Parse the base64 zip and build the resulting table definitions (not applied yet)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(customization_file, validate=True)))
        solution = ElementTree.fromstring(archive.read("solution.xml"))
        customizations = ElementTree.fromstring(archive.read("customizations.xml"))
    except (ValueError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise bad_request(f"The solution file is not a valid solution package: {exc}") from exc
    manifest = solution.find("SolutionManifest")
    if manifest is None or not (manifest.findtext("UniqueName") or "").strip():
        raise bad_request("solution.xml has no SolutionManifest/UniqueName.")
    unique_name = (manifest.findtext("UniqueName") or "").strip()
    label = manifest.find("LocalizedNames/LocalizedName")
    package = SolutionPackage(
        unique_name=unique_name,
        friendly_name=label.get("description", unique_name) if label is not None else unique_name,
        version=(manifest.findtext("Version") or "1.0.0.0").strip(),
        managed=(manifest.findtext("Managed") or "0").strip() == "1",
    )
    targets = _relationship_targets(customizations)
    lowered = {name.lower(): meta for name, meta in known.items()}
    for element in customizations.findall("Entities/Entity"):
        package.entities.append(_entity(element, lowered, targets, package))
    for role in customizations.findall("Roles/Role"):
        role_id = (role.get("id") or str(uuid.uuid4())).strip("{}").lower()
        privileges = [p.get("name", "") for p in role.findall("RolePrivileges/RolePrivilege")]
        package.roles.append((role_id, role.get("name") or "", privileges))
    return package


def _relationship_targets(root: ElementTree.Element) -> dict[tuple[str, str], str]:
    targets = {}
    for relation in root.iter("EntityRelationship"):
        referencing = (relation.findtext("ReferencingEntityName") or "").lower()
        attribute = (relation.findtext("ReferencingAttributeName") or "").lower()
        referenced = (relation.findtext("ReferencedEntityName") or "").lower()
        if referencing and attribute and referenced:
            targets[(referencing, attribute)] = referenced
    return targets


def _entity(
    element: ElementTree.Element,
    known: dict[str, EntityMeta],
    targets: dict[tuple[str, str], str],
    package: SolutionPackage,
) -> EntityMeta:
    info = element.find("EntityInfo/entity")
    schema_name = (element.findtext("Name") or (info.get("Name") if info is not None else "") or "").strip()
    if not schema_name:
        raise bad_request("An <Entity> in customizations.xml has no <Name>.")
    name = schema_name.lower()
    existing = known.get(name)
    meta = _copy(existing) if existing is not None else _new_entity(name, schema_name, info)
    for attribute in info.findall("attributes/attribute") if info is not None else ():
        column = _column(name, attribute, targets, package)
        if column is None or column.name in meta.columns and not meta.columns[column.name].custom:
            continue
        meta.columns[column.name] = column
        if "primaryname" in (attribute.findtext("DisplayMask") or "").lower():
            meta.primary_name = column.name
    if meta.primary_name not in meta.columns:
        texts = [c.name for c in meta.columns.values() if c.kind is Kind.STRING]
        meta.primary_name = texts[0] if texts else meta.primary_id
    return meta


def _copy(meta: EntityMeta) -> EntityMeta:
    return replace(meta, columns=dict(meta.columns))


def _new_entity(name: str, schema_name: str, info: ElementTree.Element | None) -> EntityMeta:
    entity_set = (info.findtext("EntitySetName") if info is not None else None) or plural(name)
    ownership = _OWNERSHIP.get(
        ((info.findtext("OwnershipTypeMask") if info is not None else "") or "").lower()
    )
    prefix = name.split("_", 1)[0] + "_" if "_" in name else ""
    meta = entity(
        name,
        entity_set.strip(),
        f"{prefix}name",
        [state(), status()],
        ownership=ownership or "OrganizationOwned",
    )
    meta.custom = True
    meta.schema_name = schema_name
    return meta


def _column(
    entity_name: str,
    attribute: ElementTree.Element,
    targets: dict[tuple[str, str], str],
    package: SolutionPackage,
) -> Column | None:
    physical = attribute.get("PhysicalName") or attribute.findtext("Name") or ""
    name = (attribute.findtext("LogicalName") or physical).strip().lower()
    type_name = (attribute.findtext("Type") or "").strip().lower()
    if not name or type_name in ("primarykey", "state", "status", "owner", "customer"):
        return None
    kind = _TYPES.get(type_name)
    if kind is None:
        raise bad_request(
            f"Attribute '{name}' of '{entity_name}' has type '{type_name}', which is not supported."
        )
    required = (attribute.findtext("RequiredLevel") or "").strip().lower() == "systemrequired"
    length = attribute.findtext("MaxLength") or attribute.findtext("Length")
    default_length = {Kind.STRING: 100, Kind.MEMO: 2000}.get(kind)
    lookup_targets: tuple[str, ...] = ()
    if kind is Kind.LOOKUP:
        listed = [t.text.strip().lower() for t in attribute.iter() if t.tag.lower() == "target" and t.text]
        related = targets.get((entity_name, name)) or targets.get((entity_name, physical.lower()))
        lookup_targets = tuple(listed or ([related] if related else []))
        if not lookup_targets:
            raise bad_request(
                f"Lookup '{name}' of '{entity_name}' names no target (<Targets> or a relationship)."
            )
    options = _options(attribute)
    if options:
        package.options[(entity_name, name)] = options
    return Column(
        name,
        kind,
        required=required,
        max_length=int(length) if length else default_length,
        targets=lookup_targets,
        schema_name=physical or None,
        date_only=(attribute.findtext("Format") or "").strip().lower() in ("date", "dateonly"),
        custom=True,
    )


def _options(attribute: ElementTree.Element) -> dict[int, str]:
    options = {}
    for option in attribute.findall("optionset/options/option"):
        label = option.find("labels/label")
        options[int(option.get("value", "0"))] = label.get("description", "") if label is not None else ""
    return options


def plural(name: str) -> str:
    """The default entity set name (Dataverse pluralises the logical name in English;
    the exact rules are not documented in the reference - this covers the usual ones)."""
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return name[:-1] + "ies"
    if name.endswith(("s", "x", "ch", "sh")):
        return name + "es"
    return name + "s"


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())
