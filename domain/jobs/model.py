"""A job = one mapping × one direction × a trigger (DOMAIN.md "Jobs")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.mappings.model import SyncDirection


class JobKind(StrEnum):
    SYNC = "SYNC"  # synchronize a mapping (or some of its records) in one direction
    MATCH = "MATCH"  # match-based coupling
    UNCOUPLE = "UNCOUPLE"  # remove couplings
    STOCK = "STOCK"  # push inventory to product.quantityonhand


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED)


class ErrorClass(StrEnum):
    """How a failure is treated (DOMAIN.md "Errors are classed")."""

    TRANSIENT = "TRANSIENT"  # retried with backoff
    DEPENDENCY = "DEPENDENCY"  # a referenced record is not coupled: parked until it is
    CONFLICT = "CONFLICT"  # both sides changed the same field, or the row changed under us
    PERMANENT = "PERMANENT"  # validation: skipped after the same error twice in a row


COUNTERS = ("inserted", "modified", "deleted", "unchanged", "skipped", "failed", "coupled", "uncoupled")


@dataclass
class SyncJob:
    id: UUID
    kind: JobKind
    trigger: str
    queued_at: datetime
    mapping: str | None = None
    direction: SyncDirection | None = None
    status: JobStatus = JobStatus.QUEUED
    params: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    processed: int = 0
    total: int | None = None
    inserted: int = 0
    modified: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    coupled: int = 0
    uncoupled: int = 0
    message: str | None = None
    cancel_requested: bool = False
    attempts: int = 0
    seq: int = 0

    def count(self, counter: str, by: int = 1) -> None:
        if counter not in COUNTERS:
            raise ValueError(f"unknown counter {counter!r}")
        setattr(self, counter, getattr(self, counter) + by)


@dataclass(frozen=True, slots=True)
class JobError:
    """One failure logged on a job, with both record references."""

    job_id: UUID
    at: datetime
    error_class: ErrorClass
    message: str
    erp_ref: str | None = None
    crm_ref: str | None = None
    detail: str | None = None


class RecordOutcome(StrEnum):
    """What a coupling job did with one record."""

    COUPLED = "COUPLED"
    WOULD_COUPLE = "WOULD_COUPLE"
    AMBIGUOUS = "AMBIGUOUS"
    UNMATCHED = "UNMATCHED"
    WOULD_CREATE = "WOULD_CREATE"
    CREATE = "CREATE"
    UNCOUPLED = "UNCOUPLED"


@dataclass(frozen=True, slots=True)
class JobRecord:
    job_id: UUID
    position: int
    outcome: RecordOutcome
    erp_id: UUID | None = None
    erp_ref: str | None = None
    crm_id: UUID | None = None
    crm_ids: tuple[UUID, ...] = ()
    message: str | None = None
