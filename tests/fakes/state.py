"""What the in-memory stores hold: one `State`, copied for each unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.couplings.model import Coupling, OutcomeEntry, ParkedRecord, Side
from domain.financials.records import ErpRecord, Tombstone
from domain.fullsync.model import ReviewLine
from domain.jobs.model import JobError, JobRecord, SyncJob
from domain.mappings.model import TableMapping


@dataclass
class State:
    """Every store's rows. A unit of work works on a deep copy and puts it back on commit."""

    erp: dict[str, dict[UUID, ErpRecord]] = field(default_factory=dict)  # table → id → record
    tombstones: dict[str, dict[UUID, Tombstone]] = field(default_factory=dict)
    mappings: dict[str, TableMapping] = field(default_factory=dict)
    watermarks: dict[str, tuple[datetime | None, datetime | None]] = field(default_factory=dict)
    couplings: dict[UUID, Coupling] = field(default_factory=dict)
    parked: list[ParkedRecord] = field(default_factory=list)
    deletion_marks: dict[tuple[str, Side, UUID], str] = field(default_factory=dict)  # → counterpart
    history: list[OutcomeEntry] = field(default_factory=list)
    jobs: dict[UUID, SyncJob] = field(default_factory=dict)
    job_errors: list[JobError] = field(default_factory=list)
    job_records: list[JobRecord] = field(default_factory=list)
    lanes: dict[str, UUID] = field(default_factory=dict)
    review: list[ReviewLine] = field(default_factory=list)
    review_version: int = 0
