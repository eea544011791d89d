"""What the API reads from Financials: pages, single records, children and inventory."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.financials.records import ErpRecord
from domain.financials.tables import TableSpec


@dataclass(frozen=True, slots=True)
class ErpPage:
    """One page of records in key order, with a cursor per record."""

    records: list[ErpRecord]
    has_next: bool
    total: int
    cursors: list[str]


class ErpReads(Protocol):
    """Read-only queries of the Financials tables, each on its own short read."""

    async def page(
        self,
        spec: TableSpec,
        *,
        first: int,
        after: str | None = None,
        search: str | None = None,
        filters: Mapping[str, object] | None = None,
    ) -> ErpPage:
        """One page in business-key order (id order for tables read by id); raises
        ValueError for a cursor or filter it cannot read."""

    async def get(self, spec: TableSpec, key: Mapping[str, object]) -> ErpRecord | None:
        """The record with this business key, or None."""

    async def get_by_id(self, spec: TableSpec, record_id: UUID) -> ErpRecord | None:
        """The record with this id, or None."""

    async def children_of(
        self, spec: TableSpec, parent_field: str, parent_keys: Iterable[str]
    ) -> dict[str, list[ErpRecord]]:
        """Child records grouped by their parent's key, in key order."""

    async def inventory(self, item_nos: Collection[str]) -> dict[str, Decimal]:
        """Each item's inventory in base units (0 for an item without entries)."""
