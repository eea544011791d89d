"""Where couplings and what hangs off them are kept, one port per use: the couplings
themselves, records parked until a prerequisite is coupled, marks of deleted
counterparts, the outcome history, and the figures the API shows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.couplings.model import Coupling, OutcomeEntry, ParkedRecord, Side
from domain.mappings.model import SyncDirection


class DuplicateCouplingError(Exception):
    """A coupling with that ERP id, CRM id or option already exists in the mapping."""


@dataclass(frozen=True, slots=True)
class CouplingFigures:
    coupled: int = 0
    failed: int = 0
    skipped: int = 0


class CouplingStore(Protocol):
    """The couplings themselves: which ERP record is which CRM row (or option) in a
    table mapping, found by either side, added, saved and removed."""

    async def get(self, coupling_id: UUID) -> Coupling | None: ...

    async def by_erp(self, mapping: str, erp_id: UUID) -> Coupling | None: ...

    async def by_crm(self, mapping: str, crm_id: UUID) -> Coupling | None: ...

    async def by_option(self, mapping: str, value: int) -> Coupling | None: ...

    async def in_mapping_by_erp(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, Coupling]: ...

    async def in_mapping_by_crm(self, mapping: str, crm_ids: Collection[UUID]) -> dict[UUID, Coupling]: ...

    async def retry_candidates(self, mapping: str, direction: SyncDirection, *, limit: int) -> list[Coupling]:
        """Couplings a pass must revisit whatever changed: creates in flight (to CRM),
        failures that are not skipped, and merges left for the CRM pass."""

    async def skipped_of(self, mapping: str) -> list[Coupling]: ...

    async def add(self, coupling: Coupling) -> None:
        """Insert; raises DuplicateCouplingError when either side is already coupled."""

    async def add_many(self, couplings: Sequence[Coupling]) -> None:
        """Insert many; raises DuplicateCouplingError (and inserts none) on a clash.
        A coupled record's deleted-counterpart mark is forgotten."""

    async def add_new(self, couplings: Sequence[Coupling]) -> set[UUID]:
        """Insert those that clash with no existing coupling; the ids of the others
        (a side was coupled meanwhile, e.g. by hand)."""

    async def save(self, coupling: Coupling) -> None: ...

    async def save_many(self, couplings: Sequence[Coupling]) -> None: ...

    async def remove(self, coupling_ids: Collection[UUID]) -> int:
        """Delete these couplings (and their history); how many there were."""

    async def page_of_mapping(self, mapping: str, *, limit: int) -> list[Coupling]:
        """Some couplings of a mapping (for removing a whole mapping page by page)."""

    async def coupled_erp_ids(self, mapping: str) -> set[UUID]: ...

    async def coupled_crm_ids(self, mapping: str) -> set[UUID]: ...

    async def coupled_options(self, mapping: str) -> set[int]: ...

    async def crm_ids_for(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, UUID]:
        """erp id → crm id for those coupled (pending creates excluded)."""

    async def erp_ids_for(self, mapping: str, crm_ids: Collection[UUID]) -> dict[UUID, UUID]: ...

    async def options_for(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, int]: ...

    async def erp_ids_for_options(self, mapping: str, values: Collection[int]) -> dict[int, UUID]: ...


class ParkedRecords(Protocol):
    """Records a pass could not sync yet because a record they refer to (in another
    mapping) is not coupled; released when that mapping's pass couples it."""

    async def park(self, records: Sequence[ParkedRecord]) -> None: ...

    async def parked_waiting_for(self, mapping: str) -> list[ParkedRecord]: ...

    async def unpark(self, mapping: str, direction: SyncDirection, record_ids: Collection[UUID]) -> None: ...


class DeletionMarks(Protocol):
    """Records whose counterpart was deleted (and coupling removed): automatic syncs
    leave them alone until a user asks for a counterpart."""

    async def mark_deleted_counterparts(
        self, mapping: str, side: Side, records: Sequence[tuple[UUID, str]]
    ) -> None:
        """These records' counterparts were deleted and their couplings removed:
        automatic syncs must not create new counterparts for them."""

    async def deleted_counterparts(self, mapping: str, side: Side, record_ids: Collection[UUID]) -> set[UUID]:
        """Which of these records carry a deleted-counterpart mark."""

    async def forget_deleted_counterparts(
        self, mapping: str, side: Side, record_ids: Collection[UUID]
    ) -> None:
        """A user asked for these records' counterparts: the marks go."""


class OutcomeHistory(Protocol):
    """What each sync did to each coupling, newest last (the coupling's history)."""

    async def add_history(self, entries: Sequence[OutcomeEntry]) -> None: ...


class CouplingFigureReader(Protocol):
    """Counts per mapping for the API (coupled, failed, skipped): the read side."""

    async def figures(self, mappings: Sequence[str]) -> dict[str, CouplingFigures]: ...
