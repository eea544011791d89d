"""Functions, actions and metadata: WhoAmI, RetrieveVersion, the service document,
table definitions (``EntityDefinitions``), ImportSolution and InsertOptionValue, and
the privilege checks they need.

Privileges are kept simple: System Administrator may do everything; ImportSolution
and role assignment need it. InsertOptionValue needs System Administrator or a role
holding ``prvWriteAttribute`` (the seeded System Customizer does, and a solution's
``<RolePrivilege name="prvWriteAttribute"/>`` grants it). Ordinary reads and
writes need a valid token only."""

from __future__ import annotations

import re
import uuid
from typing import Any

from adapters.dataverse.simulator._errors import access_denied, bad_request, not_found
from adapters.dataverse.simulator._messages import ApiRequest, ApiResponse, Segment, json_response, no_content
from adapters.dataverse.simulator._metadata import CHOICE_KINDS, Column, EntityMeta, Kind
from adapters.dataverse.simulator._org import Organization
from adapters.dataverse.simulator._records import Records
from adapters.dataverse.simulator._solutions import read_package, version_tuple

SYSTEM_ADMINISTRATOR = "System Administrator"
VERSION = "9.2.25044.00170"  # what RetrieveVersion answers: an online org's form
FIRST_CUSTOM_OPTION = 100_000_000
_LOGICAL_NAME = re.compile(r"^LogicalName='([^']+)'$")
_CASTS = {
    "Microsoft.Dynamics.CRM.PicklistAttributeMetadata": Kind.PICKLIST,
    "Microsoft.Dynamics.CRM.StateAttributeMetadata": Kind.STATE,
    "Microsoft.Dynamics.CRM.StatusAttributeMetadata": Kind.STATUS,
}


def privileges(org: Organization, user_id: str) -> tuple[set[str], set[str]]:
    """The user's role names and privilege names."""
    rows = org.store.select(
        "SELECT r.roleid, r.name FROM role r JOIN systemuserroles j ON j.roleid = r.roleid "
        "WHERE j.systemuserid = ?",
        [user_id],
    )
    role_ids = [row["roleid"] for row in rows]
    marks = ",".join("?" for _ in role_ids)
    granted = org.store.select(f"SELECT privilege FROM role_privileges WHERE roleid IN ({marks})", role_ids)
    return {str(row["name"]) for row in rows}, {str(row["privilege"]) for row in granted}


def require(org: Organization, user_id: str, privilege: str, *, granted_by: str | None = None) -> None:
    roles, held = privileges(org, user_id)
    if SYSTEM_ADMINISTRATOR in roles or (granted_by is not None and granted_by in held):
        return
    raise access_denied(user_id, privilege)


