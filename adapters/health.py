"""Readiness: whether the database and (when configured) Redis answer."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.db.engine import Database


async def _ping_redis(url: str) -> str:
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
        return "ok"
    except RedisError as error:
        return f"unreachable: {type(error).__name__}"
    finally:
        await client.aclose()


async def readiness(db: Database, redis_url: str | None) -> dict[str, str]:
    """Each dependency's state: "ok" or why not."""
    checks: dict[str, str] = {}
    try:
        await db.ping()
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
    if redis_url:
        checks["redis"] = await _ping_redis(redis_url)
    return checks
