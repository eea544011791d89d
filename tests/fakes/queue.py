"""A `JobQueue` that only records: what went back to it (with its delay) and what it was asked to wake."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.jobs.model import SyncJob
from domain.jobs.ports import JobQueue


class RecordingQueue:
    def __init__(self) -> None:
        self.enqueued: list[tuple[UUID, float]] = []
        self.woken: list[UUID] = []
        self.canceled: list[UUID] = []

    async def enqueue(self, job: SyncJob, *, defer: float = 0.0) -> None:
        self.enqueued.append((job.id, defer))

    async def cancel(self, job_id: UUID) -> None:
        self.canceled.append(job_id)

    async def recover(self, jobs: Sequence[SyncJob]) -> list[SyncJob]:
        return []

    async def wake(self, job_id: UUID) -> None:
        self.woken.append(job_id)


def _implements_the_port(queue: RecordingQueue) -> JobQueue:
    return queue
