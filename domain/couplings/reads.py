"""What the API reads about couplings: pages, one coupling, a coupling's history
and each mapping's figures."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.couplings.model import Coupling, OutcomeEntry
from domain.couplings.ports import CouplingFigures


@dataclass(frozen=True, slots=True)
class CouplingPage:
    """One page of couplings in id order, with whether more follow and how many match."""

    couplings: list[Coupling]
    has_next: bool
    total: int


class CouplingReads(Protocol):
    """Read-only queries of couplings, each on its own short read."""

    async def page(
        self, *, mapping: str | None, skipped: bool | None, first: int, after: UUID | None
    ) -> CouplingPage:
        """Couplings in id order after the coupling `after`."""

    async def by_erp(self, mapping: str, erp_id: UUID) -> Coupling | None:
        """The coupling of this ERP record in this mapping, or None."""

    async def by_crm(self, mapping: str, crm_id: UUID) -> Coupling | None:
        """The coupling of this CRM row in this mapping, or None."""

    async def by_erp_ids(self, erp_ids: Collection[UUID]) -> dict[UUID, Coupling]:
        """The couplings of these ERP records (in any mapping), by ERP id."""

    async def figures(self, mappings: Sequence[str]) -> dict[str, CouplingFigures]:
        """How many records each mapping has coupled, failed and skipped."""

    async def history(self, coupling_id: UUID, *, first: int, offset: int) -> tuple[list[OutcomeEntry], int]:
        """A slice of a coupling's history, newest first, and how many lines it has."""
