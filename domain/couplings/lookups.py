"""What finding a mapping and an ERP record by id or key needs: a unit of work
has it, and so do the API's read models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol
from uuid import UUID

from domain.financials.records import ErpRecord
from domain.financials.tables import TableSpec
from domain.mappings.model import TableMapping


class ErpLookup(Protocol):
    """ERP records by business key or id."""

    async def get(self, spec: TableSpec, key: Mapping[str, object]) -> ErpRecord | None: ...

    async def get_by_id(self, spec: TableSpec, record_id: UUID) -> ErpRecord | None: ...


class MappingLookup(Protocol):
    """Table mappings by name."""

    async def get(self, name: str) -> TableMapping | None: ...


class RecordLookups(Protocol):
    """Mappings and ERP records, read-only."""

    @property
    def erp(self) -> ErpLookup: ...

    @property
    def mappings(self) -> MappingLookup: ...
