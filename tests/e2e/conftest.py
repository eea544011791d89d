"""The API served over real HTTP on each backend, with one key per role."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from cryptography.fernet import Fernet

from adapters.dataverse.simulator import DataverseSimulator
from adapters.db.engine import Database
from adapters.db.repositories.api_keys import ApiKeyRepository
from adapters.settings import Settings
from api.app import create_app
from api.bootstrap import Services, bootstrap
from domain.auth import Role
from tests.support.graphql import GraphQLClient
from tests.support.servers import serve_asgi
from tests.support.simulator import SwitchableApp, connect, plugged_simulator


@pytest.fixture(scope="session")
async def container(
    database_url: str, session_database: Database, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Services]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        max_body_bytes=200_000,
        secret_key=Fernet.generate_key().decode(),
        change_triggers=False,  # tests start syncs themselves; test_change_triggers turns them on
        schedule_enabled=False,  # test_schedule ticks it by hand
    )
    container = bootstrap(settings, db=session_database)
    yield container
    await container.queue.close()  # type: ignore[attr-defined]
    await container.crm.close()


@pytest.fixture(scope="session")
async def api_url(container: Services) -> AsyncIterator[str]:
    async with serve_asgi(create_app(services=container)) as url:
        yield url


@pytest.fixture(scope="session")
async def keys(container: Services) -> dict[Role, str]:
    secrets = {}
    async with container.db.transaction() as session:
        for role in Role:
            _, secrets[role] = await ApiKeyRepository(session).create(
                f"test {role.value.lower()}", role, container.clock, container.ids
            )
    return secrets


@pytest.fixture(scope="session")
async def http(api_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
async def crm_server() -> AsyncIterator[tuple[str, SwitchableApp]]:
    app = SwitchableApp()
    async with serve_asgi(app) as url:
        yield url, app


@pytest.fixture
async def crm(
    crm_server: tuple[str, SwitchableApp], container: Services, database: Database
) -> AsyncIterator[DataverseSimulator]:
    """A fresh simulated CRM, with Couplet's connection pointed at it."""
    url, app = crm_server
    async with plugged_simulator(app) as simulator:
        await connect(container, simulator, url)
        yield simulator
        await container.queue.drain()  # type: ignore[attr-defined]


@pytest.fixture
async def gql(http: httpx.AsyncClient, keys: dict[Role, str], database: Database) -> GraphQLClient:
    """A client holding the INTEGRATION key; the database is emptied after the test."""
    return GraphQLClient(http, keys[Role.INTEGRATION])
