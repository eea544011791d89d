"""A sync engine on fakes: an in-memory ERP and coupling store, a fake CRM, a
job runner with the SYNC handler, and a small customer ↔ account mapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.clock import SystemClock, Uuid7Factory
from domain.couplings.model import Coupling
from domain.financials.records import ErpRecord
from domain.financials.tables import table
from domain.jobs.model import JobKind, SyncJob
from domain.jobs.params import SyncParams
from domain.jobs.runner import JobContext, JobRunner
from domain.jobs.triggers import Trigger
from domain.mappings.defaults import f
from domain.mappings.model import SyncDirection, TableMapping
from domain.sync.job import run_sync
from tests.fakes.crm import FakeCrm
from tests.fakes.queue import RecordingQueue
from tests.fakes.uow import InMemoryDatabase

CUSTOMERS = TableMapping(
    "CUSTOMER",
    "customer",
    "account",
    SyncDirection.BIDIRECTIONAL,
    fields=(f("name", "name"), f("phone", "telephone1"), f("city", "address1_city")),
    only_coupled=False,
)


class SyncHarness:
    def __init__(self, mapping: TableMapping = CUSTOMERS) -> None:
        self.db = InMemoryDatabase()
        self.crm = FakeCrm()
        self.mapping = mapping
        self.recorded = RecordingQueue()
        self.requeued = self.recorded.enqueued
        self.runner = JobRunner(
            self.db.uow, SystemClock(), Uuid7Factory(), {JobKind.SYNC: self._sync}, queue=self.recorded
        )

    async def _sync(self, ctx: JobContext) -> None:
        await run_sync(ctx, self.crm)

    async def setup(self) -> SyncHarness:
        async with self.db.uow() as uow:
            await uow.mappings.save(self.mapping)
        return self

    async def customer(self, no: str, name: str, **values: object) -> ErpRecord:
        """A customer changed a minute ago (before the next pass starts)."""
        at = datetime.now(UTC) - timedelta(minutes=1)
        async with self.db.uow() as uow:
            existing = await uow.erp.get(table("customer"), {"no": no})
            if existing is not None:
                return await uow.erp.update(table("customer"), existing.id, {"name": name, **values}, at)
            return await uow.erp.insert(table("customer"), uuid4(), {"no": no, "name": name, **values}, at)

    async def sync(self, direction: SyncDirection, **params: object) -> SyncJob:
        job = SyncJob(
            uuid4(),
            JobKind.SYNC,
            Trigger.MANUAL,
            datetime.now(UTC),
            mapping=self.mapping.name,
            direction=direction,
            params=SyncParams(**params),  # type: ignore[arg-type]
        )
        async with self.db.uow() as uow:
            await uow.jobs.add(job)
        await self.runner.run(job.id)
        async with self.db.uow() as uow:
            stored = await uow.jobs.get(job.id)
        assert stored is not None
        return stored

    async def coupling_of(self, record: ErpRecord) -> Coupling | None:
        async with self.db.uow() as uow:
            return await uow.couplings.by_erp(self.mapping.name, record.id)

    async def customer_named(self, no: str) -> ErpRecord:
        async with self.db.uow() as uow:
            found = await uow.erp.get(table("customer"), {"no": no})
        assert found is not None
        return found
