"""`syncJob(id)`: one job's state, then every change until it ends.
`syncActivity(mapping)`: the jobs running now, then every job's changes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, Sequence
from datetime import datetime

import strawberry

from api.auth import requires
from api.context import Info
from api.errors import ApiError
from api.graphql.jobs.queries import parse_id
from api.graphql.jobs.types import SyncJob
from api.graphql.subscriptions.stream import Change, snapshot_then_changes
from domain.auth import Role
from domain.events import Event, activity_channel, job_channel
from domain.jobs.model import JobKind, JobStatus, Outcome
from domain.jobs.model import SyncJob as SyncJobModel
from domain.mappings.model import SyncDirection

ACTIVITY_SNAPSHOT = 100


class NotFound(ApiError):
    code = "NOT_FOUND"


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def job_from_event(event: Event) -> SyncJobModel:
    """A job's state from its event (`domain.jobs.events.job_event`): no DB read per event."""
    job = SyncJobModel(
        id=uuid.UUID(event["id"]),
        kind=JobKind(event["kind"]),
        trigger=event["trigger"],
        queued_at=_time(event["queued_at"]) or datetime.min,
        mapping=event.get("mapping"),
        direction=SyncDirection(event["direction"]) if event.get("direction") else None,
        status=JobStatus(event["status"]),
        started_at=_time(event.get("started_at")),
        finished_at=_time(event.get("finished_at")),
        processed=int(event.get("processed") or 0),
        total=event.get("total"),
        message=event.get("message"),
        cancel_requested=bool(event.get("cancel_requested")),
        seq=int(event["seq"]),
    )
    for outcome in Outcome:
        job.count(outcome, int(event.get(outcome.counter) or 0))
    return job


def change(job: SyncJobModel) -> Change[SyncJob]:
    return Change(str(job.id), job.seq, SyncJob.of(job), job.status.is_final)


async def _parse(event: Event) -> Sequence[Change[SyncJob]]:
    if "id" not in event or "seq" not in event:
        return []
    return [change(job_from_event(event))]


@strawberry.type
class JobsSubscription:
    @strawberry.subscription(
        extensions=requires(Role.INTEGRATION),
        description="The job's current state, then every change; completes when the job ends",
    )
    async def sync_job(self, info: Info, id: strawberry.ID) -> AsyncGenerator[SyncJob, None]:
        job_id = parse_id(id)
        services = info.context.services

        async def read(_: set[str]) -> Sequence[Change[SyncJob]]:
            job = await services.reads.jobs.get(job_id)
            if job is None:
                raise NotFound(f"there is no job {id}")
            return [change(job)]

        async for state in snapshot_then_changes(
            services.events, [job_channel(job_id)], read, _parse, end_at_final=True
        ):
            yield state

    @strawberry.subscription(
        extensions=requires(Role.INTEGRATION),
        description="The queued and running jobs (of one mapping, or all), then every job's changes",
    )
    async def sync_activity(self, info: Info, mapping: str | None = None) -> AsyncGenerator[SyncJob, None]:
        services = info.context.services

        async def read(open_keys: set[str]) -> Sequence[Change[SyncJob]]:
            reads = services.reads.jobs
            jobs: dict[uuid.UUID, SyncJobModel] = {}
            for status in (JobStatus.QUEUED, JobStatus.RUNNING):
                page = await reads.page(mapping=mapping, status=status, first=ACTIVITY_SNAPSHOT, after=None)
                jobs.update((job.id, job) for job in page.jobs)
            jobs.update(await reads.many([uuid.UUID(key) for key in open_keys - {str(i) for i in jobs}]))
            return [change(job) for job in sorted(jobs.values(), key=lambda j: j.id)]

        async for state in snapshot_then_changes(
            services.events, [activity_channel(mapping)], read, _parse, end_at_final=False
        ):
            yield state
