"""What one page of a pass works with, built once per page."""

from __future__ import annotations

from dataclasses import dataclass

from domain.couplings.model import Coupling
from domain.financials.tables import TableSpec
from domain.sync.context import SyncContext
from domain.sync.ledger import Ledger


@dataclass
class Page:
    """One page of a pass: the pass's context, the mapping's ERP table (looked up
    once), the page's ledger, and whether the job named these records (`forced`).
    Each direction's page adds its per-page lookups and the steps as methods."""

    sc: SyncContext
    spec: TableSpec
    ledger: Ledger
    forced: bool

    def skips(self, coupling: Coupling | None) -> bool:
        """A skipped coupling is left alone, unless the job names it and forces."""
        return coupling is not None and coupling.skipped and not self.rewrites

    @property
    def rewrites(self) -> bool:
        """Every value is written, the last snapshot ignored (forced, named records)."""
        return self.forced and self.sc.params.force
