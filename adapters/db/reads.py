"""The SQL read models: every read port of `domain.reads`, each call on its own
short read session (or, for the sales-line reads, one connection per request)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa

from adapters.db.engine import Database
from adapters.db.models import CouplingRow, JobRecordRow, SyncJobErrorRow, SyncJobRow, SyncOutcomeRow
from adapters.db.repositories.availability_price_lists import read_price_group, read_price_list_lines
from adapters.db.repositories.availability_prices import SqlPriceStore
from adapters.db.repositories.couplings import SqlCouplingFigures, SqlCouplingStore, _coupling
from adapters.db.repositories.financials import SqlErpStore
from adapters.db.repositories.fullsync import SqlFullSyncStore
from adapters.db.repositories.jobs import SqlJobStore, job_from_row
from adapters.db.repositories.mappings import SqlMappingStore
from domain.clock import Clock, IdFactory
from domain.couplings.model import Coupling, OutcomeEntry
from domain.couplings.ports import CouplingFigures
from domain.couplings.reads import CouplingPage
from domain.financials.reads import ErpPage
from domain.financials.records import ErpRecord
from domain.financials.tables import TableSpec
from domain.jobs.model import ErrorClass, JobError, JobRecord, JobStatus, Outcome, RecordOutcome, SyncJob
from domain.jobs.reads import JobPage
from domain.mappings.model import SyncDirection, TableMapping
from domain.pricing import PriceLine
from domain.reads import ReadModels
from domain.sales_line_reads import PriceGroup, SalesLineRequest


class SqlJobReads:
    """`JobReads`: paged reads of jobs, their errors and records."""

    def __init__(self, db: Database, ids: IdFactory) -> None:
        self._db = db
        self._ids = ids

    async def get(self, job_id: UUID) -> SyncJob | None:
        async with self._db.read() as session:
            return await SqlJobStore(session, self._ids).get(job_id)

    async def many(self, job_ids: Collection[UUID]) -> dict[UUID, SyncJob]:
        found: dict[UUID, SyncJob] = {}
        async with self._db.read() as session:
            store = SqlJobStore(session, self._ids)
            for job_id in job_ids:
                job = await store.get(job_id)
                if job is not None:
                    found[job_id] = job
        return found

    async def page(
        self, *, mapping: str | None, status: JobStatus | None, first: int, after: UUID | None
    ) -> JobPage:
        where = [
            c
            for c in (
                SyncJobRow.mapping_name == mapping if mapping else None,
                SyncJobRow.status == status.value if status else None,
            )
            if c is not None
        ]
        async with self._db.read() as session:
            count = sa.select(sa.func.count()).select_from(SyncJobRow).where(*where)
            total = int((await session.execute(count)).scalar_one())
            stmt = sa.select(SyncJobRow).where(*where).order_by(SyncJobRow.id.desc()).limit(first + 1)
            if after is not None:
                stmt = stmt.where(SyncJobRow.id < after)
            rows = list((await session.execute(stmt)).scalars())
        return JobPage([job_from_row(r) for r in rows[:first]], len(rows) > first, total)

    async def latest(self, mappings: Sequence[str]) -> dict[str, SyncJob]:
        newest = (
            sa.select(SyncJobRow.mapping_name, sa.func.max(SyncJobRow.queued_at).label("at"))
            .where(SyncJobRow.mapping_name.in_(list(mappings)))
            .group_by(SyncJobRow.mapping_name)
            .subquery()
        )
        stmt = sa.select(SyncJobRow).join(
            newest,
            sa.and_(SyncJobRow.mapping_name == newest.c.mapping_name, SyncJobRow.queued_at == newest.c.at),
        )
        async with self._db.read() as session:
            return {r.mapping_name or "": job_from_row(r) for r in (await session.execute(stmt)).scalars()}

    async def errors(self, job_id: UUID, *, first: int, offset: int) -> tuple[list[JobError], int]:
        where = SyncJobErrorRow.job_id == job_id
        stmt = (
            sa.select(SyncJobErrorRow)
            .where(where)
            .order_by(SyncJobErrorRow.at, SyncJobErrorRow.id)
            .offset(offset)
            .limit(first)
        )
        async with self._db.read() as session:
            count = sa.select(sa.func.count()).select_from(SyncJobErrorRow).where(where)
            total = int((await session.execute(count)).scalar_one())
            rows = list((await session.execute(stmt)).scalars())
        errors = [
            JobError(
                job_id=r.job_id,
                at=r.at,
                error_class=ErrorClass(r.error_class),
                message=r.message,
                erp_ref=r.erp_ref,
                crm_ref=r.crm_ref,
                detail=r.detail,
            )
            for r in rows
        ]
        return errors, total

    async def records(self, job_id: UUID, *, first: int, offset: int) -> tuple[list[JobRecord], int]:
        where = JobRecordRow.job_id == job_id
        stmt = (
            sa.select(JobRecordRow).where(where).order_by(JobRecordRow.position).offset(offset).limit(first)
        )
        async with self._db.read() as session:
            count = sa.select(sa.func.count()).select_from(JobRecordRow).where(where)
            total = int((await session.execute(count)).scalar_one())
            rows = list((await session.execute(stmt)).scalars())
        records = [
            JobRecord(
                job_id=r.job_id,
                position=r.position,
                outcome=RecordOutcome(r.outcome),
                erp_id=r.erp_id,
                erp_ref=r.erp_ref,
                crm_id=r.crm_id,
                crm_ids=tuple(UUID(i) for i in r.crm_ids or []),
                message=r.message,
            )
            for r in rows
        ]
        return records, total


class SqlCouplingReads:
    """`CouplingReads`: paged reads of couplings and their history."""

    def __init__(self, db: Database, ids: IdFactory) -> None:
        self._db = db
        self._ids = ids

    async def page(
        self, *, mapping: str | None, skipped: bool | None, first: int, after: UUID | None
    ) -> CouplingPage:
        where = [
            c
            for c in (
                CouplingRow.mapping_name == mapping if mapping else None,
                CouplingRow.skipped.is_(skipped) if skipped is not None else None,
            )
            if c is not None
        ]
        async with self._db.read() as session:
            count = sa.select(sa.func.count()).select_from(CouplingRow).where(*where)
            total = int((await session.execute(count)).scalar_one())
            stmt = sa.select(CouplingRow).where(*where).order_by(CouplingRow.id).limit(first + 1)
            if after is not None:
                stmt = stmt.where(CouplingRow.id > after)
            rows = list((await session.execute(stmt)).scalars())
        return CouplingPage([_coupling(r) for r in rows[:first]], len(rows) > first, total)

    async def by_erp(self, mapping: str, erp_id: UUID) -> Coupling | None:
        async with self._db.read() as session:
            return await SqlCouplingStore(session, self._ids).by_erp(mapping, erp_id)

    async def by_crm(self, mapping: str, crm_id: UUID) -> Coupling | None:
        async with self._db.read() as session:
            return await SqlCouplingStore(session, self._ids).by_crm(mapping, crm_id)

    async def by_erp_ids(self, erp_ids: Collection[UUID]) -> dict[UUID, Coupling]:
        async with self._db.read() as session:
            return await SqlCouplingStore(session, self._ids).by_erp_ids(erp_ids)

    async def figures(self, mappings: Sequence[str]) -> dict[str, CouplingFigures]:
        async with self._db.read() as session:
            return await SqlCouplingFigures(session).figures(mappings)

    async def history(self, coupling_id: UUID, *, first: int, offset: int) -> tuple[list[OutcomeEntry], int]:
        where = SyncOutcomeRow.coupling_id == coupling_id
        stmt = (
            sa.select(SyncOutcomeRow)
            .where(where)
            .order_by(SyncOutcomeRow.at.desc(), SyncOutcomeRow.id.desc())
            .offset(offset)
            .limit(first)
        )
        async with self._db.read() as session:
            count = sa.select(sa.func.count()).select_from(SyncOutcomeRow).where(where)
            total = int((await session.execute(count)).scalar_one())
            rows = list((await session.execute(stmt)).scalars())
        entries = [
            OutcomeEntry(
                coupling_id=r.coupling_id,
                job_id=r.job_id,
                direction=SyncDirection(r.direction),
                outcome=Outcome(r.outcome),
                at=r.at,
                message=r.message,
            )
            for r in rows
        ]
        return entries, total


class SqlErpReads:
    """`ErpReads` over `SqlErpStore`, one read session per call."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def page(
        self,
        spec: TableSpec,
        *,
        first: int,
        after: str | None = None,
        search: str | None = None,
        filters: Mapping[str, object] | None = None,
    ) -> ErpPage:
        async with self._db.read() as session:
            page = await SqlErpStore(session).page(
                spec, first=first, after=after, search=search, filters=filters
            )
        return ErpPage(page.records, page.has_next, page.total, page.cursors)

    async def get(self, spec: TableSpec, key: Mapping[str, object]) -> ErpRecord | None:
        async with self._db.read() as session:
            return await SqlErpStore(session).get(spec, key)

    async def get_by_id(self, spec: TableSpec, record_id: UUID) -> ErpRecord | None:
        async with self._db.read() as session:
            return await SqlErpStore(session).get_by_id(spec, record_id)

    async def children_of(
        self, spec: TableSpec, parent_field: str, parent_keys: Iterable[str]
    ) -> dict[str, list[ErpRecord]]:
        async with self._db.read() as session:
            return await SqlErpStore(session).children_of(spec, parent_field, parent_keys)

    async def inventory(self, item_nos: Collection[str]) -> dict[str, Decimal]:
        async with self._db.read() as session:
            return await SqlErpStore(session).inventory(item_nos)


