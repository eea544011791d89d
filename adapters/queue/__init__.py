"""Job queues: in-process (embedded) and arq on Redis (scaled out)."""

from __future__ import annotations

from adapters.queue.inprocess import InProcessJobQueue
from adapters.settings import Settings
from domain.jobs.ports import JobQueue
from domain.jobs.runner import JobRunner


def build_queue(settings: Settings, runner: JobRunner) -> JobQueue:
    """The job queue the settings ask for (in-process until the arq one exists)."""
    return InProcessJobQueue(runner)


__all__ = ["InProcessJobQueue", "build_queue"]
