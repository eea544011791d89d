"""The embedded `EventBus`: subscribers in this process get events through queues."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from domain.events import RESYNC, Event, EventBus, is_resync

QUEUE_SIZE = 1000


def offer(queue: asyncio.Queue[Event], event: Event) -> None:
    """Hand an event to one subscriber without ever blocking the publisher. A
    subscriber 1,000 events behind loses them all and gets a resync marker instead
    (it reads the current state again)."""
    if queue.full():
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(RESYNC)
        return
    if is_resync(event) and not queue.empty():
        while not queue.empty():
            queue.get_nowait()
    queue.put_nowait(event)


async def events_of(queue: asyncio.Queue[Event]) -> AsyncIterator[Event]:
    while True:
        yield await queue.get()


class InProcessEventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = defaultdict(set)

    async def publish(self, channel: str, event: Event) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            offer(queue, event)

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[AsyncIterator[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        for channel in channels:
            self._subscribers[channel].add(queue)
        try:
            yield events_of(queue)
        finally:
            for channel in channels:
                self._subscribers[channel].discard(queue)
                if not self._subscribers[channel]:
                    del self._subscribers[channel]

    async def close(self) -> None:
        self._subscribers.clear()


def _implements_the_port(bus: InProcessEventBus) -> EventBus:
    return bus  # mypy checks InProcessEventBus against the EventBus port here
