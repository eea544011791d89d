"""The composition root: builds every adapter from the settings, once per process."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.db.engine import Database
from adapters.db.repositories.api_keys import ApiKeyRepository
from adapters.settings import Settings
from domain.auth import Principal, hash_secret
from domain.clock import Clock, IdFactory, SystemClock, Uuid7Factory

ErpChangeListener = Callable[[str], Awaitable[None]]


class PrincipalCache:
    """Remembers recent key lookups so a busy CRM plugin does not cost a query
    per request. A revoked key stops working within `ttl` seconds."""

    def __init__(self, ttl: float = 30.0, size: int = 1024) -> None:
        self._ttl = ttl
        self._size = size
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, secret_hash: str) -> Principal | None:
        entry = self._entries.get(secret_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, secret_hash: str, principal: Principal) -> None:
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[secret_hash] = (time.monotonic() + self._ttl, principal)

    def clear(self) -> None:
        self._entries.clear()


async def _ping_redis(url: str) -> str:
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
        return "ok"
    except RedisError as error:
        return f"unreachable: {type(error).__name__}"
    finally:
        await client.aclose()


@dataclass
class Container:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    ids: IdFactory = field(default_factory=Uuid7Factory)
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    erp_change_listeners: list[ErpChangeListener] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Settings) -> Container:
        return cls(
            settings=settings, db=Database.from_url(settings.database_url, pool_size=settings.db_pool_size)
        )

    async def close(self) -> None:
        await self.db.dispose()

    async def readiness(self) -> dict[str, str]:
        """Each dependency's state: "ok" or why not."""
        checks: dict[str, str] = {}
        try:
            await self.db.ping()
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"unreachable: {type(error).__name__}"
        if self.settings.redis_url:
            checks["redis"] = await _ping_redis(self.settings.redis_url)
        return checks

    async def principal(self, secret: str) -> Principal | None:
        """The holder of an API key, or None for an unknown or revoked key."""
        secret_hash = hash_secret(secret)
        cached = self.principals.get(secret_hash)
        if cached is not None:
            return cached
        async with self.db.read() as session:
            principal = await ApiKeyRepository(session).principal(secret)
        if principal is not None:
            self.principals.put(secret_hash, principal)
        return principal

    async def erp_changed(self, table: str) -> None:
        """Tell listeners (the sync scheduler) that a Financials table changed."""
        for listener in self.erp_change_listeners:
            await listener(table)
