"""What the API reads about jobs: pages, one job, the newest per mapping, and a
job's errors and per-record log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.jobs.model import JobError, JobRecord, JobStatus, SyncJob


@dataclass(frozen=True, slots=True)
class JobPage:
    """One page of jobs, newest first, with whether more follow and how many match."""

    jobs: list[SyncJob]
    has_next: bool
    total: int


class JobReads(Protocol):
    """Read-only queries of jobs, each on its own short read."""

    async def get(self, job_id: UUID) -> SyncJob | None:
        """One job, or None."""

    async def many(self, job_ids: Collection[UUID]) -> dict[UUID, SyncJob]:
        """The jobs of these ids that exist, by id."""

    async def page(
        self, *, mapping: str | None, status: JobStatus | None, first: int, after: UUID | None
    ) -> JobPage:
        """Jobs newest first (ids are time-ordered), after the job `after`."""

    async def latest(self, mappings: Sequence[str]) -> dict[str, SyncJob]:
        """The newest job of each of these mappings that has one."""

    async def errors(self, job_id: UUID, *, first: int, offset: int) -> tuple[list[JobError], int]:
        """A slice of a job's errors in time order, and how many it has."""

    async def records(self, job_id: UUID, *, first: int, offset: int) -> tuple[list[JobRecord], int]:
        """A slice of a job's per-record log in position order, and how many it has."""
