"""The port the Financials service writes through."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.filters import Node
from domain.financials.records import ErpRecord, Tombstone, Values
from domain.financials.tables import TableSpec


class DuplicateKeyError(Exception):
    """The store refused a write because the business key already exists."""


class ErpStore(Protocol):
    """Reads and writes Financials rows inside the caller's transaction.

    Every write the service makes through one store instance commits or rolls
    back together; the store never commits on its own."""

    async def get(self, spec: TableSpec, key: Mapping[str, object]) -> ErpRecord | None:
        """The row with this business key, or None."""

    async def get_by_id(self, spec: TableSpec, record_id: UUID) -> ErpRecord | None: ...

    async def get_many(self, spec: TableSpec, field: str, values: Collection[object]) -> list[ErpRecord]:
        """Rows whose `field` is one of `values`."""

    async def highest_key(self, spec: TableSpec, prefix: str) -> str | None:
        """The highest single-field business key starting with `prefix`, deleted
        records' keys included (a number series never hands out a deleted number)."""

    async def existing_keys(self, table: str, keys: Collection[str]) -> set[str]:
        """Which of these single-field business keys exist in `table`."""

    async def find(self, spec: TableSpec, criteria: Mapping[str, object]) -> list[ErpRecord]:
        """Rows whose fields equal every value in `criteria`."""

    async def count(self, spec: TableSpec, criteria: Mapping[str, object]) -> int: ...

    async def count_matching(self, spec: TableSpec, condition: Node | None) -> int:
        """How many rows pass a mapping filter (all rows when None)."""

    async def changed_since(
        self,
        spec: TableSpec,
        since: datetime | None,
        until: datetime,
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[ErpRecord]:
        """Rows with since < modified_at <= until, in (modified_at, id) order, after a cursor."""

    async def deleted_since(self, table: str, since: datetime | None, until: datetime) -> list[Tombstone]: ...

    async def tombstones_of(self, table: str, record_ids: Collection[UUID]) -> dict[UUID, Tombstone]:
        """The tombstones of these records (those deleted), by record id."""

    async def scan(self, spec: TableSpec, *, after: UUID | None, limit: int) -> list[ErpRecord]:
        """The next `limit` rows in id order after `after` (bounded-memory passes)."""

    async def insert(self, spec: TableSpec, record_id: UUID, values: Values, at: datetime) -> ErpRecord:
        """Insert a row; raises DuplicateKeyError when its business key exists."""

    async def update(self, spec: TableSpec, record_id: UUID, changes: Values, at: datetime) -> ErpRecord:
        """Set these fields and advance `modified_at`."""

    async def delete(self, spec: TableSpec, record: ErpRecord, at: datetime) -> None:
        """Delete a row and leave its tombstone."""


class ReferenceViolationError(Exception):
    """The store refused a write because a referenced row is missing or still in use
    (another transaction changed it between the service's checks and the write)."""
