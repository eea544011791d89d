"""Where jobs are kept, and how they reach a worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.jobs.model import JobError, JobRecord, RecordOutcome, SyncJob


class DuplicateJobError(Exception):
    """A queued or running job with the same dedupe key exists."""


class JobStore(Protocol):
    async def add(self, job: SyncJob) -> None: ...

    async def get(self, job_id: UUID) -> SyncJob | None: ...

    async def save(self, job: SyncJob) -> None:
        """Write the job's status, counters and progress."""

    async def active(self, dedupe_key: str) -> SyncJob | None:
        """The queued or running job with this dedupe key, if any."""

    async def add_errors(self, errors: Sequence[JobError]) -> None: ...

    async def add_records(self, records: Sequence[JobRecord]) -> None: ...

    async def record_counts(self, job_id: UUID) -> dict[RecordOutcome, int]:
        """How many records of the job's log ended with each outcome."""

    async def request_cancel(self, job_id: UUID) -> SyncJob | None:
        """Flag a job for cancellation; returns it as it now is."""

    async def claim_lane(self, lane: str, job_id: UUID, at: datetime) -> UUID | None:
        """Take the lane for this job: None when it now holds it, else the id of
        the active (queued or running) job holding it. A lane held by an ended (or
        vanished) job is taken over."""

    async def release_lane(self, lane: str, job_id: UUID) -> None:
        """Give the lane up, if this job holds it."""


class JobQueue(Protocol):
    """Hands committed jobs to workers. Enqueue only after the job's row is committed."""

    async def enqueue(self, job: SyncJob, *, defer: float = 0.0) -> None:
        """Run the job (after `defer` seconds); a job already waiting is not queued twice."""

    async def cancel(self, job_id: UUID) -> None:
        """Stop the job if it runs here or has not started; workers also honour
        the job's `cancel_requested` flag between records."""

    async def recover(self, jobs: Sequence[SyncJob]) -> list[SyncJob]:
        """Queue again those of these active jobs the queue no longer holds (left
        by a stopped process); returns them."""

    async def wake(self, job_id: UUID) -> None:
        """Start a deferred job now: what it waited for has ended. A queue that
        cannot (arq) does nothing; the waiting job looks again after its delay."""
