"""Event buses: in-process (embedded) and Redis pub/sub (scaled out)."""

from __future__ import annotations

from adapters.events.inprocess import InProcessEventBus
from adapters.settings import Settings
from domain.events import EventBus


def build_events(settings: Settings) -> EventBus:
    """The event bus the settings ask for (in-process until a Redis one exists)."""
    return InProcessEventBus()


__all__ = ["InProcessEventBus", "build_events"]
