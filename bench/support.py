"""Shared set-up for the sync benchmarks: an ERP database with N customers, a
simulated CRM in its own process, and a Couplet container connected to it."""

from __future__ import annotations

import asyncio
import os
import resource
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet

from adapters.crm_provider import CONNECTION_ID
from adapters.dataverse.simulator import DEFAULT_TENANT
from adapters.db import migrate
from adapters.db.models import ConnectionRow, Currency, Customer
from adapters.settings import Settings
from api.bootstrap import Services, bootstrap
from domain.clock import Uuid7Factory
from domain.couplings.model import Coupling
from domain.mappings.service import seed_mappings

CLIENT = ("couplet-bench", "bench-secret")
IDS = Uuid7Factory()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@asynccontextmanager
async def crm_process(*, limit: int, window: float) -> AsyncIterator[str]:
    """The simulator in a child process; yields its base URL."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="couplet-bench-crm-")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).with_name("_crm_process.py")),
        "--port",
        str(port),
        "--db",
        f"{folder}/crm.db",
        "--limit",
        str(limit),
        "--window",
        str(window),
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
    if line.strip() != b"ready":
        raise RuntimeError(f"the simulator did not start: {line!r}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        await process.wait()


async def erp_database(url: str | None) -> str:
    if url is None:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='couplet-bench-')}/couplet.db"
    await migrate.upgrade(url)
    return url


async def add_customers(container: Services, count: int, *, prefix: str = "B") -> None:
    """N customers written straight to the table (seeding, not what is measured)."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": IDS.new_id(),
            "no": f"{prefix}{i:07d}",
            "name": f"Bench Customer {prefix}{i:07d}",
            "city": "Aarhus",
            "credit_limit": Decimal(1000),
            "blocked": False,
            "created_at": now,
            "modified_at": now,
        }
        for i in range(count)
    ]
    async with container.db.transaction() as session:
        for start in range(0, count, 5000):
            await session.execute(sa.insert(Customer), rows[start : start + 5000])


async def connected_container(database_url: str, crm_url: str) -> Services:
    """A container whose connection points at the simulator, default mappings on,
    the local currency coupled to the CRM's base currency."""
    settings = Settings(
        database_url=database_url,
        secret_key=Fernet.generate_key().decode(),
        change_triggers=False,
        log_level="WARNING",
    )
    container = bootstrap(settings)
    now = datetime.now(UTC)
    async with container.db.transaction() as session:
        session.add(
            ConnectionRow(
                id=CONNECTION_ID,
                server_url=crm_url,
                tenant_id=DEFAULT_TENANT,
                client_id=CLIENT[0],
                client_secret=container.crm.secrets.encrypt(CLIENT[1]),
                authority_url=crm_url,
                is_enabled=True,
                status="ENABLED",
                created_at=now,
                modified_at=now,
            )
        )
        dkk = IDS.new_id()
        session.add(
            Currency(
                id=dkk,
                code="DKK",
                description="Danish krone",
                symbol="kr.",
                exchange_rate=Decimal(1),
                is_local=True,
                created_at=now,
                modified_at=now,
            )
        )
    async with container.uow() as uow:
        await seed_mappings(uow.mappings, None)
    crm = await container.crm.client()
    base = [
        row
        async for page in crm.query("transactioncurrency", filter="isocurrencycode eq 'DKK'", select=[])
        for row in page
    ][0]
    async with container.uow() as uow:
        await uow.couplings.add(
            Coupling(
                id=IDS.new_id(),
                mapping="CURRENCY",
                erp_id=dkk,
                crm_id=base.id,
                created_at=now,
                modified_at=now,
            )
        )
    return container
