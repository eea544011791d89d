"""The composition root: `bootstrap(settings) -> Services` builds every adapter
and service once per process, passing each its dependencies in its constructor.

Lifetimes: everything in `Services` lives as long as the process (or the test
that bootstrapped it) and is closed by `Services.close()`; a unit of work
(`Services.uow()`) lives for one `async with` block.

Two edges of the graph point backwards, and both are closures over locals of
`bootstrap`, called only after it has returned — nothing is assigned afterwards:
the embedded queue runs the runner, whose jobs go back to that queue; and a
job's end moves the full-sync review on, while the review starts jobs."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from adapters.crm_provider import CrmProvider
from adapters.dataverse.solution import solution_zip
from adapters.db.engine import Database
from adapters.db.reads import build_reads
from adapters.db.repositories.api_keys import SqlApiKeyStore
from adapters.db.repositories.connection import SqlConnectionState, SqlSetupUnitOfWork
from adapters.db.repositories.schedule_state import SqlScheduleState
from adapters.db.repositories.stock import SqlStockStore
from adapters.db.uow import SqlUnitOfWork
from adapters.events import build_events
from adapters.health import readiness
from adapters.queue import build_queue
from adapters.settings import Settings
from domain.api_keys import ApiKeyService
from domain.auth import Principal
from domain.clock import Clock, IdFactory, SystemClock, Uuid7Factory
from domain.connection.service import ConnectionService
from domain.couplings.matching import run_match
from domain.couplings.model import Coupling
from domain.couplings.service import CouplingService
from domain.couplings.uncoupling import run_uncouple
from domain.events import FULL_SYNC_CHANNEL, EventBus
from domain.financials.writes import FinancialsWrites
from domain.fullsync.service import FullSyncService
from domain.jobs.events import JobEventCallback, JobListeners, PublishedJobEvents
from domain.jobs.model import JobKind, SyncJob
from domain.jobs.params import JobParameters
from domain.jobs.ports import JobQueue
from domain.jobs.runner import JobContext, JobRunner
from domain.jobs.service import JobService
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection
from domain.mappings.writes import MappingWrites
from domain.reads import ReadModels
from domain.stock import run_stock_push, start_stock_push
from domain.sync.after_coupling import AfterCoupling
from domain.sync.change_triggers import ChangeTriggers
from domain.sync.job import run_sync
from domain.sync.scheduler import Scheduler
from domain.sync.service import SyncService


@dataclass(frozen=True)
class Services:
    """Every service of one process, built once by `bootstrap`."""

    settings: Settings
    db: Database
    clock: Clock
    ids: IdFactory
    crm: CrmProvider
    events: EventBus
    queue: JobQueue
    runner: JobRunner
    jobs: JobService
    sync: SyncService
    full_sync: FullSyncService
    after_coupling: AfterCoupling
    connection: ConnectionService
    scheduler: Scheduler
    triggers: ChangeTriggers
    api_keys: ApiKeyService
    reads: ReadModels
    financials: FinancialsWrites
    mapping_writes: MappingWrites

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work (use it with `async with`)."""
        return SqlUnitOfWork(self.db, self.clock, self.ids)

    async def start_job(
        self,
        kind: JobKind,
        mapping: str,
        *,
        trigger: Trigger,
        params: JobParameters | None = None,
        dedupe: str | None = None,
        direction: SyncDirection | None = None,
    ) -> SyncJob:
        return await self.jobs.start(
            kind, mapping, trigger=trigger, params=params, dedupe=dedupe, direction=direction
        )

    async def couplings(self, *, with_crm: bool = True) -> CouplingService:
        """Coupling by hand, over the CRM client of the current connection (asked
        for per call: setup may replace it); `with_crm=False` for uncoupling, which
        reads nothing from the CRM and must work while no connection is configured."""
        crm = await self.crm.client() if with_crm else None
        return CouplingService(self.uow, crm, self.clock, self.ids)  # type: ignore[arg-type]

    async def coupled(self, couplings: list[Coupling]) -> None:
        """Couplings were made by hand (see `AfterCoupling.coupled`)."""
        await self.after_coupling.coupled(couplings)

    async def push_stock(self, trigger: Trigger) -> SyncJob:
        """Queue a stock push (after stock moves, on schedule)."""
        return await start_stock_push(self.uow, self.jobs, trigger=trigger)

    async def erp_changed(self, table: str) -> None:
        """A Financials table changed through the API: with change triggers on, the
        mappings it feeds sync within seconds."""
        if self.settings.change_triggers:
            await self.triggers.erp_changed(table)

    async def connection_enabled(self) -> bool:
        """Whether the CRM connection is set up and enabled (schedules and triggers wait otherwise)."""
        return await self.connection.is_enabled()

    async def principal(self, secret: str) -> Principal | None:
        """The holder of an API key, or None for an unknown or revoked key."""
        return await self.api_keys.principal(secret)

    async def readiness(self) -> dict[str, str]:
        """Each dependency's state: "ok" or why not."""
        return await readiness(self.db, self.settings.redis_url)

    async def close(self) -> None:
        await self.triggers.close()
        close = getattr(self.queue, "close", None)
        if close is not None:
            await close()
        await self.crm.close()
        await self.events.close()
        await self.db.dispose()


