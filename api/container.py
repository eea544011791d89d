"""The composition root: builds every adapter from the settings, once per process."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.crm_provider import CrmProvider
from adapters.dataverse.solution import solution_zip
from adapters.db.engine import Database
from adapters.db.reads import build_reads
from adapters.db.repositories.api_keys import ApiKeyRepository
from adapters.db.repositories.connection import SqlSetupUnitOfWork, connection_enabled
from adapters.db.repositories.stock import SqlStockStore
from adapters.db.uow import SqlUnitOfWork
from adapters.events import build_events
from adapters.queue import build_queue
from adapters.settings import Settings
from api.scheduler import Scheduler
from api.triggers import ChangeTriggers
from domain.auth import Principal, hash_secret
from domain.clock import Clock, IdFactory, SystemClock, Uuid7Factory
from domain.connection.service import ConnectionService
from domain.couplings.matching import run_match
from domain.couplings.model import Coupling
from domain.couplings.service import CouplingService
from domain.couplings.uncoupling import run_uncouple
from domain.events import FULL_SYNC_CHANNEL, EventBus
from domain.financials.writes import FinancialsWrites
from domain.fullsync.service import FullSyncService
from domain.jobs.events import JobListeners, PublishedJobEvents
from domain.jobs.model import JobKind, SyncJob
from domain.jobs.params import JobParameters
from domain.jobs.ports import JobQueue
from domain.jobs.runner import JobContext, JobRunner
from domain.jobs.service import JobService
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection, TableMapping
from domain.mappings.writes import MappingWrites
from domain.reads import ReadModels
from domain.stock import run_stock_push, start_stock_push
from domain.sync.job import run_sync
from domain.sync.service import SyncService

ErpChangeListener = Callable[[str], Awaitable[None]]
CouplingListener = Callable[[list[Coupling]], Awaitable[None]]


class PrincipalCache:
    """Remembers recent key lookups so a busy CRM plugin does not cost a query
    per request. A revoked key stops working within `ttl` seconds."""

    def __init__(self, ttl: float = 30.0, size: int = 1024) -> None:
        self._ttl = ttl
        self._size = size
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, secret_hash: str) -> Principal | None:
        entry = self._entries.get(secret_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, secret_hash: str, principal: Principal) -> None:
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[secret_hash] = (time.monotonic() + self._ttl, principal)

    def clear(self) -> None:
        self._entries.clear()


async def _ping_redis(url: str) -> str:
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
        return "ok"
    except RedisError as error:
        return f"unreachable: {type(error).__name__}"
    finally:
        await client.aclose()


@dataclass
class Container:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    ids: IdFactory = field(default_factory=Uuid7Factory)
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    erp_change_listeners: list[ErpChangeListener] = field(default_factory=list)
    coupling_listeners: list[CouplingListener] = field(default_factory=list)
    crm: CrmProvider = field(init=False)
    runner: JobRunner = field(init=False)
    queue: JobQueue = field(init=False)
    events: EventBus = field(init=False)
    triggers: ChangeTriggers = field(init=False)
    reads: ReadModels = field(init=False)

    def __post_init__(self) -> None:
        self.reads = build_reads(self.db, self.clock, self.ids)
        self.crm = CrmProvider(self.db, self.settings)
        self.runner = JobRunner(
            self.uow,
            self.clock,
            self.ids,
            {
                JobKind.SYNC: self._run_sync,
                JobKind.UNCOUPLE: run_uncouple,
                JobKind.MATCH: self._run_match,
                JobKind.STOCK: self._run_stock,
            },
        )
        self.events = build_events(self.settings)
        self.runner.events = JobListeners(PublishedJobEvents(self.events), _FullSyncTracker(self))
        self.queue = build_queue(self.settings, self.runner)
        self.runner.requeue = self._requeue
        self.runner.wake = getattr(self.queue, "wake", None)
        self.triggers = ChangeTriggers(
            self.uow,
            lambda: self.sync,
            delay=self.settings.change_debounce_seconds,
            enabled=self.connection_enabled,
            push_stock=self.push_stock,
        )
        if self.settings.change_triggers:
            self.erp_change_listeners.append(self.triggers.erp_changed)

    async def _requeue(self, job: SyncJob, delay: float) -> None:
        await self.queue.enqueue(job, defer=delay)

    @classmethod
    def from_settings(cls, settings: Settings) -> Container:
        return cls(
            settings=settings, db=Database.from_url(settings.database_url, pool_size=settings.db_pool_size)
        )

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work (use it with `async with`)."""
        return SqlUnitOfWork(self.db, self.clock, self.ids)

    @property
    def connection(self) -> ConnectionService:
        """CRM connection setup (GraphQL and `couplet setup` share it)."""
        return ConnectionService(
            uow=lambda: SqlSetupUnitOfWork(self.db, lambda: self.crm.secrets, self.clock, self.ids),
            crm=self.crm,
            clock=self.clock,
            solution_package=solution_zip,
            public_url=self.settings.public_url,
        )

    @property
    def financials(self) -> FinancialsWrites:
        """Financials writes, each in its own unit of work."""
        return FinancialsWrites(self.uow, self.clock, self.ids)

    @property
    def mapping_writes(self) -> MappingWrites:
        """Table mapping changes (ADMIN)."""
        return MappingWrites(self.uow)

    async def couplings(self, *, with_crm: bool = True) -> CouplingService:
        """Coupling by hand; `with_crm=False` for uncoupling, which reads nothing from the CRM
        (and must work while no connection is configured)."""
        crm = await self.crm.client() if with_crm else None
        return CouplingService(self.uow, crm, self.clock, self.ids)  # type: ignore[arg-type]

    @property
    def jobs(self) -> JobService:
        return JobService(self.uow, self.queue, self.clock, self.ids, self.runner.events)

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

    @property
    def scheduler(self) -> Scheduler:
        """The per-mapping schedule (a timer embedded, an arq cron job in workers)."""
        return Scheduler(self)

    @property
    def sync(self) -> SyncService:
        return SyncService(self.uow, self.jobs, self.clock, self.ids)

    @property
    def full_sync(self) -> FullSyncService:
        return FullSyncService(
            self.uow, self.crm.client, self.jobs, self.sync, self.clock, self._review_changed
        )

    async def _review_changed(self, version: int) -> None:
        await self.events.publish(FULL_SYNC_CHANNEL, {"seq": version})

    async def coupled(self, couplings: list[Coupling]) -> None:
        """Couplings were made by hand: run the chosen sync-after, release parked records."""
        for coupling in couplings:
            if coupling.sync_after is not None:
                await self.sync.sync_record(
                    coupling.mapping,
                    erp_id=coupling.erp_id,
                    direction=coupling.sync_after,
                    trigger=Trigger.SYNC_AFTER_COUPLING,
                )
        for mapping in {c.mapping for c in couplings}:
            await self.sync.release_parked(mapping)
        for listener in self.coupling_listeners:
            await listener(couplings)

    async def _after_match(
        self, mapping: TableMapping, erp_ids: list[UUID], direction: SyncDirection | None
    ) -> None:
        if direction is not None:
            await self.sync.sync_coupled(
                mapping.name, erp_ids, direction, trigger=Trigger.SYNC_AFTER_COUPLING
            )
        await self.sync.release_parked(mapping.name)

    async def _create_unmatched(self, mapping: TableMapping, erp_ids: list[UUID]) -> None:
        await self.sync.create_counterparts(
            mapping.name, SyncDirection.TO_CRM, erp_ids, trigger=Trigger.CREATED_WHEN_NO_MATCH
        )

    async def _released(self, mapping: str, erp_ids: list[UUID]) -> None:
        await self.sync.after_coupling(mapping, erp_ids)

    async def _run_match(self, ctx: JobContext) -> None:
        await run_match(ctx, await self.crm.client(), self._after_match, self._create_unmatched)

    async def _run_stock(self, ctx: JobContext) -> None:
        await run_stock_push(ctx, SqlStockStore(self.db), await self.crm.client())

    async def push_stock(self, trigger: Trigger) -> SyncJob:
        """Queue a stock push (after stock moves, on schedule)."""
        return await start_stock_push(self.uow, self.jobs, trigger=trigger)

    async def _run_sync(self, ctx: JobContext) -> None:
        await run_sync(ctx, await self.crm.client(), self._released)

    async def connection_enabled(self) -> bool:
        """Whether the CRM connection is set up and enabled (schedules and triggers wait otherwise)."""
        return await connection_enabled(self.db)

    async def close(self) -> None:
        await self.triggers.close()
        close = getattr(self.queue, "close", None)
        if close is not None:
            await close()
        await self.crm.close()
        await self.events.close()
        await self.db.dispose()

    async def readiness(self) -> dict[str, str]:
        """Each dependency's state: "ok" or why not."""
        checks: dict[str, str] = {}
        try:
            await self.db.ping()
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"unreachable: {type(error).__name__}"
        if self.settings.redis_url:
            checks["redis"] = await _ping_redis(self.settings.redis_url)
        return checks

    async def principal(self, secret: str) -> Principal | None:
        """The holder of an API key, or None for an unknown or revoked key."""
        secret_hash = hash_secret(secret)
        cached = self.principals.get(secret_hash)
        if cached is not None:
            return cached
        async with self.db.read() as session:
            principal = await ApiKeyRepository(session).principal(secret)
        if principal is not None:
            self.principals.put(secret_hash, principal)
        return principal

    async def erp_changed(self, table: str) -> None:
        """Tell listeners (the sync scheduler) that a Financials table changed."""
        for listener in self.erp_change_listeners:
            await listener(table)


class _FullSyncTracker:
    """Moves the full-sync review on when one of its jobs ends."""

    def __init__(self, container: Container) -> None:
        self._container = container

    async def job_changed(self, job: SyncJob) -> None:
        if job.status.is_final:
            await self._container.full_sync.job_finished(job)
