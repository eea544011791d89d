"""A job = one mapping × one direction × a trigger (DOMAIN.md "Jobs")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from domain.crm import CrmErrorClass
from domain.jobs.params import JobParameters, JobParams, MatchParams, StockParams, SyncParams, UncoupleParams
from domain.jobs.triggers import Trigger
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
    """How a logged failure is treated (DOMAIN.md "Errors are classed").

    Deliberately not merged with `domain.crm.CrmErrorClass`: that one classes a
    failed CRM *call* for the engine (its NOT_FOUND sends a pass to the deletion
    policy, and is never logged as such), this one classes a failure *logged on a
    job and a coupling* (its DEPENDENCY never comes from the CRM: a lookup is not
    coupled yet). They share three names; `ErrorClass.of` is the one translation."""

    TRANSIENT = "TRANSIENT"  # retried with backoff
    DEPENDENCY = "DEPENDENCY"  # a referenced record is not coupled: parked until it is
    CONFLICT = "CONFLICT"  # both sides changed the same field, or the row changed under us
    PERMANENT = "PERMANENT"  # validation: skipped after the same error twice in a row

    @classmethod
    def of(cls, crm: CrmErrorClass | None) -> ErrorClass:
        """How a failed CRM call is logged: a row that is not found is a permanent
        error of the record (unknown: permanent too)."""
        if crm is CrmErrorClass.TRANSIENT:
            return cls.TRANSIENT
        if crm is CrmErrorClass.CONFLICT:
            return cls.CONFLICT
        return cls.PERMANENT


class Outcome(StrEnum):
    """What a job did with one record: the one outcome vocabulary of the sync. Each
    member is a line of a coupling's history (GraphQL `SyncOutcome`, the DB's
    `outcome` column: the value) and names one of a job's counters (`counter`: the
    counter's column and event field)."""

    INSERTED = "INSERTED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"
    UNCHANGED = "UNCHANGED"
    SKIPPED = "SKIPPED"
    FAILED = "FAILED"
    COUPLED = "COUPLED"
    UNCOUPLED = "UNCOUPLED"

    @property
    def counter(self) -> str:
        """The counter's name at the edges (DB column, event field)."""
        return self.value.lower()


P = TypeVar("P", bound=JobParams)

PARAMS_OF: Mapping[JobKind, type[JobParameters]] = {
    JobKind.SYNC: SyncParams,
    JobKind.MATCH: MatchParams,
    JobKind.UNCOUPLE: UncoupleParams,
    JobKind.STOCK: StockParams,
}


def params_from_json(kind: JobKind, data: Mapping[str, Any] | None) -> JobParameters:
    """A job's parameters from their stored JSON (`as_json()` is the way back)."""
    return PARAMS_OF[kind].of_json(data or {})


@dataclass
class SyncJob:
    id: UUID
    kind: JobKind
    trigger: Trigger
    queued_at: datetime
    mapping: str | None = None
    direction: SyncDirection | None = None
    status: JobStatus = JobStatus.QUEUED
    params: JobParameters = field(default_factory=SyncParams)  # the kind's own class (__post_init__)
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

    def __post_init__(self) -> None:
        self.trigger = Trigger(self.trigger)  # a known trigger: its value is stored and shown
        expected = PARAMS_OF[self.kind]
        if isinstance(self.params, expected):
            return
        if self.params != SyncParams():  # given, but another kind's
            raise TypeError(f"a {self.kind} job takes {expected.__name__}, not {type(self.params).__name__}")
        self.params = expected()  # not given: the kind's defaults

    def params_as(self, expected: type[P]) -> P:
        """The job's parameters, which its handler expects to be of this class."""
        if not isinstance(self.params, expected):
            raise TypeError(f"a {self.kind} job takes {expected.__name__}, not {type(self.params).__name__}")
        return self.params

    def count(self, outcome: Outcome, by: int = 1) -> None:
        """Add `by` records to the outcome's counter."""
        match outcome:
            case Outcome.INSERTED:
                self.inserted += by
            case Outcome.MODIFIED:
                self.modified += by
            case Outcome.DELETED:
                self.deleted += by
            case Outcome.UNCHANGED:
                self.unchanged += by
            case Outcome.SKIPPED:
                self.skipped += by
            case Outcome.FAILED:
                self.failed += by
            case Outcome.COUPLED:
                self.coupled += by
            case Outcome.UNCOUPLED:
                self.uncoupled += by

    def counts(self) -> dict[Outcome, int]:
        """Every counter, by outcome."""
        return {
            Outcome.INSERTED: self.inserted,
            Outcome.MODIFIED: self.modified,
            Outcome.DELETED: self.deleted,
            Outcome.UNCHANGED: self.unchanged,
            Outcome.SKIPPED: self.skipped,
            Outcome.FAILED: self.failed,
            Outcome.COUPLED: self.coupled,
            Outcome.UNCOUPLED: self.uncoupled,
        }


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
    """A match job's verdict on one record (GraphQL `RecordOutcome`), dry runs
    included: a finer question than `Outcome` (what a match would do, and why it
    did not), so it stays its own vocabulary; what the job did is counted with
    `Outcome` (COUPLED, FAILED)."""

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
