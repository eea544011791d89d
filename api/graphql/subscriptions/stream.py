"""Subscribe, send the current state, then every change: the one way every
subscription streams (API.md "Subscription").

The bus subscription is opened before the state is read, so no change falls
between the two; each value carries a sequence that only increases per key, so
nothing older than what was sent (the snapshot included) is sent again. After
a resync marker, and after quiet seconds (a safety net for events lost on the
way), the state is read again and whatever is newer is sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.events import QUEUE_SIZE, RESYNC, Event, EventBus, is_resync, offer

T = TypeVar("T")
QUIET_SECONDS = 15.0


@dataclass(frozen=True)
class Change(Generic[T]):
    """One state of one thing (a job, the review), ordered by `seq` per `key`."""

    key: str
    seq: int
    value: T
    final: bool = False


Read = Callable[[set[str]], Awaitable[Sequence[Change[T]]]]
Parse = Callable[[Event], Awaitable[Sequence[Change[T]]]]


async def _pump(events: AsyncIterator[Event], inbox: asyncio.Queue[Event]) -> None:
    async for event in events:
        offer(inbox, event)


async def snapshot_then_changes(
    bus: EventBus,
    channels: Sequence[str],
    read: Read[T],
    parse: Parse[T],
    *,
    end_at_final: bool,
    quiet: float = QUIET_SECONDS,
) -> AsyncIterator[T]:
    """`read(open_keys)` gives the current states (of the keys still open, and any
    new ones); `parse(event)` the states an event carries. With `end_at_final`
    the stream completes after the first final state."""
    seen: dict[str, int] = {}
    open_keys: set[str] = set()

    def fresh(changes: Sequence[Change[T]]) -> list[Change[T]]:
        new = []
        for change in changes:
            if change.seq > seen.get(change.key, -1):
                seen[change.key] = change.seq
                (open_keys.discard if change.final else open_keys.add)(change.key)
                new.append(change)
        return new

    async with bus.subscribe(*channels) as events:
        inbox: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        pump = asyncio.create_task(_pump(events, inbox))
        try:
            changes = fresh(await read(set()))
            while True:
                for change in changes:
                    yield change.value
                    if end_at_final and change.final:
                        return
                try:
                    event = await asyncio.wait_for(inbox.get(), quiet)
                except TimeoutError:
                    event = RESYNC
                changes = fresh(await (read(set(open_keys)) if is_resync(event) else parse(event)))
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
