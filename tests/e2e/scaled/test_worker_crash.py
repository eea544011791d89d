"""A `couplet worker` killed with SIGKILL in the middle of a full sync, and another
started: the job finishes, with no duplicate CRM rows and no lost or dangling
couplings (ARCHITECTURE.md "Rules that hold everywhere")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.db.engine import Database
from adapters.db.models import CouplingRow, Currency, Customer
from adapters.settings import Settings
from api.bootstrap import Services, bootstrap
from domain.clock import Uuid7Factory
from domain.couplings.model import Coupling
from domain.fullsync.model import LineStatus
from domain.jobs.model import JobStatus, SyncJob
from domain.mappings.model import SyncDirection
from domain.mappings.service import seed_mappings
from tests.support.queues import redis_url, unique_prefix
from tests.support.simulator import SwitchableApp, connect, plugged_simulator
from tests.support.waiting import eventually

CUSTOMERS = 3000
LATENCY = 0.4
ROOT = Path(__file__).parents[3]
IDS = Uuid7Factory()


@pytest.fixture
async def crash_container(
    backend: str, database: Database, container: Services, tmp_path: Path
) -> AsyncIterator[Services]:
    """A container that only queues jobs (no worker of its own), on PostgreSQL."""
    if backend != "postgres":
        pytest.skip("the crash test runs on PostgreSQL (workers in other processes share it)")
    settings = container.settings.model_copy(update={"redis_prefix": unique_prefix(), "data_dir": tmp_path})
    crash = bootstrap(settings, db=database)
    yield crash
    await crash.queue.close()  # type: ignore[attr-defined]
    await crash.events.close()
    await crash.crm.close()


@contextmanager
def worker_process(settings: Settings, database_url: str, **extra: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "COUPLET_DATABASE_URL": database_url,
        "COUPLET_REDIS_URL": redis_url(),
        "COUPLET_REDIS_PREFIX": settings.redis_prefix,
        "COUPLET_SECRET_KEY": settings.secret_key.get_secret_value() if settings.secret_key else "",
        "COUPLET_DATA_DIR": str(settings.data_dir),
        "COUPLET_JOB_LEASE_SECONDS": "2",
        "COUPLET_SCHEDULE_ENABLED": "false",
        "COUPLET_LOG_LEVEL": "WARNING",
        **extra,
    }
    process = subprocess.Popen(
        [sys.executable, "-c", "from api.cli.main import app; app()", "worker"], cwd=ROOT, env=env
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def given_customers(container: Services, count: int = CUSTOMERS) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "id": IDS.new_id(),
            "no": f"C{i:05d}",
            "name": f"Crash Customer {i:05d}",
            "city": "Aarhus",
            "credit_limit": Decimal(1000),
            "blocked": False,
            "created_at": now,
            "modified_at": now,
        }
        for i in range(count)
    ]
    async with container.db.transaction() as session:
        await session.execute(sa.insert(Customer), rows)


async def given_setup(container: Services, crm_base_currency: object) -> None:
    """Default mappings, customers only ERP → CRM, the local currency coupled, and
    every review line but CUSTOMER already finished."""
    now = datetime.now(UTC)
    dkk = IDS.new_id()
    async with container.db.transaction() as session:
        session.add(
            Currency(
                id=dkk,
                code="DKK",
                description="Danish krone",
                exchange_rate=Decimal(1),
                is_local=True,
                created_at=now,
                modified_at=now,
            )
        )
    async with container.uow() as uow:
        await seed_mappings(uow.mappings, None)
        customer = await uow.mappings.get("CUSTOMER")
        assert customer is not None
        await uow.mappings.save(customer.with_changes(direction=SyncDirection.TO_CRM))
        await uow.couplings.add(
            Coupling(
                id=IDS.new_id(),
                mapping="CURRENCY",
                erp_id=dkk,
                crm_id=crm_base_currency,  # type: ignore[arg-type]
                created_at=now,
                modified_at=now,
            )
        )
    lines, _ = await container.full_sync.review()
    async with container.uow() as uow:
        for line in lines:
            if line.mapping != "CUSTOMER":
                line.status = LineStatus.FINISHED
                await uow.full_sync.save(line)


async def customer_job(container: Services) -> SyncJob:
    async with container.uow() as uow:
        line = next(li for li in await uow.full_sync.lines() if li.mapping == "CUSTOMER")
        assert line.to_crm_job_id is not None
        job = await uow.jobs.get(line.to_crm_job_id)
    assert job is not None
    return job


async def couplings(container: Services) -> list[CouplingRow]:
    async with container.db.read() as session:
        stmt = sa.select(CouplingRow).where(CouplingRow.mapping_name == "CUSTOMER")
        return list((await session.execute(stmt)).scalars())


async def test_a_worker_killed_mid_full_sync_leaves_a_job_another_worker_finishes_without_duplicates(
    crash_container: Services, crm_server: tuple[str, SwitchableApp], database_url: str
) -> None:
    container = crash_container
    url, app = crm_server
    async with plugged_simulator(app) as crm:
        await connect(container, crm, url)
        await given_customers(container)
        await given_setup(container, crm.base_currency_id)
        crm.set_faults(latency=LATENCY)
        await container.full_sync.start(["CUSTOMER"])
        job = await customer_job(container)

        with worker_process(container.settings, database_url) as first:

            async def midway() -> bool:
                pending = [c for c in await couplings(container) if c.pending]
                return bool(pending) and 0 < len(crm.rows("account")) < CUSTOMERS

            await eventually(midway, within=60, every=0.05)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        stopped = await customer_job(container)
        assert stopped.status is JobStatus.RUNNING

        with worker_process(container.settings, database_url):

            async def ended() -> SyncJob | None:
                current = await customer_job(container)
                return current if current.status.is_final else None

            finished = await eventually(ended, within=120, every=0.2)
        accounts = crm.rows("account")

    assert (finished.id, finished.status, finished.attempts) == (job.id, JobStatus.SUCCEEDED, 2)
    assert len(accounts) == CUSTOMERS
    coupled = await couplings(container)
    assert len(coupled) == CUSTOMERS
    assert len({c.erp_id for c in coupled}) == CUSTOMERS
    assert [c for c in coupled if c.pending] == []
    assert {c.crm_id for c in coupled} == {a["accountid"] for a in accounts}


async def test_sigterm_gives_running_jobs_their_grace_then_puts_them_back_in_the_queue(
    crash_container: Services, crm_server: tuple[str, SwitchableApp], database_url: str
) -> None:
    container = crash_container
    url, app = crm_server
    async with plugged_simulator(app) as crm:
        await connect(container, crm, url)
        await given_customers(container, 20)
        await given_setup(container, crm.base_currency_id)
        crm.set_faults(latency=2.0)
        await container.full_sync.start(["CUSTOMER"])
        job = await customer_job(container)
        with worker_process(container.settings, database_url, COUPLET_JOB_STOP_GRACE_SECONDS="0.5") as worker:

            async def running() -> bool:
                return (await customer_job(container)).status is JobStatus.RUNNING

            await eventually(running, within=60)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(30) == 0
    stopped = await customer_job(container)
    assert (stopped.id, stopped.status, stopped.params.interruptions) == (job.id, JobStatus.QUEUED, 1)
    assert await container.queue.holds(job.id)  # type: ignore[attr-defined]
