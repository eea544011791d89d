"""The `EventBus` contract, passed by both adapters: in-process and Redis pub/sub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from adapters.events.inprocess import QUEUE_SIZE, InProcessEventBus
from adapters.events.redis import RedisEventBus
from domain.events import EventBus, is_resync
from tests.support.queues import redis_url, unique_prefix


@pytest.fixture(params=["inprocess", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    bus: EventBus = (
        RedisEventBus(redis_url(), unique_prefix()) if request.param == "redis" else InProcessEventBus()
    )
    yield bus
    await bus.close()


async def next_event(events: AsyncIterator[dict[str, Any]]) -> dict[str, Any]:
    return await asyncio.wait_for(anext(events), 5)


async def test_a_subscriber_gets_what_is_published_on_its_channels_from_the_moment_it_subscribed(
    bus: EventBus,
) -> None:
    async with bus.subscribe("job:1", "activity") as events:
        await bus.publish("job:2", {"seq": 1, "id": "2"})
        await bus.publish("job:1", {"seq": 1, "id": "1"})
        await bus.publish("activity", {"seq": 2, "id": "1"})
        assert await next_event(events) == {"seq": 1, "id": "1"}
        assert await next_event(events) == {"seq": 2, "id": "1"}


async def test_every_subscriber_of_a_channel_gets_each_event(bus: EventBus) -> None:
    async with bus.subscribe("full-sync") as first, bus.subscribe("full-sync") as second:
        await bus.publish("full-sync", {"seq": 7})
        assert await next_event(first) == {"seq": 7}
        assert await next_event(second) == {"seq": 7}


async def test_a_subscription_that_ended_gets_nothing_and_publishing_to_nobody_is_fine(bus: EventBus) -> None:
    async with bus.subscribe("job:1"):
        pass
    await bus.publish("job:1", {"seq": 1})
    async with bus.subscribe("job:1") as events:
        await bus.publish("job:1", {"seq": 2})
        assert await next_event(events) == {"seq": 2}


async def test_a_subscriber_that_falls_too_far_behind_gets_a_resync_marker(bus: EventBus) -> None:
    async with bus.subscribe("activity") as events:
        for seq in range(QUEUE_SIZE + 5):
            await bus.publish("activity", {"seq": seq})
        await bus.publish("activity", {"seq": "last"})
        assert is_resync(await next_event(events))
        while (event := await next_event(events)) != {"seq": "last"}:
            assert not is_resync(event)


async def test_a_publisher_never_waits_for_a_stalled_subscriber(bus: EventBus) -> None:
    async with bus.subscribe("activity"):
        async with asyncio.timeout(10):
            for seq in range(3 * QUEUE_SIZE):
                await bus.publish("activity", {"seq": seq})


async def test_a_failed_publish_is_dropped_not_raised() -> None:
    bus = RedisEventBus("redis://127.0.0.1:1/0", unique_prefix())
    try:
        await bus.publish("job:1", {"seq": 1})
    finally:
        await bus.close()


async def test_after_a_redis_reconnect_subscribers_get_a_resync_marker() -> None:
    bus = RedisEventBus(redis_url(), unique_prefix())
    admin = Redis.from_url(redis_url())
    try:
        async with bus.subscribe("job:1") as events:
            clients = await admin.client_list(_type="pubsub")
            ours = [c["id"] for c in clients if c.get("name") == bus.client_name]
            assert ours
            for client_id in ours:
                await admin.client_kill_filter(_id=client_id)
            assert is_resync(await next_event(events))
            await bus.publish("job:1", {"seq": 3})
            assert await next_event(events) == {"seq": 3}
    finally:
        await admin.aclose()
        await bus.close()
