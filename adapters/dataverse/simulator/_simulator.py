"""`DataverseSimulator`: a local Dataverse org that tests, benchmarks and the demo
drive in-process, and serve over HTTP with `create_app`."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from adapters.dataverse.simulator._app import SimulatorApp
from adapters.dataverse.simulator._auth import Authority
from adapters.dataverse.simulator._faults import Faults, Outcome
from adapters.dataverse.simulator._limits import Limiter, ServiceProtection
from adapters.dataverse.simulator._org import Change, Organization
from adapters.dataverse.simulator._router import Router
from adapters.dataverse.simulator._rows import from_python, to_python
from adapters.dataverse.simulator._seed import seed
from adapters.dataverse.simulator._store import Store, quote
from adapters.dataverse.simulator._webhooks import MESSAGES, Delivery, Webhooks

DEFAULT_TENANT = "00000000-0000-4000-8000-00000000c0de"


@dataclass(slots=True)
class SimulatorStats:
    """Web API answers by status, since start (or `reset`)."""

    statuses: Counter[int] = field(default_factory=Counter)

    def count(self, status: int) -> None:
        self.statuses[status] += 1

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def reset(self) -> None:
        self.statuses.clear()


class DataverseSimulator:
    """A simulated Dynamics 365 Sales org, stored in SQLite.

    :param db: a SQLite file (the org survives restarts) or ``":memory:"``.
    :param tenant_id: the tenant of the token endpoint ``/<tenant>/oauth2/v2.0/token``.
    :param base_currency: ISO code of the org's base currency, seeded on first start.
    :param organization_name: the org's (and root business unit's) name.
    :param limits: service protection limits (Dataverse's defaults when None).
    :param token_lifetime: ``expires_in`` of issued tokens, in seconds.
    :param webhook_transport: an httpx transport for webhook deliveries (tests).

    Example::

        sim = DataverseSimulator()
        sim.register_app("couplet", "s3cret", roles=["System Administrator"])
        account = sim.add_row("account", {"name": "Adatum Corporation"})
        async with serve_asgi(create_app(sim)) as url:
            ...
    """

    def __init__(
        self,
        *,
        db: str | Path = ":memory:",
        tenant_id: str = DEFAULT_TENANT,
        base_currency: str = "DKK",
        organization_name: str = "Couplet Demo",
        limits: ServiceProtection | None = None,
        token_lifetime: int = 3599,
        clock: Callable[[], float] = time.monotonic,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.store = Store(str(db))
        self.org = Organization(self.store)
        self.router = Router(self.org)
        seed(self.org, self.router.records, organization_name=organization_name, base_currency=base_currency)
        self.tenant_id = tenant_id
        self.authority = Authority(self.store, tenant_id, token_lifetime=token_lifetime, clock=clock)
        self.limits = limits or ServiceProtection()
        self.limiter = Limiter(self.limits, clock)
        self.faults = Faults()
        self.stats = SimulatorStats()
        self.webhooks = Webhooks(
            organization={
                "name": self.store.meta_get("organizationname") or organization_name,
                "organizationid": str(self.organization_id),
                "businessunitid": str(self.business_unit_id),
                "host": "localhost",
            },
            transport=webhook_transport,
        )

    # organisation

    @property
    def organization_id(self) -> UUID:
        return UUID(self.org.setting("organizationid"))

    @property
    def business_unit_id(self) -> UUID:
        return UUID(self.org.setting("businessunitid"))

    @property
    def system_user_id(self) -> UUID:
        return UUID(self.org.setting("systemuserid"))

    @property
    def base_currency_id(self) -> UUID:
        return UUID(self.org.setting("basecurrencyid"))

    def role_id(self, name: str) -> UUID:
        value = self.store.scalar("SELECT roleid FROM role WHERE name = ? COLLATE DV", [name])
        if value is None:
            raise KeyError(f"no role named {name!r}")
        return UUID(str(value))

    # apps and users

    def register_app(
        self,
        client_id: str,
        client_secret: str,
        *,
        full_name: str | None = None,
        roles: Iterable[str] = (),
        user_id: UUID | None = None,
        is_integration_user: bool = False,
        user_fields: Mapping[str, Any] | None = None,
    ) -> UUID:
        """Register an app (client credentials) and its application user; returns the
        user's id, which WhoAmI reports for the app's tokens. `user_fields` sets more
        systemuser columns (``internalemailaddress``, ``islicensed``…). Registering a
        known client id again keeps its user and replaces the secret."""
        existing = self.authority.app_user(client_id)
        if existing is not None and user_id is None:
            user = UUID(existing)
        else:
            user = self.add_row(
                "systemuser",
                {
                    "firstname": "#",
                    "lastname": full_name or client_id,
                    "domainname": f"{client_id}@simulator.invalid",
                    "applicationid": uuid.uuid5(uuid.NAMESPACE_URL, f"app:{client_id}"),
                    "accessmode": 4,
                    "islicensed": False,
                    "isintegrationuser": is_integration_user,
                    **(user_fields or {}),
                },
                id=user_id,
            )
        self.authority.register(client_id, client_secret, str(user))
        for role in roles:
            self.assign_role(user, role)
        return user

    def assign_role(self, user_id: UUID, role: str | UUID) -> None:
        role_id = role if isinstance(role, UUID) else self.role_id(role)
        self.store.execute(
            "INSERT OR IGNORE INTO systemuserroles (roleid, systemuserid) VALUES (?, ?)",
            [str(role_id), str(user_id)],
        )

    def grant_privilege(self, role: str | UUID, privilege: str) -> None:
        role_id = role if isinstance(role, UUID) else self.role_id(role)
        self.store.execute(
            "INSERT OR IGNORE INTO role_privileges (roleid, privilege) VALUES (?, ?)",
            [str(role_id), privilege],
        )

    def expire_tokens(self) -> None:
        """Every token issued so far expires now (the next call gets 401)."""
        self.authority.expire_all()

    # rows

    def add_row(
        self,
        entity: str,
        attributes: Mapping[str, Any],
        *,
        id: UUID | None = None,
        as_user: UUID | None = None,
    ) -> UUID:
        """Insert a row behind the API (no access checks): port-style values - `Lookup`
        for lookups, `Decimal`, aware `datetime`, `UUID`. System columns (statecode,
        createdon, modifiedon…) given here are kept as given."""
        meta = self._meta(entity)
        user = str(as_user or self.system_user_id)
        values, system = from_python(self.org, meta, attributes)
        row_id = str(id or values.pop(meta.primary_id, None) or uuid.uuid4()).lower()
        with self.org.unit_of_work() as changes:
            self.router.records.insert(meta, row_id, values, user)
            if system:
                self.store.update(meta, row_id, system)
        self._notify(changes)
        return UUID(row_id)

    def update_row(
        self, entity: str, row_id: UUID, attributes: Mapping[str, Any], *, as_user: UUID | None = None
    ) -> None:
        """Change a row as a CRM user would (versions, modified on/by, webhooks)."""
        meta = self._meta(entity)
        values, system = from_python(self.org, meta, attributes)
        row = self.store.get(meta, str(row_id))
        if row is None:
            raise KeyError(f"no {entity} {row_id}")
        with self.org.unit_of_work() as changes:
            self.router.records.apply(meta, row, values, str(as_user or self.system_user_id))
            if system:
                self.store.update(meta, str(row_id), system)
        self._notify(changes)

    def delete_row(self, entity: str, row_id: UUID, *, as_user: UUID | None = None) -> None:
        with self.org.unit_of_work() as changes:
            self.router.records.delete(self._meta(entity), str(row_id), str(as_user or self.system_user_id))
        self._notify(changes)

    def row(self, entity: str, row_id: UUID) -> dict[str, Any] | None:
        meta = self._meta(entity)
        stored = self.store.get(meta, str(row_id))
        return None if stored is None else to_python(meta, stored)

    def rows(self, entity: str) -> list[dict[str, Any]]:
        """Every row of `entity`, oldest first, with port-style values."""
        meta = self._meta(entity)
        stored = self.store.select(
            f"SELECT * FROM {quote(entity)} ORDER BY createdon, {quote(meta.primary_id)}"
        )
        return [to_python(meta, row) for row in stored]

    def option_set(self, entity: str, attribute: str) -> dict[int, str]:
        meta = self._meta(entity)
        column = meta.column(attribute)
        return dict(self.org.options(meta, column) or {}) if column else {}

    def installed_solutions(self) -> dict[str, str]:
        rows = self.store.select("SELECT uniquename, version FROM solution WHERE isvisible = 1")
        return {str(row["uniquename"]): str(row["version"]) for row in rows}

    # limits, faults, webhooks

    def set_limits(self, **changes: Any) -> ServiceProtection:
        """Change service protection limits (fields of `ServiceProtection`) at runtime."""
        for name, value in changes.items():
            if name not in {f.name for f in fields(ServiceProtection)}:
                raise TypeError(f"unknown limit {name!r}")
            setattr(self.limits, name, value)
        self.limiter.reset()
        return self.limits

    def set_faults(self, **settings: Any) -> Faults:
        """Replace the fault settings (fields of `Faults`); unnamed ones go back to none."""
        self.faults = Faults(**settings)
        return self.faults

    def fail_next(self, *outcomes: Outcome) -> None:
        """The next Web API requests meet these faults, in order (a status, "reset", "timeout")."""
        self.faults.script(outcomes)

    def register_webhook(
        self,
        url: str,
        *,
        entities: Iterable[str] | None = None,
        messages: Iterable[str] = MESSAGES,
        header_name: str | None = None,
        header_value: str | None = None,
    ) -> str:
        """POST every committed create/update/delete (of `entities`, all when None) to `url`."""
        headers = {header_name: header_value or ""} if header_name else None
        return self.webhooks.register(url, entities=entities, messages=messages, headers=headers)

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        return self.webhooks.deliveries

    async def drain_webhooks(self) -> None:
        await self.webhooks.drain()

    def app(self) -> SimulatorApp:
        return SimulatorApp(self)

    async def aclose(self) -> None:
        await self.webhooks.close()
        self.store.close()

    def close(self) -> None:
        self.store.close()

    def _meta(self, entity: str) -> Any:
        meta = self.org.entity(entity)
        if meta is None:
            raise KeyError(f"the simulator has no entity {entity!r}")
        return meta

    def _notify(self, changes: list[Change]) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self.webhooks.dispatch(changes)


def create_app(simulator: DataverseSimulator) -> SimulatorApp:
    """The ASGI app serving `simulator` (token endpoint and Web API on one port)."""
    return simulator.app()
