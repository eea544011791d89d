"""Announcing changes to whoever listens (subscriptions): the `EventBus` port.

Events are small JSON-able dicts on named channels. Delivery is at most once
and not buffered: a subscriber reads the current state first, then applies
events whose `seq` is newer than that state (see API.md subscriptions)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Event = dict[str, Any]


class EventBus(Protocol):
    async def publish(self, channel: str, event: Event) -> None:
        """Send an event to every current subscriber of `channel`."""

    def subscribe(self, *channels: str) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """Events published on these channels from now on, until the block ends.
        The subscription is active when the block is entered (no event published
        after that is missed)."""

    async def close(self) -> None: ...


def job_channel(job_id: object) -> str:
    return f"job:{job_id}"


def activity_channel(mapping: str | None = None) -> str:
    return "activity" if mapping is None else f"activity:{mapping}"


FULL_SYNC_CHANNEL = "full-sync"

RESYNC: Event = {"resync": True}
"""Sent to a subscriber that may have missed events (the bus reconnected, or the
subscriber fell too far behind): it should read the current state again."""


def is_resync(event: Event) -> bool:
    return event.get("resync") is True


QUEUE_SIZE = 1000
"""How many events a subscriber may fall behind before it is resynced."""


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
