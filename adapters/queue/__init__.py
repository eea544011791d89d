"""Job queues: in-process (embedded) and arq on Redis (scaled out)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from uuid import UUID

from adapters.queue.arq import ArqJobQueue
from adapters.queue.inprocess import InProcessJobQueue
from adapters.settings import Settings
from domain.jobs.ports import JobQueue


def build_queue(settings: Settings, run: Callable[[UUID], Coroutine[Any, Any, object]]) -> JobQueue:
    """arq on Redis when `redis_url` is set (its workers run the jobs), else jobs
    run in this process through `run` (the runner's `run`)."""
    if settings.redis_url:
        return ArqJobQueue(settings.redis_url, settings.redis_prefix)
    return InProcessJobQueue(run, time_limit=settings.job_time_limit_seconds)


__all__ = ["ArqJobQueue", "InProcessJobQueue", "build_queue"]
