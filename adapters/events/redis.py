"""The scaled-out `EventBus`: Redis pub/sub, so a subscription served by one API
process sees the events of jobs run by any worker.

Events are JSON on `<prefix>:events:<channel>`. Each process holds one pub/sub
connection and one listener task feeding a queue per subscription. Pub/sub
forgets what it sends while a connection is down, so after any reconnect every
subscriber gets a resync marker and reads the current state again. A publish
that fails is logged and dropped: events never fail a job."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from adapters.events.inprocess import events_of
from domain.events import QUEUE_SIZE, RESYNC, Event, EventBus, offer

log = logging.getLogger("couplet.events")
CONFIRM_SECONDS = 10.0
RECONNECT_SECONDS = 0.2
READ_SECONDS = 1.0


class RedisEventBus:
    def __init__(self, redis_url: str, prefix: str) -> None:
        self._url = redis_url
        self._prefix = prefix
        self.client_name = f"{prefix}-events-{uuid.uuid4().hex[:8]}"
        self._publisher: Redis | None = None
        self._listening: Redis | None = None
        self._pubsub: PubSub | None = None
        self._listener: asyncio.Task[None] | None = None
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self._starting = asyncio.Lock()

    def key(self, channel: str) -> str:
        return f"{self._prefix}:events:{channel}"

    async def publish(self, channel: str, event: Event) -> None:
        if self._publisher is None:
            self._publisher = Redis.from_url(self._url, socket_connect_timeout=5, socket_timeout=5)
        try:
            await self._publisher.publish(self.key(channel), json.dumps(event, default=str))
        except (RedisError, OSError) as error:
            log.warning("event on %s dropped: %s", channel, error)

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[AsyncIterator[Event]]:
        """Returns once Redis has confirmed every channel's subscription."""
        await self._start()
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        keys = [self.key(c) for c in channels]
        new = [k for k in keys if not self._subscribers.get(k)]
        for key in keys:
            self._subscribers.setdefault(key, set()).add(queue)
            self._confirmed.setdefault(key, asyncio.Event())
        try:
            if new and self._pubsub is not None:
                with contextlib.suppress(RedisError, OSError):  # the listener subscribes on reconnect
                    await self._pubsub.subscribe(*new)
            async with asyncio.timeout(CONFIRM_SECONDS):
                for key in keys:
                    await self._confirmed[key].wait()
            yield events_of(queue)
        finally:
            gone = []
            for key in keys:
                subscribers = self._subscribers.get(key, set())
                subscribers.discard(queue)
                if not subscribers:
                    self._subscribers.pop(key, None)
                    self._confirmed.pop(key, None)
                    gone.append(key)
            if gone and self._pubsub is not None:
                with contextlib.suppress(RedisError, OSError):
                    await self._pubsub.unsubscribe(*gone)

    async def _start(self) -> None:
        async with self._starting:
            if self._listener is None:
                await self._connect()
                self._listener = asyncio.create_task(self._listen(), name="couplet-events")

    async def _connect(self) -> None:
        self._listening = Redis.from_url(self._url, client_name=self.client_name, socket_connect_timeout=5)
        self._pubsub = self._listening.pubsub()
        await self._pubsub.connect()
        if self._subscribers:
            await self._pubsub.subscribe(*self._subscribers)

    async def _disconnect(self) -> None:
        with contextlib.suppress(Exception):
            if self._pubsub is not None:
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        with contextlib.suppress(Exception):
            if self._listening is not None:
                await self._listening.aclose()
        self._pubsub = self._listening = None

    async def _listen(self) -> None:
        while True:
            try:
                if self._pubsub is None:
                    await self._connect()
                if not self._pubsub or not self._pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                message = await self._pubsub.get_message(timeout=READ_SECONDS)
                if message is not None:
                    self._handle(message)
            except (RedisError, OSError) as error:
                log.warning("event bus connection lost (%s); reconnecting", error)
                await self._disconnect()
                await asyncio.sleep(RECONNECT_SECONDS)

    def _handle(self, message: dict[str, Any]) -> None:
        key = _text(message.get("channel"))
        if message["type"] == "subscribe":
            confirmed = self._confirmed.get(key)
            if confirmed is None:
                return
            if confirmed.is_set():  # subscribed again after a reconnect: events may be lost
                for queue in list(self._subscribers.get(key, ())):
                    offer(queue, RESYNC)
            confirmed.set()
        elif message["type"] == "message":
            try:
                event = json.loads(message["data"])
            except ValueError:
                log.warning("an event on %s is not JSON", key)
                return
            for queue in list(self._subscribers.get(key, ())):
                offer(queue, event)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await self._disconnect()
        if self._publisher is not None:
            await self._publisher.aclose()
            self._publisher = None
        self._subscribers.clear()
        self._confirmed.clear()


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _implements_the_port(bus: RedisEventBus) -> EventBus:
    return bus  # mypy checks RedisEventBus against the EventBus port here
