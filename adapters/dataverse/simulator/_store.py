"""SQLite storage of the simulated org (a file, or ``:memory:``).

One table per entity with one column per attribute (a lookup is two: the id and
``<name>__type``, the target's logical name), plus ``meta`` (org ids, the row
version counter), ``options`` (choice labels), ``apps`` (registered client
credentials, secrets hashed), ``definitions`` (what solutions added) and the N:N
intersect tables. Strings compare case-insensitively with a Unicode-aware
collation, as Dataverse does.

Calls are synchronous and short; the ASGI app never awaits inside a
transaction, so requests on one event loop cannot interleave their writes."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.dataverse.simulator._metadata import INTEGER_KINDS, Column, EntityMeta, Kind

_SYSTEM_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS options (
    entity TEXT NOT NULL, attribute TEXT NOT NULL, value INTEGER NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (entity, attribute, value));
CREATE TABLE IF NOT EXISTS apps (
    client_id TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL, user_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS definitions (logical_name TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS role_privileges (
    roleid TEXT NOT NULL, privilege TEXT NOT NULL, PRIMARY KEY (roleid, privilege));
"""


def storage_columns(column: Column) -> list[tuple[str, str]]:
    if column.is_lookup:
        return [(column.name, "TEXT"), (f"{column.name}__type", "TEXT")]
    if column.kind in INTEGER_KINDS or column.kind is Kind.BOOLEAN:
        return [(column.name, "INTEGER")]
    return [(column.name, "TEXT")]


def quote(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a valid column name: {name!r}")
    return f'"{name}"'


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.create_collation("DV", _compare_ci)
        self.db.create_function("dv_like", 2, _like, deterministic=True)
        self.db.create_function("dv_num", 1, _number, deterministic=True)
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SYSTEM_TABLES)
        self._depth = 0

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; nested calls become savepoints."""
        name = f"sp{self._depth}"
        self.db.execute("BEGIN" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self.db.execute("ROLLBACK" if self._depth == 0 else f"ROLLBACK TO {name}")
            if self._depth:
                self.db.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        self.db.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    def ensure_table(self, meta: EntityMeta) -> None:
        """Create the entity's table, or add the columns it lacks."""
        table = quote(meta.logical_name)
        wanted = [pair for column in meta.columns.values() for pair in storage_columns(column)]
        existing = {row["name"] for row in self.db.execute(f"PRAGMA table_info({table})")}
        if not existing:
            columns = ", ".join(
                f"{quote(name)} {kind}" + (" PRIMARY KEY" if name == meta.primary_id else "")
                for name, kind in wanted
            )
            self.db.execute(f"CREATE TABLE {table} ({columns})")
            self.db.execute(
                f"CREATE INDEX {quote('ix_' + meta.logical_name + '_modified')} ON {table} (modifiedon)"
            )
            return
        for name, kind in wanted:
            if name not in existing:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {quote(name)} {kind}")

    def ensure_intersect(self, table: str, left: str, right: str) -> None:
        self.db.execute(
            f"CREATE TABLE IF NOT EXISTS {quote(table)} "
            f"({quote(left)} TEXT NOT NULL, {quote(right)} TEXT NOT NULL,"
            f" PRIMARY KEY ({quote(left)}, {quote(right)}))"
        )

    # rows

    def insert(self, entity: str, values: dict[str, Any]) -> None:
        names = ", ".join(quote(name) for name in values)
        marks = ", ".join("?" for _ in values)
        self.db.execute(f"INSERT INTO {quote(entity)} ({names}) VALUES ({marks})", list(values.values()))

    def update(self, meta: EntityMeta, row_id: str, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"{quote(name)} = ?" for name in values)
        self.db.execute(
            f"UPDATE {quote(meta.logical_name)} SET {assignments} WHERE {quote(meta.primary_id)} = ?",
            [*values.values(), row_id],
        )

    def delete(self, meta: EntityMeta, row_id: str) -> None:
        self.db.execute(
            f"DELETE FROM {quote(meta.logical_name)} WHERE {quote(meta.primary_id)} = ?", [row_id]
        )

    def get(self, meta: EntityMeta, row_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            f"SELECT * FROM {quote(meta.logical_name)} WHERE {quote(meta.primary_id)} = ?", [row_id]
        ).fetchone()
        return dict(row) if row is not None else None

    def select(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(row) for row in self.db.execute(sql, list(params))]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.db.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.db.execute(sql, list(params)).rowcount

    # organisation state

    def meta_get(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return None if value is None else str(value)

    def meta_set(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def next_number(self, key: str, start: int) -> int:
        """The next value of a counter (row versions, auto-numbers)."""
        current = self.meta_get(key)
        value = int(current) + 1 if current is not None else start
        self.meta_set(key, str(value))
        return value


def _compare_ci(left: str, right: str) -> int:
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


def _like(value: Any, pattern: str) -> int | None:
    """Dataverse's LIKE: case-insensitive; ``%``, ``_`` and ``[...]`` are wildcards ([FILT])."""
    if value is None:
        return None
    regex = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "%":
            regex.append(".*")
        elif char == "_":
            regex.append(".")
        elif char == "[" and "]" in pattern[index:]:
            end = pattern.index("]", index)
            regex.append("[" + re.escape(pattern[index + 1 : end]) + "]")
            index = end
        else:
            regex.append(re.escape(char))
        index += 1
    return 1 if re.fullmatch("".join(regex), str(value), re.IGNORECASE | re.DOTALL) else 0


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(Decimal(str(value)))
    except InvalidOperation:
        return None
