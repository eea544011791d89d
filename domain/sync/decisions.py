"""What one record's pass writes (DOMAIN.md "How one record syncs", steps 3–6).

Both passes decide in "CRM space" (CRM attribute names, values as `values.py`
compares them): the source's values, the destination's current values (when
read), and the snapshot of the values as last synced. For each attribute the
pass writes:

- a one-way attribute: the source value, whenever it differs from the destination
  (or, when the destination was not read, from the snapshot);
- a shared (bidirectional) attribute: the source value when only the source
  changed it since the last sync; nothing when only the destination changed it
  (the other pass brings that back: a field-level merge); when both changed it to
  different values, the mapping's update-conflict resolution decides — the source
  wins, the destination wins, or neither (a CONFLICT keeping both values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from domain.sync.values import canonical, same

_MISSING = object()


class Winner(Enum):
    SOURCE = "source"
    DESTINATION = "destination"
    NOBODY = "nobody"


@dataclass(frozen=True)
class Decision:
    """Attributes to write, attributes left for the other pass, and conflicts."""

    write: dict[str, object] = field(default_factory=dict)
    other_side: set[str] = field(default_factory=set)
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshot: dict[str, Any] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not self.write and not self.conflicts


def decide(
    source: Mapping[str, object],
    destination: Mapping[str, object] | None,
    snapshot: Mapping[str, Any] | None,
    shared: set[str],
    on_conflict: Winner,
    source_side: str = "source",
    destination_side: str = "destination",
) -> Decision:
    """Decide one record's pass. `destination` None means it was not read; a
    `snapshot` None means the pair was never synced (write everything that differs)."""
    decision = Decision(snapshot=dict(snapshot or {}))
    for name, value in source.items():
        before = snapshot.get(name, _MISSING) if snapshot is not None else _MISSING
        current = destination.get(name) if destination is not None else _MISSING
        if current is not _MISSING and same(value, current):
            decision.snapshot[name] = canonical(value)
            continue
        if before is _MISSING or name not in shared:
            if current is not _MISSING or before is _MISSING or not same(value, before):
                decision.write[name] = value
                decision.snapshot[name] = canonical(value)
            continue
        source_changed = not same(value, before)
        destination_changed = current is not _MISSING and not same(current, before)
        if source_changed and not destination_changed:
            decision.write[name] = value
            decision.snapshot[name] = canonical(value)
        elif destination_changed and not source_changed:
            decision.other_side.add(name)
        elif source_changed:  # both changed, to different values
            if on_conflict is Winner.SOURCE:
                decision.write[name] = value
                decision.snapshot[name] = canonical(value)
            elif on_conflict is Winner.DESTINATION:
                decision.other_side.add(name)
            else:
                decision.conflicts[name] = {
                    source_side: canonical(value),
                    destination_side: canonical(current),
                    "lastSynced": before,
                }
        elif current is not _MISSING:  # neither changed, yet they differ: the snapshot is stale
            decision.write[name] = value
            decision.snapshot[name] = canonical(value)
    return decision
