"""`couplet worker [--check]`: run queued sync jobs (arq on Redis) and the schedule.

Any number of workers may run. SIGTERM (or Ctrl-C) stops taking jobs, gives the
running ones `COUPLET_JOB_STOP_GRACE_SECONDS` (10 s) to end, then puts the rest
back in the queue, where another worker resumes them."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import typer
from arq.worker import Worker
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.logging import configure_logging
from adapters.queue.arq import ArqJobQueue
from adapters.queue.worker import build_worker, health_key, stop_gracefully
from adapters.settings import Settings
from api.bootstrap import Services, bootstrap
from api.cli.common import console, run
from api.cli.serve import ensure_schema


def worker_for(container: Services) -> Worker:
    """The arq worker of this container's runner and queue (with the schedule, when on)."""
    queue = container.queue
    assert isinstance(queue, ArqJobQueue), "a worker needs COUPLET_REDIS_URL"
    settings = container.settings
    schedule = container.scheduler.tick if settings.schedule_enabled else None
    return build_worker(settings, container.runner, queue, schedule=schedule)


async def _healthy(settings: Settings) -> bool:
    client = Redis.from_url(settings.redis_url or "", socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(await client.exists(health_key(settings)))
    except RedisError:
        return False
    finally:
        await client.aclose()


async def _work(settings: Settings) -> None:
    configure_logging(settings.log_level, json=settings.log_json)
    container = bootstrap(settings)
    worker = worker_for(container)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    worker.main_task = asyncio.create_task(worker.main())
    waiting = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait({worker.main_task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        await stop_gracefully(worker, settings.job_stop_grace_seconds)
        await container.close()


def worker(
    check: bool = typer.Option(False, "--check", help="Exit 0 when a worker marked itself alive lately"),
) -> None:
    """Run sync jobs from the Redis queue (needs COUPLET_REDIS_URL)."""
    settings = Settings()
    if not settings.redis_url:
        console.print("[red]couplet worker needs COUPLET_REDIS_URL (jobs run in-process without it)[/red]")
        raise typer.Exit(2)
    if check:
        healthy = run(_healthy(settings))
        console.print("a worker is alive" if healthy else "[red]no worker marked itself alive[/red]")
        raise typer.Exit(0 if healthy else 1)
    ensure_schema(settings)
    run(_work(settings))
