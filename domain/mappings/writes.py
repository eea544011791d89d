"""Mapping changes as the API asks for them: each one its own unit of work."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from domain.mappings.model import TableMapping
from domain.mappings.service import reset_mappings, update_field_mapping, update_mapping
from domain.uow import UnitOfWorkFactory


class MappingWrites:
    """Changes table mappings (ADMIN), committed when valid, refused as a whole otherwise."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def update(self, name: str, changes: Mapping[str, object]) -> TableMapping:
        """See `update_mapping`."""
        async with self._uow() as uow:
            return await update_mapping(uow.mappings, name, changes)

    async def update_field(self, name: str, position: int, changes: Mapping[str, object]) -> TableMapping:
        """See `update_field_mapping`."""
        async with self._uow() as uow:
            return await update_field_mapping(uow.mappings, name, position, changes)

    async def reset(self, names: Collection[str] | None) -> list[TableMapping]:
        """See `reset_mappings`."""
        async with self._uow() as uow:
            return await reset_mappings(uow.mappings, names)
