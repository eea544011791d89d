"""Job queues: in-process (embedded) and arq on Redis (scaled out)."""

from __future__ import annotations

from adapters.queue.arq import ArqJobQueue
from adapters.queue.inprocess import InProcessJobQueue
from adapters.settings import Settings
from domain.jobs.ports import JobQueue
from domain.jobs.runner import JobRunner


def build_queue(settings: Settings, runner: JobRunner) -> JobQueue:
    """arq on Redis when `redis_url` is set, else jobs run in this process."""
    if settings.redis_url:
        return ArqJobQueue(settings.redis_url, settings.redis_prefix)
    return InProcessJobQueue(runner, time_limit=settings.job_time_limit_seconds)


__all__ = ["ArqJobQueue", "InProcessJobQueue", "build_queue"]
