"""Job changes as events: each saved state of a job is published on its own
channel and on the activity channels (all jobs, and its mapping's)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from domain.events import EventBus, activity_channel, job_channel
from domain.jobs.model import SyncJob
from domain.jobs.runner import JobEvents


def job_event(job: SyncJob) -> dict[str, Any]:
    """A job's state as a JSON-able event (`seq` orders the states of one job)."""
    event: dict[str, Any] = {
        "id": str(job.id),
        "seq": job.seq,
        "kind": job.kind.value,
        "mapping": job.mapping,
        "direction": job.direction.value if job.direction else None,
        "trigger": job.trigger.value,
        "status": job.status.value,
        "queued_at": job.queued_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "processed": job.processed,
        "total": job.total,
        "message": job.message,
        "cancel_requested": job.cancel_requested,
    }
    event.update({outcome.counter: n for outcome, n in job.counts().items()})
    return event


class PublishedJobEvents:
    """The runner's `JobEvents`, on an `EventBus`."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus

    async def job_changed(self, job: SyncJob) -> None:
        event = job_event(job)
        await self._bus.publish(job_channel(job.id), event)
        await self._bus.publish(activity_channel(), event)
        if job.mapping:
            await self._bus.publish(activity_channel(job.mapping), event)


class JobEventCallback:
    """`JobEvents` as one function (a listener built after the runner that tells it)."""

    def __init__(self, on_change: Callable[[SyncJob], Awaitable[None]]) -> None:
        self._on_change = on_change

    async def job_changed(self, job: SyncJob) -> None:
        await self._on_change(job)


class JobListeners:
    """Several `JobEvents` as one (announcing, and reacting to finished jobs)."""

    def __init__(self, *listeners: JobEvents) -> None:
        self._listeners = listeners

    async def job_changed(self, job: SyncJob) -> None:
        for listener in self._listeners:
            await listener.job_changed(job)
