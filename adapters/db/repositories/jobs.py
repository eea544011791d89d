"""Sync jobs, their errors and their per-record log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import is_unique_violation
from adapters.db.models import JobLaneRow, JobRecordRow, SyncJobErrorRow, SyncJobRow
from domain.clock import IdFactory
from domain.jobs.model import (
    JobError,
    JobKind,
    JobRecord,
    JobStatus,
    Outcome,
    RecordOutcome,
    SyncJob,
    params_from_json,
)
from domain.jobs.ports import DuplicateJobError, JobStore
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection

ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
_STATE = (
    "status",
    "started_at",
    "finished_at",
    "processed",
    "total",
    "message",
    "cancel_requested",
    "attempts",
    "seq",
    "params",
    *(outcome.counter for outcome in Outcome),  # the counters' columns
)


def job_from_row(row: SyncJobRow) -> SyncJob:
    kind = JobKind(row.kind)
    return SyncJob(
        id=row.id,
        kind=kind,
        trigger=Trigger(row.trigger),
        queued_at=row.queued_at,
        mapping=row.mapping_name,
        direction=SyncDirection(row.direction) if row.direction else None,
        status=JobStatus(row.status),
        params=params_from_json(kind, row.params),
        dedupe_key=row.dedupe_key,
        started_at=row.started_at,
        finished_at=row.finished_at,
        processed=row.processed,
        total=row.total,
        inserted=row.inserted,
        modified=row.modified,
        deleted=row.deleted,
        unchanged=row.unchanged,
        skipped=row.skipped,
        failed=row.failed,
        coupled=row.coupled,
        uncoupled=row.uncoupled,
        message=row.message,
        cancel_requested=row.cancel_requested,
        attempts=row.attempts,
        seq=row.seq,
    )


def _state(job: SyncJob) -> dict[str, Any]:
    values = {name: getattr(job, name) for name in _STATE}
    values["status"] = job.status.value
    values["params"] = job.params.as_json()
    return values


class SqlJobStore:
    """`JobStore` on the caller's session."""

    def __init__(self, session: AsyncSession, ids: IdFactory) -> None:
        self.session = session
        self._ids = ids

    async def add(self, job: SyncJob) -> None:
        stmt = sa.insert(SyncJobRow).values(
            id=job.id,
            kind=job.kind.value,
            mapping_name=job.mapping,
            direction=job.direction.value if job.direction else None,
            trigger=job.trigger.value,
            dedupe_key=job.dedupe_key,
            queued_at=job.queued_at,
            **_state(job),
        )
        try:
            async with self.session.begin_nested():
                await self.session.execute(stmt)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise DuplicateJobError(job.dedupe_key or "") from error
            raise

    async def get(self, job_id: UUID) -> SyncJob | None:
        # Core, not the ORM: a job is read at every checkpoint, so the identity map buys nothing
        stmt = sa.select(SyncJobRow.__table__).where(SyncJobRow.id == job_id)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else job_from_row(row)  # type: ignore[arg-type]

    async def save(self, job: SyncJob) -> None:
        state = _state(job)
        if job.cancel_requested is False:
            del state["cancel_requested"]  # never clear a request another process just made
        await self.session.execute(sa.update(SyncJobRow).where(SyncJobRow.id == job.id).values(**state))

    async def active(self, dedupe_key: str) -> SyncJob | None:
        stmt = (
            sa.select(SyncJobRow)
            .where(SyncJobRow.dedupe_key == dedupe_key, SyncJobRow.status.in_(ACTIVE))
            .order_by(SyncJobRow.queued_at)
            .limit(1)
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return None if row is None else job_from_row(row)

    async def add_errors(self, errors: Sequence[JobError]) -> None:
        await self.session.execute(
            sa.insert(SyncJobErrorRow),
            [
                {
                    "id": self._ids.new_id(),
                    "job_id": e.job_id,
                    "at": e.at,
                    "error_class": e.error_class.value,
                    "erp_ref": e.erp_ref,
                    "crm_ref": e.crm_ref,
                    "message": e.message,
                    "detail": e.detail,
                }
                for e in errors
            ],
        )

    async def add_records(self, records: Sequence[JobRecord]) -> None:
        await self.session.execute(
            sa.insert(JobRecordRow),
            [
                {
                    "id": self._ids.new_id(),
                    "job_id": r.job_id,
                    "position": r.position,
                    "outcome": r.outcome.value,
                    "erp_id": r.erp_id,
                    "erp_ref": r.erp_ref,
                    "crm_id": r.crm_id,
                    "crm_ids": [str(i) for i in r.crm_ids] or None,
                    "message": r.message,
                }
                for r in records
            ],
        )

    async def record_counts(self, job_id: UUID) -> dict[RecordOutcome, int]:
        stmt = (
            sa.select(JobRecordRow.outcome, sa.func.count())
            .where(JobRecordRow.job_id == job_id)
            .group_by(JobRecordRow.outcome)
        )
        return {RecordOutcome(o): int(n) for o, n in (await self.session.execute(stmt)).all()}

    async def request_cancel(self, job_id: UUID) -> SyncJob | None:
        await self.session.execute(
            sa.update(SyncJobRow)
            .where(SyncJobRow.id == job_id, SyncJobRow.status.in_(ACTIVE))
            .values(cancel_requested=True)
        )
        return await self.get(job_id)

    async def claim_lane(self, lane: str, job_id: UUID, at: datetime) -> UUID | None:
        stmt = sa.select(JobLaneRow.job_id).where(JobLaneRow.lane == lane).with_for_update()
        holder = (await self.session.execute(stmt)).scalar_one_or_none()
        if holder is None:
            try:
                async with self.session.begin_nested():
                    await self.session.execute(
                        sa.insert(JobLaneRow).values(lane=lane, job_id=job_id, claimed_at=at)
                    )
                return None
            except IntegrityError as error:
                if not is_unique_violation(error):
                    raise
                return (await self.session.execute(stmt)).scalar_one_or_none()
        if holder == job_id:
            return None
        status = (
            await self.session.execute(sa.select(SyncJobRow.status).where(SyncJobRow.id == holder))
        ).scalar_one_or_none()
        if status is not None and status in ACTIVE:
            # Queued counts too: a job claims its lane before it is marked RUNNING, and
            # a job that waits gives its lane up first, so a queued holder is starting.
            return holder
        await self.session.execute(
            sa.update(JobLaneRow).where(JobLaneRow.lane == lane).values(job_id=job_id, claimed_at=at)
        )
        return None

    async def release_lane(self, lane: str, job_id: UUID) -> None:
        await self.session.execute(
            sa.delete(JobLaneRow).where(JobLaneRow.lane == lane, JobLaneRow.job_id == job_id)
        )


def _implements_the_port(store: SqlJobStore) -> JobStore:
    return store  # mypy checks SqlJobStore against the JobStore port here
