"""The SQL unit of work: every store on one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.engine import WRITE_OPTION, Database
from adapters.db.repositories.coupling_records import SqlDeletionMarks, SqlOutcomeHistory, SqlParkedRecords
from adapters.db.repositories.couplings import SqlCouplingStore
from adapters.db.repositories.financials import SqlErpStore
from adapters.db.repositories.fullsync import SqlFullSyncStore
from adapters.db.repositories.jobs import SqlJobStore
from adapters.db.repositories.mappings import SqlMappingStore
from domain.clock import Clock, IdFactory
from domain.uow import UnitOfWork


class SqlUnitOfWork:
    """`async with SqlUnitOfWork(db, clock, ids) as uow:` — commits at the end of the
    block, rolls back when it raises."""

    erp: SqlErpStore
    mappings: SqlMappingStore
    couplings: SqlCouplingStore
    parked: SqlParkedRecords
    deletion_marks: SqlDeletionMarks
    history: SqlOutcomeHistory
    jobs: SqlJobStore
    full_sync: SqlFullSyncStore

    def __init__(self, db: Database, clock: Clock, ids: IdFactory) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "use the unit of work in `async with`"
        return self._session

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        async with self.session.begin_nested():
            yield

    async def __aenter__(self) -> SqlUnitOfWork:
        self._session = self._db.sessions()
        await self._session.connection(execution_options={WRITE_OPTION: True})
        self.erp = SqlErpStore(self._session)
        self.mappings = SqlMappingStore(self._session, self._clock, self._ids)
        self.couplings = SqlCouplingStore(self._session, self._ids)
        self.parked = SqlParkedRecords(self._session, self._ids)
        self.deletion_marks = SqlDeletionMarks(self._session, self._ids)
        self.history = SqlOutcomeHistory(self._session, self._ids)
        self.jobs = SqlJobStore(self._session, self._ids)
        self.full_sync = SqlFullSyncStore(self._session, self._clock)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self.session, None
        try:
            if exc_type is None:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()


def _implements_the_port(uow: SqlUnitOfWork) -> UnitOfWork:
    return uow  # mypy checks SqlUnitOfWork (and so every store on it) against the port here
