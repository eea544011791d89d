"""The simulated organisation: its table definitions, its storage, its clock, and
the change events each unit of work produces (for webhooks, after commit)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.dataverse.simulator._catalog import standard_entities
from adapters.dataverse.simulator._metadata import Column, EntityMeta, Kind, ManyToMany
from adapters.dataverse.simulator._store import Store, quote

VERSION_START = 1_000_000


@dataclass(frozen=True, slots=True)
class Change:
    """One committed create / update / delete, as a webhook will report it."""

    message: str
    entity: str
    row_id: str
    user_id: str
    at: datetime
    image: dict[str, Any] = field(default_factory=dict)


class Organization:
    def __init__(self, store: Store, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.clock = clock
        self.entities: dict[str, EntityMeta] = {}
        self._units: list[list[Change]] = []
        for meta in standard_entities():
            self.add_entity(meta, persist=False)
        for row in store.select("SELECT definition FROM definitions ORDER BY rowid"):
            self.add_entity(entity_from_json(json.loads(row["definition"])), persist=False)

    # definitions

    def add_entity(self, meta: EntityMeta, *, persist: bool = True) -> None:
        self.entities[meta.logical_name] = meta
        self.store.ensure_table(meta)
        for relation in meta.many_to_many.values():
            left, right = sorted([f"{meta.logical_name}id", f"{relation.other}id"])
            self.store.ensure_intersect(relation.table, left, right)
        if persist:
            self.store.execute(
                "INSERT INTO definitions (logical_name, definition) VALUES (?, ?) "
                "ON CONFLICT(logical_name) DO UPDATE SET definition = excluded.definition",
                [meta.logical_name, json.dumps(entity_to_json(meta))],
            )

    def entity(self, logical_name: str) -> EntityMeta | None:
        return self.entities.get(logical_name)

    def by_set(self, entity_set: str) -> EntityMeta | None:
        return next((m for m in self.entities.values() if m.entity_set == entity_set), None)

    def options(self, meta: EntityMeta, column: Column) -> dict[int, str] | None:
        """The choice's options: fixed ones from the definition, or the org's option set."""
        if column.options is not None:
            return column.options
        rows = self.store.select(
            "SELECT value, label FROM options WHERE entity = ? AND attribute = ? ORDER BY value",
            [meta.logical_name, column.name],
        )
        return {int(row["value"]): str(row["label"]) for row in rows} or None

    def label(self, meta: EntityMeta, column: Column, value: int) -> str | None:
        return (self.options(meta, column) or {}).get(value)

    def primary_name(self, entity: str, row_id: str) -> str | None:
        meta = self.entity(entity)
        if meta is None or meta.primary_name not in meta.columns:
            return None
        value = self.store.scalar(
            f"SELECT {quote(meta.primary_name)} FROM {quote(entity)} WHERE {quote(meta.primary_id)} = ?",
            [row_id],
        )
        return None if value is None else str(value)

    # organisation-wide values

    def setting(self, key: str) -> str:
        value = self.store.meta_get(key)
        if value is None:
            raise KeyError(f"the simulated org has no {key!r} yet")
        return value

    def now_text(self) -> str:
        return self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def next_version(self) -> int:
        return self.store.next_number("versionnumber", VERSION_START)

    # units of work

    @contextmanager
    def unit_of_work(self) -> Iterator[list[Change]]:
        """One transaction; the yielded list fills with its changes. A nested unit is a
        savepoint whose changes join the outer unit's when it succeeds."""
        changes: list[Change] = []
        self._units.append(changes)
        try:
            with self.store.transaction():
                yield changes
        finally:
            self._units.pop()
        if self._units:
            self._units[-1].extend(changes)

    def emit(self, change: Change) -> None:
        if self._units:
            self._units[-1].append(change)


def entity_to_json(meta: EntityMeta) -> dict[str, Any]:
    data = asdict(meta)
    data["columns"] = [
        {**asdict(column), "kind": column.kind.value, "options": _keys_to_text(column.options)}
        for column in meta.columns.values()
    ]
    return data


def entity_from_json(data: dict[str, Any]) -> EntityMeta:
    columns = {}
    for item in data.pop("columns"):
        item["kind"] = Kind(item["kind"])
        item["targets"] = tuple(item["targets"])
        item["options"] = {int(k): v for k, v in item["options"].items()} if item["options"] else None
        item["status_states"] = (
            {int(k): v for k, v in item["status_states"].items()} if item["status_states"] else None
        )
        columns[item["name"]] = Column(**item)
    many = {nav: ManyToMany(**relation) for nav, relation in data.pop("many_to_many").items()}
    one = {nav: (child, column) for nav, (child, column) in data.pop("one_to_many").items()}
    return EntityMeta(**data, columns=columns, one_to_many=one, many_to_many=many)


def _keys_to_text(options: dict[int, str] | None) -> dict[str, str] | None:
    return {str(key): value for key, value in options.items()} if options else None