class SqlMappingReads:
    """`MappingReads` over `SqlMappingStore`, one read session per call."""

    def __init__(self, db: Database, clock: Clock, ids: IdFactory) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids

    async def all(self) -> list[TableMapping]:
        async with self._db.read() as session:
            return await SqlMappingStore(session, self._clock, self._ids).all()

    async def get(self, name: str) -> TableMapping | None:
        async with self._db.read() as session:
            return await SqlMappingStore(session, self._clock, self._ids).get(name)


class SqlFullSyncReads:
    """`FullSyncReads` over `SqlFullSyncStore`."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def version(self) -> int:
        async with self._db.read() as session:
            return await SqlFullSyncStore(session, self._clock).version()


class SqlSalesLineRequest(SqlPriceStore):
    """`SalesLineRequest`: availability, prices and price lists on one connection."""

    async def price_group(self, code: str) -> PriceGroup | None:
        return await read_price_group(self.conn, code)

    async def price_list_lines(
        self, code: str, on: date, offset: int, limit: int
    ) -> tuple[list[PriceLine], int]:
        return await read_price_list_lines(self.conn, code, on, offset, limit)


class SqlSalesLineReads:
    """`SalesLineReads`: one pooled connection per request; autocommit reads on PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def _open(self) -> AsyncIterator[SalesLineRequest]:
        async with self._db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execution_options(isolation_level="AUTOCOMMIT")
            yield SqlSalesLineRequest(conn)

    def open(self) -> AbstractAsyncContextManager[SalesLineRequest]:
        return self._open()


def build_reads(db: Database, clock: Clock, ids: IdFactory) -> ReadModels:
    """Every read model on this database (built once per process); mypy checks
    here that each SQL read model satisfies its port."""
    return ReadModels(
        jobs=SqlJobReads(db, ids),
        couplings=SqlCouplingReads(db, ids),
        erp=SqlErpReads(db),
        mappings=SqlMappingReads(db, clock, ids),
        full_sync=SqlFullSyncReads(db, clock),
        sales_lines=SqlSalesLineReads(db),
    )
