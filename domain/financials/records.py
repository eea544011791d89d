"""Financials records as the domain sees them: a table name, an id, and values
keyed by the field names of `tables.py`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

Values = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class ErpRecord:
    """One stored row of a Financials table, with its children when loaded."""

    table: str
    id: UUID
    values: Values
    created_at: datetime
    modified_at: datetime
    children: Mapping[str, tuple[ErpRecord, ...]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def get(self, name: str) -> object:
        return self.values.get(name)


@dataclass(frozen=True, slots=True)
class Tombstone:
    """What is left of a deleted record: enough for a sync to delete its counterpart."""

    table: str
    record_id: UUID
    key: str
    deleted_at: datetime
