"""One simulator server per session (uvicorn on 127.0.0.1, a free port); every test
plugs in a fresh in-memory `DataverseSimulator`, so tests share nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from adapters.dataverse import DataverseClient, DataverseConfig
from adapters.dataverse.simulator import DataverseSimulator
from tests.support.servers import serve_asgi
from tests.support.simulator import SwitchableApp

ADMIN_APP = ("couplet-admin", "admin-secret")
SYNC_APP = ("couplet-sync", "sync-secret")


@dataclass
class WebhookReceiver:
    """Records the POSTs it gets; answers with `statuses` in turn, then 200."""

    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append((headers, body))
        status = self.statuses.pop(0) if self.statuses else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture(scope="session")
async def crm_server() -> AsyncIterator[tuple[str, SwitchableApp]]:
    app = SwitchableApp()
    async with serve_asgi(app) as url:
        yield url, app


@pytest.fixture(scope="session")
async def receiver_server() -> AsyncIterator[tuple[str, WebhookReceiver]]:
    receiver = WebhookReceiver()
    async with serve_asgi(receiver, lifespan="off") as url:
        yield url, receiver


@pytest.fixture
async def webhook_receiver(receiver_server: tuple[str, WebhookReceiver]) -> tuple[str, WebhookReceiver]:
    url, receiver = receiver_server
    receiver.received.clear()
    receiver.statuses.clear()
    return url, receiver


@pytest.fixture
def simulator() -> DataverseSimulator:
    sim = DataverseSimulator()
    sim.register_app(*ADMIN_APP, full_name="Couplet Admin", roles=["System Administrator"])
    sim.register_app(*SYNC_APP, full_name="Couplet Sync", is_integration_user=True)
    return sim


@pytest.fixture
async def crm_url(crm_server: tuple[str, SwitchableApp], simulator: DataverseSimulator) -> AsyncIterator[str]:
    url, app = crm_server
    app.simulator = simulator
    yield url
    await simulator.aclose()
    app.simulator = None


def config_for(
    url: str, simulator: DataverseSimulator, app: tuple[str, str], **settings: Any
) -> DataverseConfig:
    client_id, secret = app
    return DataverseConfig(
        url=url,
        tenant_id=simulator.tenant_id,
        client_id=client_id,
        client_secret=secret,
        authority_url=url,
        timeout=settings.pop("timeout", 5.0),
        **settings,
    )


@pytest.fixture
async def crm(crm_url: str, simulator: DataverseSimulator) -> AsyncIterator[DataverseClient]:
    """A client of the admin app (System Administrator)."""
    async with DataverseClient(config_for(crm_url, simulator, ADMIN_APP)) as client:
        yield client


@pytest.fixture
async def sync_crm(crm_url: str, simulator: DataverseSimulator) -> AsyncIterator[DataverseClient]:
    """A client of the integration app, which holds no security role."""
    async with DataverseClient(config_for(crm_url, simulator, SYNC_APP)) as client:
        yield client


async def token_for(url: str, simulator: DataverseSimulator, app: tuple[str, str] = ADMIN_APP) -> str:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{url}/{simulator.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app[0],
                "client_secret": app[1],
                "scope": f"{url}/.default",
            },
        )
    return str(response.json()["access_token"])


@pytest.fixture
async def api(crm_url: str, simulator: DataverseSimulator) -> AsyncIterator[httpx.AsyncClient]:
    """Raw Web API access as the admin app, for protocol-level checks."""
    token = await token_for(crm_url, simulator)
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json",
        "OData-Version": "4.0",
        "OData-MaxVersion": "4.0",
    }
    async with httpx.AsyncClient(base_url=f"{crm_url}/api/data/v9.2/", headers=headers) as http:
        yield http


async def eventually(
    check: Callable[[], bool] | Callable[[], Awaitable[bool]], *, within: float = 5.0
) -> None:
    """Poll `check` until it holds, failing after `within` seconds (no fixed sleeps)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"not true within {within} s")
        await asyncio.sleep(0.01)
