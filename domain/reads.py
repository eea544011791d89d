"""The read models the API serves from: one narrow port per feature, built once
by the composition root (resolvers read through these, never through a session)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.couplings.reads import CouplingReads
from domain.financials.reads import ErpReads
from domain.fullsync.reads import FullSyncReads
from domain.jobs.reads import JobReads
from domain.mappings.reads import MappingReads
from domain.sales_line_reads import SalesLineReads


@dataclass(frozen=True)
class ReadModels:
    """Every read port the API uses."""

    jobs: JobReads
    couplings: CouplingReads
    erp: ErpReads
    mappings: MappingReads
    full_sync: FullSyncReads
    sales_lines: SalesLineReads
