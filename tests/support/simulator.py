"""A Dataverse simulator per test behind one uvicorn server per session, and the
CRM connection of a Couplet container pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from adapters.crm_provider import CONNECTION_ID
from adapters.dataverse.simulator import DEFAULT_TENANT, DataverseSimulator
from adapters.db.models import ConnectionRow
from api.bootstrap import Services

JIM_OLIVE = {  # a licensed CRM user for salesperson JO (jim@cronus.example)
    "firstname": "Jim",
    "lastname": "Olive",
    "internalemailaddress": "jim@cronus.example",
    "domainname": "jim@cronus.example",
    "islicensed": True,
    "isdisabled": False,
    "isintegrationuser": False,
}
SYNC_APP = ("couplet-sync", "sync-secret")
ADMIN_APP = ("couplet-admin", "admin-secret")


class SwitchableApp:
    """Forwards to whichever simulator the current test plugged in."""

    def __init__(self) -> None:
        self.simulator: DataverseSimulator | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        assert self.simulator is not None, "no simulator plugged in"
        await self.simulator.app()(scope, receive, send)


@asynccontextmanager
async def plugged_simulator(app: SwitchableApp, **options: Any) -> AsyncIterator[DataverseSimulator]:
    simulator = DataverseSimulator(**options)
    app.simulator = simulator
    try:
        yield simulator
    finally:
        app.simulator = None
        await simulator.aclose()


async def connect(container: Services, simulator: DataverseSimulator, url: str) -> None:
    """Store a configured, enabled connection to the simulator (what setup leaves)."""
    client_id, secret = SYNC_APP
    # the integration user holds what Couplet's solution roles grant: customizing option sets
    user = simulator.register_app(
        client_id,
        secret,
        full_name="Couplet Integration",
        is_integration_user=True,
        roles=["System Customizer"],
    )
    now = container.clock.now()
    async with container.db.transaction() as session:
        row = await session.get(ConnectionRow, CONNECTION_ID)
        if row is not None:
            await session.delete(row)
            await session.flush()
        session.add(
            ConnectionRow(
                id=CONNECTION_ID,
                server_url=url,
                tenant_id=DEFAULT_TENANT,
                client_id=client_id,
                client_secret=container.crm.secrets.encrypt(secret),
                authority_url=url,
                integration_user_id=user,
                is_enabled=True,
                status="CONNECTED",
                created_at=now,
                modified_at=now,
            )
        )
