"""What the schedule reads: when each mapping last synced, and which jobs are
still active (to requeue those a stopped process left behind)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.engine import Database
from adapters.db.models import SyncJobRow
from adapters.db.repositories.jobs import ACTIVE, job_from_row
from domain.jobs.model import JobKind, SyncJob
from domain.sync.scheduler import ScheduleState


async def last_mapping_syncs(session: AsyncSession) -> dict[str, datetime]:
    """When each mapping's last mapping-wide SYNC job (one with a dedupe key) was queued."""
    stmt = (
        sa.select(SyncJobRow.mapping_name, sa.func.max(SyncJobRow.queued_at))
        .where(
            SyncJobRow.kind == JobKind.SYNC.value,
            SyncJobRow.dedupe_key.is_not(None),
            SyncJobRow.mapping_name.is_not(None),
        )
        .group_by(SyncJobRow.mapping_name)
    )
    return {name: at for name, at in (await session.execute(stmt)).all() if name is not None}


async def active_jobs(session: AsyncSession, *, queued_before: datetime | None = None) -> list[SyncJob]:
    """Queued and running jobs (queued before a time, when given), oldest first."""
    stmt = sa.select(SyncJobRow).where(SyncJobRow.status.in_(ACTIVE)).order_by(SyncJobRow.queued_at)
    if queued_before is not None:
        stmt = stmt.where(SyncJobRow.queued_at < queued_before)
    return [job_from_row(row) for row in (await session.execute(stmt)).scalars()]


class SqlScheduleState:
    """The schedule's reads (`domain.sync.scheduler.ScheduleState`), each in its own read session."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_mapping_syncs(self) -> dict[str, datetime]:
        async with self._db.read() as session:
            return await last_mapping_syncs(session)

    async def active_jobs(self, *, queued_before: datetime | None = None) -> list[SyncJob]:
        async with self._db.read() as session:
            return await active_jobs(session, queued_before=queued_before)


def _implements_the_port(state: SqlScheduleState) -> ScheduleState:
    return state  # mypy checks the SQL schedule state against the schedule's port here
