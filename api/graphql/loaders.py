"""Per-request DataLoaders: each batches one kind of lookup into one query."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID

from strawberry.dataloader import DataLoader

from domain.couplings.model import Coupling
from domain.couplings.ports import CouplingFigures
from domain.financials.records import ErpRecord
from domain.financials.tables import TableSpec
from domain.jobs.model import SyncJob
from domain.mappings.model import TableMapping
from domain.reads import ReadModels


class Loaders:
    def __init__(self, reads: ReadModels) -> None:
        self._reads = reads
        self._children: dict[tuple[str, str], DataLoader[str, list[ErpRecord]]] = {}
        self.inventory: DataLoader[str, Decimal] = DataLoader(self._load_inventory)
        self.coupling_figures: DataLoader[str, CouplingFigures] = DataLoader(self._load_figures)
        self.last_job: DataLoader[str, SyncJob | None] = DataLoader(self._load_last_jobs)
        self.coupling_by_erp: DataLoader[UUID, Coupling | None] = DataLoader(self._load_couplings)
        self.mapping: DataLoader[str, TableMapping | None] = DataLoader(self._load_mappings)

    async def _load_mappings(self, names: Sequence[str]) -> list[TableMapping | None]:
        found = {m.name: m for m in await self._reads.mappings.all()}
        return [found.get(n) for n in names]

    async def _load_figures(self, names: Sequence[str]) -> list[CouplingFigures]:
        found = await self._reads.couplings.figures(names)
        return [found[n] for n in names]

    async def _load_last_jobs(self, names: Sequence[str]) -> list[SyncJob | None]:
        found = await self._reads.jobs.latest(names)
        return [found.get(n) for n in names]

    async def _load_couplings(self, erp_ids: Sequence[UUID]) -> list[Coupling | None]:
        found = await self._reads.couplings.by_erp_ids(erp_ids)
        return [found.get(i) for i in erp_ids]

    def children(self, spec: TableSpec, parent_field: str) -> DataLoader[str, list[ErpRecord]]:
        key = (spec.name, parent_field)
        if key not in self._children:

            async def load(parent_keys: Sequence[str]) -> list[list[ErpRecord]]:
                grouped = await self._reads.erp.children_of(spec, parent_field, parent_keys)
                return [grouped.get(k, []) for k in parent_keys]

            self._children[key] = DataLoader(load)
        return self._children[key]

    async def _load_inventory(self, item_nos: Sequence[str]) -> list[Decimal]:
        found = await self._reads.erp.inventory(item_nos)
        return [found[no] for no in item_nos]
