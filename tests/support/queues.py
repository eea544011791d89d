"""Queues, workers and buses for tests: an arq worker run on the test's loop,
stopped gracefully (never mid-pipeline)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from arq.worker import Worker

from adapters.queue.arq import ArqJobQueue
from adapters.queue.worker import build_worker, stop_gracefully
from adapters.settings import Settings
from domain.jobs.runner import JobRunner
from tests.support.databases import REDIS_ENV


def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set")
    return url


def unique_prefix() -> str:
    return f"couplet-test-{uuid.uuid4().hex[:8]}"


@asynccontextmanager
async def running_worker(
    settings: Settings,
    runner: JobRunner,
    queue: ArqJobQueue,
    *,
    schedule: Callable[[], Awaitable[object]] | None = None,
    grace: float = 5.0,
) -> AsyncIterator[Worker]:
    """An arq worker polling `queue` on this event loop until the block ends."""
    worker = build_worker(settings, runner, queue, schedule=schedule, poll_delay=0.02)
    worker.main_task = asyncio.create_task(worker.main())
    try:
        yield worker
    finally:
        await stop_gracefully(worker, grace)
