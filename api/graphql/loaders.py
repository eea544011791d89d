"""Per-request DataLoaders: each batches one kind of lookup into one query."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from strawberry.dataloader import DataLoader

from adapters.db.repositories.financials import SqlErpStore
from api.container import Container
from domain.financials.records import ErpRecord
from domain.financials.tables import TableSpec


class Loaders:
    def __init__(self, container: Container) -> None:
        self._container = container
        self._children: dict[tuple[str, str], DataLoader[str, list[ErpRecord]]] = {}
        self.inventory: DataLoader[str, Decimal] = DataLoader(self._load_inventory)

    def children(self, spec: TableSpec, parent_field: str) -> DataLoader[str, list[ErpRecord]]:
        key = (spec.name, parent_field)
        if key not in self._children:

            async def load(parent_keys: Sequence[str]) -> list[list[ErpRecord]]:
                async with self._container.db.read() as session:
                    grouped = await SqlErpStore(session).children_of(spec, parent_field, parent_keys)
                return [grouped.get(k, []) for k in parent_keys]

            self._children[key] = DataLoader(load)
        return self._children[key]

    async def _load_inventory(self, item_nos: Sequence[str]) -> list[Decimal]:
        async with self._container.db.read() as session:
            found = await SqlErpStore(session).inventory(item_nos)
        return [found[no] for no in item_nos]
