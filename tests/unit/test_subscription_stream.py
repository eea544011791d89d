"""The "subscribe, snapshot, then changes" stream every subscription uses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from adapters.events.inprocess import InProcessEventBus
from api.graphql.subscriptions.stream import Change, snapshot_then_changes
from domain.events import RESYNC, Event


class Store:
    """The state a subscription reads: one job's sequence and status."""

    def __init__(self, seq: int, status: str) -> None:
        self.seq, self.status = seq, status

    async def read(self, _: set[str]) -> Sequence[Change[str]]:
        return [Change("job", self.seq, f"{self.seq}:{self.status}", self.status == "DONE")]

    async def parse(self, event: Event) -> Sequence[Change[str]]:
        return [Change("job", event["seq"], f"{event['seq']}:{event['status']}", event["status"] == "DONE")]


async def take(stream: AsyncIterator[str], n: int) -> list[str]:
    return [await asyncio.wait_for(anext(stream), 5) for _ in range(n)]


async def test_the_snapshot_comes_first_then_only_newer_changes_until_the_final_one() -> None:
    bus, store = InProcessEventBus(), Store(2, "RUNNING")
    stream = snapshot_then_changes(bus, ["job:1"], store.read, store.parse, end_at_final=True)
    assert await take(stream, 1) == ["2:RUNNING"]
    for seq, status in [(1, "QUEUED"), (2, "RUNNING"), (3, "RUNNING"), (4, "DONE"), (5, "LATE")]:
        await bus.publish("job:1", {"seq": seq, "status": status})
    assert [state async for state in stream] == ["3:RUNNING", "4:DONE"]


async def test_a_resync_marker_reads_the_state_again() -> None:
    bus, store = InProcessEventBus(), Store(1, "RUNNING")
    stream = snapshot_then_changes(bus, ["job:1"], store.read, store.parse, end_at_final=True)
    assert await take(stream, 1) == ["1:RUNNING"]
    store.seq, store.status = 7, "DONE"
    await bus.publish("job:1", RESYNC)
    assert [state async for state in stream] == ["7:DONE"]


async def test_a_quiet_subscription_reads_the_state_again() -> None:
    bus, store = InProcessEventBus(), Store(1, "RUNNING")
    stream = snapshot_then_changes(bus, ["job:1"], store.read, store.parse, end_at_final=True, quiet=0.05)
    assert await take(stream, 1) == ["1:RUNNING"]
    store.seq, store.status = 2, "DONE"
    assert [state async for state in stream] == ["2:DONE"]