def bootstrap(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    ids: IdFactory | None = None,
) -> Services:
    """Every service, wired. `db` shares an open database (tests); it is disposed
    by `close()` all the same."""
    db = db or Database.from_url(settings.database_url, pool_size=settings.db_pool_size)
    clock = clock or SystemClock()
    ids = ids or Uuid7Factory()

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(db, clock, ids)

    crm = CrmProvider(db, settings)
    events = build_events(settings)

    async def run(job_id: UUID) -> SyncJob | None:
        return await runner.run(job_id)  # the runner below: the embedded queue runs it

    queue = build_queue(settings, run)

    async def review_moved_on(job: SyncJob) -> None:
        await full_sync.job_changed(job)  # the full sync below

    listeners = JobListeners(PublishedJobEvents(events), JobEventCallback(review_moved_on))
    jobs = JobService(uow, queue, clock, ids, listeners)
    sync = SyncService(uow, jobs, clock, ids)

    async def review_changed(version: int) -> None:
        await events.publish(FULL_SYNC_CHANNEL, {"seq": version})

    full_sync = FullSyncService(uow, crm.client, jobs, sync, clock, review_changed)
    after = AfterCoupling(sync)

    async def sync_job(ctx: JobContext) -> None:
        await run_sync(ctx, await crm.client(), after.passed)

    async def match_job(ctx: JobContext) -> None:
        await run_match(ctx, await crm.client(), after.matched, after.unmatched)

    async def stock_job(ctx: JobContext) -> None:
        await run_stock_push(ctx, SqlStockStore(db), await crm.client())

    handlers = {
        JobKind.SYNC: sync_job,
        JobKind.UNCOUPLE: run_uncouple,
        JobKind.MATCH: match_job,
        JobKind.STOCK: stock_job,
    }
    runner = JobRunner(uow, clock, ids, handlers, listeners, queue=queue)
    connection = ConnectionService(
        uow=lambda: SqlSetupUnitOfWork(db, lambda: crm.secrets, clock, ids),
        state=SqlConnectionState(db, lambda: crm.secrets, clock),
        crm=crm,
        clock=clock,
        solution_package=solution_zip,
        public_url=settings.public_url,
    )

    async def push_stock(trigger: Trigger) -> SyncJob:
        return await start_stock_push(uow, jobs, trigger=trigger)

    scheduler = Scheduler(
        uow, SqlScheduleState(db), queue, sync, clock, enabled=connection.is_enabled, push_stock=push_stock
    )
    triggers = ChangeTriggers(
        uow,
        sync,
        delay=settings.change_debounce_seconds,
        enabled=connection.is_enabled,
        push_stock=push_stock,
    )
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        ids=ids,
        crm=crm,
        events=events,
        queue=queue,
        runner=runner,
        jobs=jobs,
        sync=sync,
        full_sync=full_sync,
        after_coupling=after,
        connection=connection,
        scheduler=scheduler,
        triggers=triggers,
        api_keys=ApiKeyService(SqlApiKeyStore(db, clock, ids)),
        reads=build_reads(db, clock, ids),
        financials=FinancialsWrites(uow, clock, ids),
        mapping_writes=MappingWrites(uow),
    )
