"""Which mappings the schedule syncs now (DOMAIN.md "Schedules"): each mapping's
interval is a safety net behind the change triggers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from domain.jobs.triggers import Trigger
from domain.mappings.model import TableMapping

TRIGGER = Trigger.SCHEDULE


def due_mappings(
    mappings: Iterable[TableMapping], last_started: Mapping[str, datetime], now: datetime
) -> list[str]:
    """Enabled top-level mappings whose interval has passed since their last
    mapping-wide sync was queued (a single record's sync does not count)."""
    due = []
    for mapping in mappings:
        if not mapping.enabled or mapping.parent is not None:
            continue
        last = last_started.get(mapping.name)
        if last is None or now - last >= timedelta(minutes=mapping.interval_minutes):
            due.append(mapping.name)
    return due
