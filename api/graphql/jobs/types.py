"""The SyncJob type and its lists."""

from __future__ import annotations

import datetime
import uuid

import strawberry

from api.context import Info
from api.graphql.common import Connection, UserError, page_size
from api.graphql.cursors import offset_cursor, read_offset
from api.graphql.enums import ErrorClass, JobKind, JobStatus, RecordOutcome, SyncDirection
from domain.jobs.model import SyncJob as SyncJobModel
from domain.mappings.model import SyncDirection as Direction


@strawberry.type(description="One failure logged on a job, with both record references")
class SyncError:
    at: datetime.datetime
    error_class: ErrorClass
    message: str
    erp_ref: str | None
    crm_ref: str | None
    detail: str | None


@strawberry.type(description="What a coupling job did with one record")
class JobRecord:
    position: int
    outcome: RecordOutcome
    erp_id: strawberry.ID | None
    erp_ref: str | None
    crm_id: uuid.UUID | None
    crm_ids: list[uuid.UUID]
    message: str | None


@strawberry.type(description="One mapping × one direction × a trigger, run in the background")
class SyncJob:
    id: strawberry.ID
    kind: JobKind
    mapping: str
    direction: SyncDirection
    trigger: str
    status: JobStatus
    queued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    processed: int
    total: int | None
    inserted: int
    modified: int
    deleted: int
    unchanged: int
    skipped: int
    failed: int
    coupled: int
    uncoupled: int
    message: str | None
    cancel_requested: bool
    sequence: int = strawberry.field(description="Increases with every published change of this job")

    @strawberry.field
    async def errors(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SyncError]:
        size, offset = page_size(first, info.context.services.settings.max_page_size), read_offset(after)
        rows, total = await info.context.services.reads.jobs.errors(
            uuid.UUID(self.id), first=size + 1, offset=offset
        )
        items = [
            SyncError(
                at=r.at,
                error_class=r.error_class,
                message=r.message,
                erp_ref=r.erp_ref,
                crm_ref=r.crm_ref,
                detail=r.detail,
            )
            for r in rows[:size]
        ]
        cursors = [offset_cursor(offset + i) for i in range(len(items))]
        return Connection.of(
            items,
            cursors,
            has_next=len(rows) > size,
            has_previous=offset > 0,
            total=total,
            convert=lambda e: e,
        )

    @strawberry.field
    async def records(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[JobRecord]:
        size, offset = page_size(first, info.context.services.settings.max_page_size), read_offset(after)
        rows, total = await info.context.services.reads.jobs.records(
            uuid.UUID(self.id), first=size + 1, offset=offset
        )
        items = [
            JobRecord(
                position=r.position,
                outcome=r.outcome,
                erp_id=strawberry.ID(str(r.erp_id)) if r.erp_id else None,
                erp_ref=r.erp_ref,
                crm_id=r.crm_id,
                crm_ids=list(r.crm_ids),
                message=r.message,
            )
            for r in rows[:size]
        ]
        cursors = [offset_cursor(offset + i) for i in range(len(items))]
        return Connection.of(
            items,
            cursors,
            has_next=len(rows) > size,
            has_previous=offset > 0,
            total=total,
            convert=lambda e: e,
        )

    @classmethod
    def of(cls, job: SyncJobModel) -> SyncJob:
        return cls(
            id=strawberry.ID(str(job.id)),
            kind=job.kind,
            mapping=job.mapping or "",
            direction=job.direction or Direction.BIDIRECTIONAL,
            trigger=job.trigger,
            status=job.status,
            queued_at=job.queued_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            processed=job.processed,
            total=job.total,
            inserted=job.inserted,
            modified=job.modified,
            deleted=job.deleted,
            unchanged=job.unchanged,
            skipped=job.skipped,
            failed=job.failed,
            coupled=job.coupled,
            uncoupled=job.uncoupled,
            message=job.message,
            cancel_requested=job.cancel_requested,
            sequence=job.seq,
        )


@strawberry.type
class SyncJobPayload:
    sync_job: SyncJob | None = None
    sync_jobs: list[SyncJob] = strawberry.field(
        default_factory=list, description="Every job started (a bidirectional sync starts one per pass)"
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def started(cls, jobs: list[SyncJobModel]) -> SyncJobPayload:
        converted = [SyncJob.of(j) for j in jobs]
        return cls(sync_job=converted[0] if converted else None, sync_jobs=converted)


@strawberry.type
class SyncJobsPayload:
    sync_jobs: list[SyncJob] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
