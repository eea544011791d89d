"""Where table mappings are kept."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.mappings.model import TableMapping


class MappingStore(Protocol):
    async def all(self) -> list[TableMapping]:
        """Every table mapping, in name order."""

    async def get(self, name: str) -> TableMapping | None: ...

    async def save(self, mapping: TableMapping) -> None:
        """Insert or replace the mapping and its field mappings (watermarks are kept)."""

    async def set_watermarks(self, name: str, *, erp: datetime | None, crm: datetime | None) -> None:
        """Record how far a sync got on each side (None leaves that side as it is)."""

    async def clear_watermarks(self, name: str) -> None: ...
