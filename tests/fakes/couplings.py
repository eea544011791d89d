"""In-memory coupling stores: the couplings, parked records, deletion marks, history."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from uuid import UUID

from domain.couplings.model import Coupling, OutcomeEntry, ParkedRecord, Side, SyncResult
from domain.couplings.ports import DuplicateCouplingError
from domain.mappings.model import SyncDirection
from tests.fakes.state import State


class InMemoryCouplingStore:
    def __init__(self, state: State) -> None:
        self._state = state

    def _of(self, mapping: str) -> list[Coupling]:
        return [c for c in self._state.couplings.values() if c.mapping == mapping]

    def _first(self, mapping: str, wanted: object, side: str) -> Coupling | None:
        found = [c for c in self._of(mapping) if getattr(c, side) == wanted]
        return replace(found[0]) if found else None  # a copy: saving is explicit, as in SQL

    async def get(self, coupling_id: UUID) -> Coupling | None:
        found = self._state.couplings.get(coupling_id)
        return None if found is None else replace(found)

    async def by_erp(self, mapping: str, erp_id: UUID) -> Coupling | None:
        return self._first(mapping, erp_id, "erp_id")

    async def by_crm(self, mapping: str, crm_id: UUID) -> Coupling | None:
        return self._first(mapping, crm_id, "crm_id")

    async def by_option(self, mapping: str, value: int) -> Coupling | None:
        return self._first(mapping, value, "crm_option")

    async def in_mapping_by_erp(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, Coupling]:
        wanted = set(erp_ids)
        return {c.erp_id: replace(c) for c in self._of(mapping) if c.erp_id in wanted}

    async def in_mapping_by_crm(self, mapping: str, crm_ids: Collection[UUID]) -> dict[UUID, Coupling]:
        wanted = set(crm_ids)
        return {
            c.crm_id: replace(c) for c in self._of(mapping) if c.crm_id is not None and c.crm_id in wanted
        }

    async def retry_candidates(self, mapping: str, direction: SyncDirection, *, limit: int) -> list[Coupling]:
        def due(c: Coupling) -> bool:
            if direction is SyncDirection.TO_CRM:
                return c.pending or (not c.skipped and c.to_crm.result is SyncResult.FAILURE)
            return not c.skipped and (c.merge_pending or c.from_crm.result is SyncResult.FAILURE)

        return [replace(c) for c in sorted(self._of(mapping), key=lambda c: c.id) if due(c)][:limit]

    async def skipped_of(self, mapping: str) -> list[Coupling]:
        return [replace(c) for c in self._of(mapping) if c.skipped]

    def _clashes(self, coupling: Coupling) -> bool:
        for c in self._of(coupling.mapping):
            if c.id == coupling.id or c.erp_id == coupling.erp_id:
                return True
            if coupling.crm_id is not None and c.crm_id == coupling.crm_id:
                return True
            if coupling.crm_option is not None and c.crm_option == coupling.crm_option:
                return True
        return False

    async def add(self, coupling: Coupling) -> None:
        await self.add_many([coupling])

    async def add_many(self, couplings: Sequence[Coupling]) -> None:
        if any(self._clashes(c) for c in couplings):
            raise DuplicateCouplingError("a side is already coupled")
        for c in couplings:
            self._state.couplings[c.id] = replace(c)
            marks = self._state.deletion_marks
            marks.pop((c.mapping, Side.ERP, c.erp_id), None)
            if c.crm_id is not None:
                marks.pop((c.mapping, Side.CRM, c.crm_id), None)

    async def add_new(self, couplings: Sequence[Coupling]) -> set[UUID]:
        clashed: set[UUID] = set()
        for c in couplings:
            try:
                await self.add_many([c])
            except DuplicateCouplingError:
                clashed.add(c.id)
        return clashed

    async def save(self, coupling: Coupling) -> None:
        await self.save_many([coupling])

    async def save_many(self, couplings: Sequence[Coupling]) -> None:
        for c in couplings:
            if c.id in self._state.couplings:
                self._state.couplings[c.id] = replace(c)

    async def remove(self, coupling_ids: Collection[UUID]) -> int:
        gone = [i for i in coupling_ids if self._state.couplings.pop(i, None) is not None]
        self._state.history = [e for e in self._state.history if e.coupling_id not in set(gone)]
        return len(gone)

    async def page_of_mapping(self, mapping: str, *, limit: int) -> list[Coupling]:
        return [replace(c) for c in sorted(self._of(mapping), key=lambda c: c.id)][:limit]

    async def coupled_erp_ids(self, mapping: str) -> set[UUID]:
        return {c.erp_id for c in self._of(mapping)}

    async def coupled_crm_ids(self, mapping: str) -> set[UUID]:
        return {c.crm_id for c in self._of(mapping) if c.crm_id is not None}

    async def coupled_options(self, mapping: str) -> set[int]:
        return {c.crm_option for c in self._of(mapping) if c.crm_option is not None}

    def _settled(self, mapping: str) -> list[Coupling]:
        return [c for c in self._of(mapping) if not c.pending]  # pending creates are not coupled yet

    async def crm_ids_for(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, UUID]:
        wanted = set(erp_ids)
        return {c.erp_id: c.crm_id for c in self._settled(mapping) if c.erp_id in wanted and c.crm_id}

    async def erp_ids_for(self, mapping: str, crm_ids: Collection[UUID]) -> dict[UUID, UUID]:
        wanted = set(crm_ids)
        return {
            c.crm_id: c.erp_id for c in self._settled(mapping) if c.crm_id is not None and c.crm_id in wanted
        }

    async def options_for(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, int]:
        wanted = set(erp_ids)
        return {
            c.erp_id: c.crm_option
            for c in self._settled(mapping)
            if c.erp_id in wanted and c.crm_option is not None
        }

    async def erp_ids_for_options(self, mapping: str, values: Collection[int]) -> dict[int, UUID]:
        wanted = set(values)
        return {
            c.crm_option: c.erp_id
            for c in self._settled(mapping)
            if c.crm_option is not None and c.crm_option in wanted
        }


class InMemoryParkedRecords:
    def __init__(self, state: State) -> None:
        self._state = state

    async def park(self, records: Sequence[ParkedRecord]) -> None:
        for r in records:
            same = [
                p
                for p in self._state.parked
                if (p.mapping, p.direction, p.record_id, p.waiting_for)
                == (r.mapping, r.direction, r.record_id, r.waiting_for)
            ]
            if not same:
                self._state.parked.append(r)
            elif r.create and not same[0].create:
                self._state.parked[self._state.parked.index(same[0])] = replace(same[0], create=True)

    async def parked_waiting_for(self, mapping: str) -> list[ParkedRecord]:
        return [p for p in self._state.parked if p.waiting_for == mapping]

    async def unpark(self, mapping: str, direction: SyncDirection, record_ids: Collection[UUID]) -> None:
        gone = set(record_ids)
        self._state.parked = [
            p
            for p in self._state.parked
            if not (p.mapping == mapping and p.direction is direction and p.record_id in gone)
        ]


class InMemoryDeletionMarks:
    def __init__(self, state: State) -> None:
        self._state = state

    async def mark_deleted_counterparts(
        self, mapping: str, side: Side, records: Sequence[tuple[UUID, str]]
    ) -> None:
        for record_id, counterpart in records:
            self._state.deletion_marks[(mapping, side, record_id)] = counterpart

    async def deleted_counterparts(self, mapping: str, side: Side, record_ids: Collection[UUID]) -> set[UUID]:
        return {i for i in record_ids if (mapping, side, i) in self._state.deletion_marks}

    async def forget_deleted_counterparts(
        self, mapping: str, side: Side, record_ids: Collection[UUID]
    ) -> None:
        for i in record_ids:
            self._state.deletion_marks.pop((mapping, side, i), None)


class InMemoryOutcomeHistory:
    def __init__(self, state: State) -> None:
        self._state = state

    async def add_history(self, entries: Sequence[OutcomeEntry]) -> None:
        self._state.history.extend(entries)
