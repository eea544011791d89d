"""What a job says when its handler fails unexpectedly: user words in the message,
the exception only in the log and the error's detail."""

from __future__ import annotations

import logging
from datetime import datetime
from types import TracebackType
from typing import cast
from uuid import UUID

import pytest

from domain.clock import SystemClock, Uuid7Factory
from domain.jobs.model import ErrorClass, JobError, JobKind, JobRecord, JobStatus, SyncJob
from domain.jobs.runner import JobContext, JobRunner
from domain.uow import UnitOfWorkFactory


class FakeJobs:
    def __init__(self) -> None:
        self.jobs: dict[UUID, SyncJob] = {}
        self.errors: list[JobError] = []

    async def get(self, job_id: UUID) -> SyncJob | None:
        return self.jobs.get(job_id)

    async def save(self, job: SyncJob) -> None:
        self.jobs[job.id] = job

    async def add_errors(self, errors: list[JobError]) -> None:
        self.errors += errors

    async def add_records(self, records: list[JobRecord]) -> None:
        return None

    async def claim_lane(self, lane: str, job_id: UUID, at: datetime) -> UUID | None:
        return None  # the job's mapping is free

    async def release_lane(self, lane: str, job_id: UUID) -> None:
        return None


class FakeUnitOfWork:
    def __init__(self, jobs: FakeJobs) -> None:
        self.jobs = jobs

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class DuplicateCouplingError(Exception):
    """Stands in for an adapter's exception carrying the database's text."""


async def clash(ctx: JobContext) -> None:
    raise DuplicateCouplingError("UNIQUE constraint failed: coupling.mapping_name, coupling.crm_id")


@pytest.fixture
def jobs() -> FakeJobs:
    return FakeJobs()


async def failed_job(jobs: FakeJobs) -> SyncJob:
    clock, ids = SystemClock(), Uuid7Factory()
    runner = JobRunner(
        cast(UnitOfWorkFactory, lambda: FakeUnitOfWork(jobs)), clock, ids, {JobKind.MATCH: clash}
    )
    job = SyncJob(
        id=ids.new_id(), kind=JobKind.MATCH, trigger="manual", queued_at=clock.now(), mapping="CUSTOMER"
    )
    jobs.jobs[job.id] = job
    ended = await runner.run(job.id)
    assert ended is not None
    return ended


async def test_an_unexpected_error_is_told_in_the_users_words(jobs: FakeJobs) -> None:
    job = await failed_job(jobs)
    assert job.status is JobStatus.FAILED
    assert job.message == (
        f"the job stopped on an unexpected error; the details are in the log (job {job.id})"
    )
    [error] = jobs.errors
    assert (error.error_class, error.message) == (ErrorClass.PERMANENT, job.message)


async def test_the_exception_is_kept_in_the_errors_detail_and_the_log(
    jobs: FakeJobs, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="couplet.jobs"):
        job = await failed_job(jobs)
    [error] = jobs.errors
    assert error.detail is not None
    assert error.detail.startswith(
        "DuplicateCouplingError: UNIQUE constraint failed: coupling.mapping_name, coupling.crm_id\n"
    )
    assert "Traceback" in error.detail
    assert f"job {job.id} failed" in caplog.text
    assert "UNIQUE constraint failed" in caplog.text
