"""`syncJob(id)` and `syncJobs(mapping, status)`."""

from __future__ import annotations

import uuid

import strawberry

from adapters.db.repositories.jobs import JobReads, SqlJobStore
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
        async with info.context.container.db.read() as session:
            job = await SqlJobStore(session, info.context.container.ids).get(parse_id(id))
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
        size = page_size(first, info.context.container.settings.max_page_size)
        async with info.context.container.db.read() as session:
            jobs, has_next, total = await JobReads(session).page(
                mapping=mapping,
                status=status.value if status else None,
                first=size,
                after=parse_id(after) if after else None,
            )
        return Connection.of(
            jobs,
            [str(j.id) for j in jobs],
            has_next=has_next,
            has_previous=after is not None,
            total=total,
            convert=SyncJob.of,
        )
