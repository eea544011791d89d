"""The job runner's state machine on an in-memory unit of work: a job runs once,
ends in one final status, retries within its budget, waits for its lane and for
the jobs it follows, and is woken when they end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from domain.clock import SystemClock, Uuid7Factory
from domain.jobs.model import JobKind, JobStatus, Outcome, SyncJob
from domain.jobs.params import StockParams, SyncParams
from domain.jobs.runner import MAX_ATTEMPTS, MAX_INTERRUPTIONS, WAIT_SECONDS, JobContext, JobRetry, JobRunner
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection
from tests.fakes.queue import RecordingQueue
from tests.fakes.uow import InMemoryDatabase

Handler = Callable[[JobContext], Awaitable[None]]


class Harness:
    """A runner over an in-memory database, recording what it requeues and wakes."""

    def __init__(self, handler: Handler | None = None, kind: JobKind = JobKind.SYNC) -> None:
        self.db = InMemoryDatabase()
        self.ran: list[UUID] = []
        self.recorded = RecordingQueue()
        self.requeued = self.recorded.enqueued
        self.woken = self.recorded.woken
        self._handler = handler

        async def handle(ctx: JobContext) -> None:
            self.ran.append(ctx.job.id)
            if self._handler is not None:
                await self._handler(ctx)

        self.runner = JobRunner(
            self.db.uow, SystemClock(), Uuid7Factory(), {kind: handle}, queue=self.recorded
        )

    async def queue(self, **fields: object) -> SyncJob:
        job = SyncJob(
            id=uuid4(),
            kind=fields.pop("kind", JobKind.SYNC),  # type: ignore[arg-type]
            trigger=Trigger.MANUAL,
            queued_at=datetime.now(UTC),
            mapping=fields.pop("mapping", "CUSTOMER"),  # type: ignore[arg-type]
            direction=SyncDirection.TO_CRM,
            **fields,  # type: ignore[arg-type]
        )
        async with self.db.uow() as uow:
            await uow.jobs.add(job)
        return job

    async def stored(self, job_id: UUID) -> SyncJob:
        async with self.db.uow() as uow:
            job = await uow.jobs.get(job_id)
        assert job is not None
        return job


async def test_a_queued_job_runs_and_ends_succeeded() -> None:
    h = Harness()
    job = await h.queue()
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert h.ran == [job.id]
    assert stored.status is JobStatus.SUCCEEDED
    assert stored.started_at is not None
    assert stored.finished_at is not None
    assert stored.attempts == 1


async def test_the_handlers_counters_are_saved_with_the_job() -> None:
    async def couple_two(ctx: JobContext) -> None:
        ctx.count(Outcome.COUPLED, 2)
        ctx.advance(2)

    h = Harness(couple_two)
    job = await h.queue()
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert (stored.coupled, stored.processed) == (2, 2)


async def test_an_ended_job_is_never_run_again() -> None:
    h = Harness()
    job = await h.queue()
    await h.runner.run(job.id)
    await h.runner.run(job.id)
    assert h.ran == [job.id]


async def test_an_unknown_job_id_runs_nothing() -> None:
    h = Harness()
    assert await h.runner.run(uuid4()) is None
    assert h.ran == []


async def test_a_kind_without_a_handler_ends_failed() -> None:
    h = Harness()
    job = await h.queue(kind=JobKind.STOCK, mapping=None, params=StockParams())
    await h.runner.run(job.id)
    assert (await h.stored(job.id)).status is JobStatus.FAILED


async def test_an_unexpected_error_ends_the_job_failed_with_an_error_logged() -> None:
    async def crash(ctx: JobContext) -> None:
        raise KeyError("CUST-10000")

    h = Harness(crash)
    job = await h.queue()
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert stored.status is JobStatus.FAILED
    assert "unexpected error" in (stored.message or "")
    assert [e.job_id for e in h.db.state.job_errors] == [job.id]


async def test_a_retry_puts_the_job_back_in_the_queue_after_the_delay_asked() -> None:
    async def throttled(ctx: JobContext) -> None:
        raise JobRetry(30.0, "the CRM asked to wait")

    h = Harness(throttled)
    job = await h.queue()
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert stored.status is JobStatus.QUEUED
    assert stored.message == "the CRM asked to wait"
    assert h.requeued == [(job.id, 30.0)]


async def test_a_retry_after_the_last_attempt_gives_up() -> None:
    async def throttled(ctx: JobContext) -> None:
        raise JobRetry(1.0, "the CRM asked to wait")

    h = Harness(throttled)
    job = await h.queue(attempts=MAX_ATTEMPTS - 1)
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert stored.status is JobStatus.FAILED
    assert stored.message == f"gave up after {MAX_ATTEMPTS} attempts: the CRM asked to wait"
    assert h.requeued == []


async def test_a_retry_that_only_waits_uses_up_no_attempt() -> None:
    async def waiting(ctx: JobContext) -> None:
        raise JobRetry(1.0, "waiting for the prerequisite", attempt=False)

    h = Harness(waiting)
    job = await h.queue(attempts=MAX_ATTEMPTS)
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert stored.status is JobStatus.QUEUED
    assert stored.attempts == MAX_ATTEMPTS


async def test_a_job_waits_while_another_job_of_its_mapping_holds_the_lane() -> None:
    h = Harness()
    running = await h.queue(status=JobStatus.RUNNING)
    async with h.db.uow() as uow:
        assert await uow.jobs.claim_lane("mapping:CUSTOMER", running.id, datetime.now(UTC)) is None
    second = await h.queue()
    await h.runner.run(second.id)
    stored = await h.stored(second.id)
    assert h.ran == []
    assert stored.status is JobStatus.QUEUED
    assert stored.message == f"waiting for job {running.id}, which is running for CUSTOMER"
    assert h.requeued == [(second.id, WAIT_SECONDS)]


async def test_jobs_of_different_mappings_do_not_share_a_lane() -> None:
    h = Harness()
    running = await h.queue(status=JobStatus.RUNNING)
    async with h.db.uow() as uow:
        await uow.jobs.claim_lane("mapping:CUSTOMER", running.id, datetime.now(UTC))
    other = await h.queue(mapping="ITEM")
    await h.runner.run(other.id)
    assert h.ran == [other.id]


async def test_an_ended_job_gives_its_lane_to_the_next_job_of_its_mapping() -> None:
    h = Harness()
    first, second = await h.queue(), await h.queue()
    await h.runner.run(first.id)
    await h.runner.run(second.id)
    assert h.ran == [first.id, second.id]
    assert h.db.state.lanes == {}


async def test_a_job_waits_until_the_job_it_follows_has_ended() -> None:
    h = Harness()
    to_crm = await h.queue()
    from_crm = await h.queue(params=SyncParams(after_jobs=(to_crm.id,)))
    await h.runner.run(from_crm.id)
    assert h.ran == []
    assert (await h.stored(from_crm.id)).message == f"waiting for job {to_crm.id} (queued)"
    await h.runner.run(to_crm.id)
    await h.runner.run(from_crm.id)
    assert h.ran == [to_crm.id, from_crm.id]


async def test_a_waiting_job_is_woken_when_the_job_it_waits_for_ends() -> None:
    h = Harness()
    to_crm = await h.queue()
    from_crm = await h.queue(params=SyncParams(after_jobs=(to_crm.id,)))
    await h.runner.run(from_crm.id)
    assert h.woken == []
    await h.runner.run(to_crm.id)
    assert h.woken == [from_crm.id]


async def test_a_job_found_running_counts_an_interruption_and_runs_again() -> None:
    h = Harness()
    job = await h.queue(status=JobStatus.RUNNING)
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert stored.status is JobStatus.SUCCEEDED
    assert stored.params.interruptions == 1


async def test_a_job_interrupted_too_often_fails_without_running() -> None:
    h = Harness()
    job = await h.queue(status=JobStatus.RUNNING, params=SyncParams(interruptions=MAX_INTERRUPTIONS))
    await h.runner.run(job.id)
    stored = await h.stored(job.id)
    assert h.ran == []
    assert stored.status is JobStatus.FAILED
    assert "not run again" in (stored.message or "")


async def test_a_cancel_requested_while_running_ends_the_job_canceled_at_its_next_checkpoint() -> None:
    h: Harness

    async def cancel_then_checkpoint(ctx: JobContext) -> None:
        async with h.db.uow() as uow:
            await uow.jobs.request_cancel(ctx.job.id)
        await ctx.checkpoint(force=True)
        pytest.fail("the checkpoint should have stopped the job")

    h = Harness(cancel_then_checkpoint)
    job = await h.queue()
    await h.runner.run(job.id)
    assert (await h.stored(job.id)).status is JobStatus.CANCELED
