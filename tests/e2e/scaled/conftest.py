"""The e2e fixtures scaled out: jobs go through arq on the real Redis to a worker
(run on the test's loop), events through Redis pub/sub."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from cryptography.fernet import Fernet

from adapters.db.engine import Database
from adapters.settings import Settings
from api.app import create_app
from api.bootstrap import Services, bootstrap
from tests.support.queues import redis_url, running_worker, unique_prefix
from tests.support.servers import serve_asgi


@pytest.fixture(scope="session")
async def container(
    database_url: str, session_database: Database, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Services]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        max_body_bytes=200_000,
        secret_key=Fernet.generate_key().decode(),
        change_triggers=False,
        redis_url=redis_url(),
        redis_prefix=unique_prefix(),
        schedule_enabled=False,
    )
    container = bootstrap(settings, db=session_database)
    async with running_worker(settings, container.runner, container.queue):  # type: ignore[arg-type]
        yield container
    await container.queue.close()  # type: ignore[attr-defined]
    await container.events.close()
    await container.crm.close()


@pytest.fixture(scope="session")
async def api_url(container: Services) -> AsyncIterator[str]:
    async with serve_asgi(create_app(services=container)) as url:
        yield url


@pytest.fixture(scope="session")
async def http(api_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as client:
        yield client
