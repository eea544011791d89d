"""An in-memory `ErpStore`: Financials rows as frozen records in a dict (no children)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from domain.filters import Node, matches
from domain.financials.ports import DuplicateKeyError
from domain.financials.records import ErpRecord, Tombstone, Values
from domain.financials.tables import TableSpec
from tests.fakes.state import State


class InMemoryErpStore:
    def __init__(self, state: State) -> None:
        self._state = state

    def _rows(self, table: str) -> dict[UUID, ErpRecord]:
        return self._state.erp.setdefault(table, {})

    def _tombs(self, table: str) -> dict[UUID, Tombstone]:
        return self._state.tombstones.setdefault(table, {})

    async def get(self, spec: TableSpec, key: Mapping[str, object]) -> ErpRecord | None:
        found = await self.find(spec, {k: key.get(k) for k in spec.key})
        return found[0] if found else None

    async def get_by_id(self, spec: TableSpec, record_id: UUID) -> ErpRecord | None:
        return self._rows(spec.name).get(record_id)

    async def get_many(self, spec: TableSpec, field: str, values: Collection[object]) -> list[ErpRecord]:
        wanted = set(values)
        return [
            r for r in self._rows(spec.name).values() if (r.id if field == "id" else r.get(field)) in wanted
        ]

    async def highest_key(self, spec: TableSpec, prefix: str) -> str | None:
        keys = [str(r.get(spec.key_field)) for r in self._rows(spec.name).values()]
        keys += [t.key for t in self._tombs(spec.name).values()]
        return max((k for k in keys if k.startswith(prefix)), default=None)

    async def existing_keys(self, table: str, keys: Collection[str]) -> set[str]:
        from domain.financials.tables import table as spec_of

        key_field = spec_of(table).key_field
        present = {str(r.get(key_field)) for r in self._rows(table).values()}
        return present & set(keys)

    async def find(self, spec: TableSpec, criteria: Mapping[str, object]) -> list[ErpRecord]:
        return [r for r in self._rows(spec.name).values() if all(r.get(k) == v for k, v in criteria.items())]

    async def count(self, spec: TableSpec, criteria: Mapping[str, object]) -> int:
        return len(await self.find(spec, criteria))

    async def count_matching(self, spec: TableSpec, condition: Node | None) -> int:
        rows = self._rows(spec.name).values()
        return sum(1 for r in rows if condition is None or matches(condition, r.values))

    async def changed_since(
        self,
        spec: TableSpec,
        since: datetime | None,
        until: datetime,
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[ErpRecord]:
        rows = sorted(self._rows(spec.name).values(), key=lambda r: (r.modified_at, r.id))
        rows = [
            r
            for r in rows
            if (since is None or r.modified_at > since)
            and r.modified_at <= until
            and (after is None or (r.modified_at, r.id) > after)
        ]
        return rows[:limit]

    async def deleted_since(self, table: str, since: datetime | None, until: datetime) -> list[Tombstone]:
        return [
            t
            for t in self._tombs(table).values()
            if (since is None or t.deleted_at > since) and t.deleted_at <= until
        ]

    async def tombstones_of(self, table: str, record_ids: Collection[UUID]) -> dict[UUID, Tombstone]:
        tombs = self._tombs(table)
        return {i: tombs[i] for i in record_ids if i in tombs}

    async def scan(self, spec: TableSpec, *, after: UUID | None, limit: int) -> list[ErpRecord]:
        rows = sorted(self._rows(spec.name).values(), key=lambda r: r.id)
        return [r for r in rows if after is None or r.id > after][:limit]

    async def insert(self, spec: TableSpec, record_id: UUID, values: Values, at: datetime) -> ErpRecord:
        key = spec.key_of(values)
        if any(spec.key_of(r.values) == key for r in self._rows(spec.name).values()):
            raise DuplicateKeyError(f"{spec.name} {key} exists")
        record = ErpRecord(spec.name, record_id, dict(values), at, at)
        self._rows(spec.name)[record_id] = record
        return record

    async def update(self, spec: TableSpec, record_id: UUID, changes: Values, at: datetime) -> ErpRecord:
        record = self._rows(spec.name)[record_id]
        updated = replace(record, values={**record.values, **changes}, modified_at=at)
        self._rows(spec.name)[record_id] = updated
        return updated

    async def delete(self, spec: TableSpec, record: ErpRecord, at: datetime) -> None:
        self._rows(spec.name).pop(record.id, None)
        self._tombs(spec.name)[record.id] = Tombstone(spec.name, record.id, spec.key_of(record.values), at)