class Actions:
    def __init__(self, org: Organization, records: Records) -> None:
        self.org = org
        self.records = records

    def who_am_i(self, request: ApiRequest) -> ApiResponse:
        return json_response(
            200,
            {
                "@odata.context": f"{request.api_url}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
                "BusinessUnitId": self.org.setting("businessunitid"),
                "UserId": request.user_id,
                "OrganizationId": self.org.setting("organizationid"),
            },
        )

    def retrieve_version(self, request: ApiRequest) -> ApiResponse:
        context = f"{request.api_url}$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse"
        return json_response(200, {"@odata.context": context, "Version": VERSION})

    def service_document(self, request: ApiRequest) -> ApiResponse:
        sets = sorted(meta.entity_set for meta in self.org.entities.values())
        value = [{"name": name, "kind": "EntitySet", "url": name} for name in sets]
        return json_response(200, {"@odata.context": f"{request.api_url}$metadata", "value": value})

    def definitions(self, request: ApiRequest, segments: list[Segment]) -> ApiResponse:
        meta = self._entity(segments[0].key)
        if len(segments) == 1:
            return json_response(200, self._definition(request, meta))
        if len(segments) == 3 and segments[1].name == "Attributes" and segments[2].name in _CASTS:
            return json_response(200, self._option_set(meta, segments[1].key, _CASTS[segments[2].name]))
        raise not_found("EntityDefinitions", request.path)

    def _entity(self, key: str | None) -> EntityMeta:
        match = _LOGICAL_NAME.match(key or "")
        meta = self.org.entity(match.group(1)) if match else None
        if meta is None:
            raise not_found("entity", key or "")
        return meta

    def _definition(self, request: ApiRequest, meta: EntityMeta) -> dict[str, Any]:
        expand = request.query.get("$expand", "")
        body: dict[str, Any] = {
            "LogicalName": meta.logical_name,
            "SchemaName": meta.schema_name or meta.logical_name,
            "EntitySetName": meta.entity_set,
            "PrimaryIdAttribute": meta.primary_id,
            "PrimaryNameAttribute": meta.primary_name,
            "IsCustomEntity": meta.custom,
            "OwnershipType": meta.ownership,
        }
        if "Attributes" in expand:
            body["Attributes"] = [_attribute(column) for column in meta.columns.values()]
        if "ManyToOneRelationships" in expand:
            body["ManyToOneRelationships"] = [
                {
                    "ReferencingEntity": meta.logical_name,
                    "ReferencingAttribute": column.name,
                    "ReferencedEntity": target,
                    "ReferencingEntityNavigationPropertyName": column.navigation(target),
                }
                for column in meta.lookups()
                for target in column.targets
            ]
        return body

    def _option_set(self, meta: EntityMeta, key: str | None, kind: Kind) -> dict[str, Any]:
        match = _LOGICAL_NAME.match(key or "")
        column = meta.column(match.group(1)) if match else None
        if column is None or column.kind is not kind:
            raise not_found("attribute", key or "")
        options = self.org.options(meta, column) or {}
        return {
            "LogicalName": column.name,
            "OptionSet": {
                "Options": [{"Value": value, "Label": _label(text)} for value, text in options.items()]
            },
        }

    def import_solution(self, request: ApiRequest) -> ApiResponse:
        require(self.org, request.user_id, "prvImportSolution")
        body = request.json()
        if not isinstance(body, dict) or not body.get("CustomizationFile"):
            raise bad_request("ImportSolution needs a CustomizationFile.")
        package = read_package(str(body["CustomizationFile"]), self.org.entities)
        solutions = self.org.entities["solution"]
        installed = self.org.store.select(
            "SELECT * FROM solution WHERE uniquename = ?", [package.unique_name]
        )
        if installed and version_tuple(installed[0]["version"] or "0") > version_tuple(package.version):
            raise bad_request(
                f"Solution '{package.unique_name}' {installed[0]['version']} is installed; "
                f"{package.version} is older."
            )
        for meta in package.entities:
            self.org.add_entity(meta)
        for (entity, attribute), options in package.options.items():
            for value, label in options.items():
                self._set_option(entity, attribute, value, label)
        for role_id, name, granted in package.roles:
            if self.org.store.get(self.org.entities["role"], role_id) is None:
                self.records.create(
                    self.org.entities["role"], {"roleid": role_id, "name": name}, request.user_id
                )
            for privilege in granted:
                self.org.store.execute(
                    "INSERT OR IGNORE INTO role_privileges (roleid, privilege) VALUES (?, ?)",
                    [role_id, privilege],
                )
        values = {"version": package.version, "friendlyname": package.friendly_name}
        if installed:
            self.records.apply(solutions, installed[0], values, request.user_id)
        else:
            self.records.insert(
                solutions, _new_id(), {"uniquename": package.unique_name, **values}, request.user_id
            )
        self.org.store.execute(
            "UPDATE solution SET installedon = ?, isvisible = 1, ismanaged = ? WHERE uniquename = ?",
            [self.org.now_text(), int(package.managed), package.unique_name],
        )
        return no_content()

    def insert_option_value(self, request: ApiRequest) -> ApiResponse:
        require(self.org, request.user_id, "prvWriteAttribute", granted_by="prvWriteAttribute")
        body = request.json()
        meta = self.org.entity(str(body.get("EntityLogicalName") or ""))
        column = meta.column(str(body.get("AttributeLogicalName") or "")) if meta else None
        if meta is None or column is None or column.kind is not Kind.PICKLIST or column.options is not None:
            raise bad_request(
                "InsertOptionValue needs the entity and a choice column with an editable option set."
            )
        labels = (body.get("Label") or {}).get("LocalizedLabels") or []
        label = str(labels[0].get("Label") or "") if labels else ""
        if not label:
            raise bad_request("InsertOptionValue needs a Label.")
        existing = self.org.options(meta, column) or {}
        value = body.get("Value")
        if value is None:
            value = max([FIRST_CUSTOM_OPTION - 1, *existing]) + 1
        elif int(value) in existing:
            raise bad_request(
                f"The option value {value} already exists on {meta.logical_name}.{column.name}."
            )
        self._set_option(meta.logical_name, column.name, int(value), label)
        context = f"{request.api_url}$metadata#Microsoft.Dynamics.CRM.InsertOptionValueResponse"
        return json_response(200, {"@odata.context": context, "NewOptionValue": int(value)})

    def _set_option(self, entity: str, attribute: str, value: int, label: str) -> None:
        self.org.store.execute(
            "INSERT INTO options (entity, attribute, value, label) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(entity, attribute, value) DO UPDATE SET label = excluded.label",
            [entity, attribute, value, label],
        )


def _attribute(column: Column) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "LogicalName": column.name,
        "SchemaName": column.schema_name or column.name,
        "AttributeType": column.kind.value,
        "IsValidForCreate": column.create,
        "IsValidForUpdate": column.update,
        "IsCustomAttribute": column.custom,
        "RequiredLevel": {"Value": "SystemRequired" if column.required else "None"},
    }
    if column.kind is Kind.DATETIME:
        attribute["Format"] = "DateOnly" if column.date_only else "DateAndTime"
    if column.is_lookup:
        attribute["Targets"] = list(column.targets)
    if column.max_length is not None and column.kind in (Kind.STRING, Kind.MEMO):
        attribute["MaxLength"] = column.max_length
    if column.kind in CHOICE_KINDS:
        attribute["@odata.type"] = f"#Microsoft.Dynamics.CRM.{column.kind.value}AttributeMetadata"
    return attribute


def _label(text: str) -> dict[str, Any]:
    localized = {"Label": text, "LanguageCode": 1033}
    return {"LocalizedLabels": [localized], "UserLocalizedLabel": localized}


def _new_id() -> str:
    return str(uuid.uuid4())
