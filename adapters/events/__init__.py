"""Event buses: in-process (embedded) and Redis pub/sub (scaled out)."""

from __future__ import annotations

from adapters.events.inprocess import InProcessEventBus
from adapters.events.redis import RedisEventBus
from adapters.settings import Settings
from domain.events import EventBus


def build_events(settings: Settings) -> EventBus:
    """Redis pub/sub when `redis_url` is set, else in this process only."""
    if settings.redis_url:
        return RedisEventBus(settings.redis_url, settings.redis_prefix)
    return InProcessEventBus()


__all__ = ["InProcessEventBus", "RedisEventBus", "build_events"]
