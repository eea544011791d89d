"""What the API reads about table mappings."""

from __future__ import annotations

from typing import Protocol

from domain.mappings.model import TableMapping


class MappingReads(Protocol):
    """Read-only queries of table mappings, each on its own short read."""

    async def all(self) -> list[TableMapping]:
        """Every mapping."""

    async def get(self, name: str) -> TableMapping | None:
        """The mapping of this name, or None."""
