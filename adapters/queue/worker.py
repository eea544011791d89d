"""The arq worker that runs queued jobs (`couplet worker`).

Crash recovery rests on a lease, not on the job timeout: arq marks a running job
in progress for the whole timeout (hours), so the worker shortens that mark to
the lease and renews it every third of it while the job runs. A worker that dies
stops renewing; within one lease another worker picks the job up and the runner
resumes it (its pending couplings make the rerun safe). The time limit is the
runner's business (the job ends FAILED); arq's own timeout is a backstop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from arq import cron
from arq.constants import health_check_key_suffix, in_progress_key_prefix
from arq.worker import Worker, func

from adapters.queue.arq import RUN_JOB, ArqJobQueue, queue_name
from adapters.queue.stopping import run_guarded
from adapters.settings import Settings
from domain.jobs.runner import TIME_LIMIT_MESSAGE, JobRunner

log = logging.getLogger("couplet.worker")
HEALTH_SECONDS = 30
ARQ_TIMEOUT_MARGIN = 60.0
MAX_ARQ_TRIES = 1000  # the runner caps interruptions itself


def health_key(settings: Settings) -> str:
    """The key a live worker refreshes every 30 s (`couplet worker --check`)."""
    return queue_name(settings.redis_prefix) + health_check_key_suffix


async def _renew(redis: Any, key: str, lease: float) -> None:
    while True:
        await redis.pexpire(key, int(lease * 1000))
        await asyncio.sleep(lease / 3)


async def run_job(ctx: dict[str, Any], job_id: str) -> None:
    """Run one job under its lease and time limit."""
    runner: JobRunner = ctx["runner"]
    queue: ArqJobQueue = ctx["queue"]
    settings: Settings = ctx["settings"]
    lease = _renew(ctx["redis"], in_progress_key_prefix + ctx["job_id"], settings.job_lease_seconds)
    renewing = asyncio.create_task(lease)
    running = asyncio.create_task(runner.run(UUID(job_id)))
    timed_out = False

    def stop() -> None:
        nonlocal timed_out
        timed_out = True
        running.cancel(TIME_LIMIT_MESSAGE)

    limit = asyncio.get_running_loop().call_later(settings.job_time_limit_seconds, stop)
    worker: Worker | None = ctx.get("worker")
    try:
        job = await run_guarded(
            running,
            canceled_by_user=lambda: worker is not None and ctx["job_id"] in worker.aborting_tasks,
            timed_out=lambda: timed_out,
        )
    finally:
        limit.cancel()
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing
    if job is None or job.status.is_final:
        await queue.forget(UUID(job_id))


def build_worker(
    settings: Settings,
    runner: JobRunner,
    queue: ArqJobQueue,
    *,
    schedule: Callable[[], Awaitable[object]] | None = None,
    handle_signals: bool = False,
    poll_delay: float = 0.5,
) -> Worker:
    """An arq worker running `runner`'s jobs from `queue` (and the schedule, when given)."""

    async def tick(ctx: dict[str, Any]) -> None:
        if schedule is not None:
            await schedule()

    cron_jobs = [cron(tick, name=f"{settings.redis_prefix}:schedule", second=0)] if schedule else None
    worker = Worker(
        functions=[
            func(
                run_job,
                name=RUN_JOB,
                timeout=settings.job_time_limit_seconds + ARQ_TIMEOUT_MARGIN,
                keep_result=0,
            )
        ],
        cron_jobs=cron_jobs,
        queue_name=queue.queue_name,
        redis_settings=queue.redis_settings,
        ctx={"runner": runner, "queue": queue, "settings": settings},
        max_jobs=settings.worker_concurrency,
        job_timeout=settings.job_time_limit_seconds + ARQ_TIMEOUT_MARGIN,
        keep_result=0,
        max_tries=MAX_ARQ_TRIES,
        allow_abort_jobs=True,
        retry_jobs=True,
        health_check_interval=HEALTH_SECONDS,
        health_check_key=health_key(settings),
        handle_signals=handle_signals,
        poll_delay=poll_delay,
    )
    worker.ctx["worker"] = worker  # run_job tells a user's abort from a stopping worker
    return worker


async def close_worker(worker: Worker) -> None:
    """Stop the worker and close its Redis pool (arq's own `close()` uses a
    deprecated redis call). Running jobs are cancelled: they go back to the queue."""
    await stop_gracefully(worker, 0.0)


async def stop_gracefully(worker: Worker, grace: float) -> None:
    """Stop taking jobs, give the running ones `grace` seconds, then cancel them
    (they go back to the queue) and close the worker's Redis pool. The main loop
    ends by itself at the end of a poll, never inside a Redis pipeline."""
    worker.allow_pick_jobs = False
    running = [t for t in worker.tasks.values() if not t.done()]
    if running and grace > 0:
        await asyncio.wait(running, timeout=grace)
    for task in list(worker.tasks.values()):
        if not task.done():
            task.cancel()
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    worker.burst, worker.max_burst_jobs = True, 0  # the poll loop returns after its current round
    try:
        if worker.main_task is not None and not worker.main_task.done():
            try:
                async with asyncio.timeout(max(5.0, worker.poll_delay_s * 4)):
                    await asyncio.shield(worker.main_task)
            except TimeoutError:
                worker.main_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker.main_task
            except asyncio.CancelledError:
                if not worker.main_task.cancelled():
                    raise  # it is this task that is being cancelled
                # the main loop itself ended cancelled: it has stopped all the same
    finally:  # whatever happened above, the worker's Redis connections are closed
        pool = getattr(worker, "_pool", None)
        if pool is not None:
            with contextlib.suppress(Exception):
                await pool.delete(worker.health_check_key)
            await pool.aclose()
            worker._pool = None
