"""Connection and setup calls: WhoAmI, RetrieveVersion, users and roles, solutions, choice options."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Mapping
from typing import Any
from uuid import UUID, uuid4

from adapters.dataverse._core import Core
from adapters.dataverse._http import Attempts
from adapters.dataverse._values import parse_datetime
from domain.crm import CrmDuplicateError, OptionValue, WhoAmI, odata_literal
from domain.crm_admin import InstalledSolution, SecurityRole, SystemUser

_USER_COLUMNS = (
    "systemuserid,fullname,domainname,internalemailaddress,isdisabled,islicensed,"
    "isintegrationuser,accessmode,applicationid"
)
_ROLES = "systemuserroles_association"


class AdminMixin:
    _core: Core

    async def who_am_i(self) -> WhoAmI:
        payload = await self._core.get("WhoAmI")
        return WhoAmI(
            UUID(payload["UserId"]), UUID(payload["BusinessUnitId"]), UUID(payload["OrganizationId"])
        )

    async def version(self) -> str:
        payload = await self._core.get("RetrieveVersion()")
        return str(payload["Version"])

    async def system_users(self, *, filter: str | None = None) -> list[SystemUser]:
        params = {"$select": _USER_COLUMNS, "$expand": f"{_ROLES}($select=roleid,name)"}
        if filter:
            params["$filter"] = filter
        users: list[SystemUser] = []
        async for payload in self._pages("systemusers", params):
            roles = [_role(item) for item in payload.get(_ROLES) or ()]
            next_roles = payload.get(f"{_ROLES}@odata.nextLink")
            if next_roles:
                roles.extend([_role(item) async for item in self._pages(next_roles)])
            users.append(_user(payload, roles))
        return users

    async def user_roles(self, user_id: UUID) -> list[SecurityRole]:
        return [_role(item) async for item in self._pages(f"systemusers({user_id})/{_ROLES}", _ROLE_QUERY)]

    async def roles(self, *, name: str | None = None) -> list[SecurityRole]:
        params = dict(_ROLE_QUERY)
        if name is not None:
            params["$filter"] = f"name eq {odata_literal(name)}"
        return [_role(item) async for item in self._pages("roles", params)]

    async def associate_role(self, user_id: UUID, role_id: UUID) -> None:
        """POST ``systemusers(<id>)/systemuserroles_association/$ref``; a role the user
        already holds is left as it is (the CRM answers "duplicate")."""
        body = {"@odata.id": f"{self._core.config.api_url}roles({role_id})"}
        try:
            await self._core.send(
                "POST", f"systemusers({user_id})/{_ROLES}/$ref", body, idempotent=True, attempts=Attempts()
            )
        except CrmDuplicateError:
            return

    async def import_solution(self, zip_bytes: bytes, *, overwrite_customizations: bool = True) -> None:
        """The ImportSolution action (synchronous); table definitions learned so far are
        forgotten, since the solution may have changed them."""
        body = {
            "OverwriteUnmanagedCustomizations": overwrite_customizations,
            "PublishWorkflows": True,
            "CustomizationFile": base64.b64encode(zip_bytes).decode("ascii"),
            "ImportJobId": str(uuid4()),
        }
        await self._core.send(
            "POST", "ImportSolution", body, idempotent=True, http_timeout=self._core.config.long_timeout
        )
        self._core.registry.forget_learned()

    async def installed_solutions(self) -> list[InstalledSolution]:
        params = {"$select": "uniquename,version,installedon", "$filter": "isvisible eq true"}
        return [
            InstalledSolution(
                str(item["uniquename"]),
                str(item.get("version") or ""),
                parse_datetime(item["installedon"]) if item.get("installedon") else None,
            )
            async for item in self._pages("solutions", params)
        ]

    async def option_set(self, entity: str, attribute: str) -> list[OptionValue]:
        url = (
            f"EntityDefinitions(LogicalName='{entity}')/Attributes(LogicalName='{attribute}')"
            "/Microsoft.Dynamics.CRM.PicklistAttributeMetadata"
        )
        payload = await self._core.get(
            url, {"$select": "LogicalName", "$expand": "OptionSet($select=Options)"}
        )
        options = (payload.get("OptionSet") or {}).get("Options") or []
        return [OptionValue(int(option["Value"]), _label(option.get("Label"))) for option in options]

    async def insert_option_value(self, entity: str, attribute: str, label: str) -> int:
        """InsertOptionValue; not retried after an ambiguous failure (it could add the option twice)."""
        body = {
            "EntityLogicalName": entity,
            "AttributeLogicalName": attribute,
            "Label": {"LocalizedLabels": [{"Label": label, "LanguageCode": self._core.config.language_code}]},
        }
        response = await self._core.send("POST", "InsertOptionValue", body, idempotent=False)
        return int(response.json()["NewOptionValue"])

    async def _pages(
        self, url: str, params: Mapping[str, str] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        prefer = f"odata.maxpagesize={self._core.config.page_size}"
        payload = await self._core.get(url, params, prefer=prefer)
        seen: set[str] = set()
        while True:
            for item in payload.get("value", []):
                yield item
            next_link = payload.get("@odata.nextLink")
            if not next_link or next_link in seen:
                return
            seen.add(next_link)
            payload = await self._core.get(next_link, prefer=prefer)


_ROLE_QUERY = {"$select": "roleid,name"}


def _role(item: Mapping[str, Any]) -> SecurityRole:
    return SecurityRole(UUID(item["roleid"]), str(item.get("name") or ""))


def _user(item: Mapping[str, Any], roles: list[SecurityRole]) -> SystemUser:
    application_id = item.get("applicationid")
    return SystemUser(
        id=UUID(item["systemuserid"]),
        full_name=item.get("fullname"),
        domain_name=item.get("domainname"),
        email=item.get("internalemailaddress"),
        is_disabled=bool(item.get("isdisabled")),
        is_licensed=bool(item.get("islicensed")),
        is_integration_user=bool(item.get("isintegrationuser")),
        access_mode=item.get("accessmode"),
        application_id=UUID(application_id) if application_id else None,
        roles=tuple(roles),
    )


def _label(label: Any) -> str:
    if not isinstance(label, Mapping):
        return ""
    user = label.get("UserLocalizedLabel")
    if isinstance(user, Mapping) and user.get("Label") is not None:
        return str(user["Label"])
    localized = label.get("LocalizedLabels") or []
    return str(localized[0]["Label"]) if localized else ""
