"""Announcing changes to whoever listens (subscriptions): the `EventBus` port.

Events are small JSON-able dicts on named channels. Delivery is at most once
and not buffered: a subscriber reads the current state first, then applies
events whose `seq` is newer than that state (see API.md subscriptions)."""

from __future__ import annotations

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
