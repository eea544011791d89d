"""`syncJob(id)` and `syncJobs(mapping, status)`."""

from __future__ import annotations

import uuid

import strawberry

from api.auth import requires
from api.context import Info
from api.errors import BadUserInput
from api.graphql.common import Connection, page_size
from api.graphql.enums import JobStatus
from api.graphql.jobs.types import SyncJob
from domain.auth import Role


def parse_id(raw: str, what: str = "job") -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise BadUserInput(f"{raw!r} is not a {what} id") from None


@strawberry.type
class JobsQuery:
    @strawberry.field(extensions=requires(Role.INTEGRATION))
    async def sync_job(self, info: Info, id: strawberry.ID) -> SyncJob | None:
        job = await info.context.services.reads.jobs.get(parse_id(id))
        return None if job is None else SyncJob.of(job)

    @strawberry.field(extensions=requires(Role.INTEGRATION), description="Jobs, newest first")
    async def sync_jobs(
        self,
        info: Info,
        mapping: str | None = None,
        status: JobStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SyncJob]:
        size = page_size(first, info.context.services.settings.max_page_size)
        page = await info.context.services.reads.jobs.page(
            mapping=mapping,
            status=status,
            first=size,
            after=parse_id(after) if after else None,
        )
        return Connection.of(
            page.jobs,
            [str(j.id) for j in page.jobs],
            has_next=page.has_next,
            has_previous=after is not None,
            total=page.total,
            convert=SyncJob.of,
        )
