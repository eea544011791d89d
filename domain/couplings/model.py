"""A coupling links one ERP record to one CRM row (or option value) in a mapping."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.jobs.model import Outcome
from domain.mappings.model import SyncDirection


class Side(StrEnum):
    """One side of a coupling."""

    ERP = "ERP"
    CRM = "CRM"


class SyncResult(StrEnum):
    """The state one direction of a coupling is in after its last pass (a state,
    not an outcome: what the pass did is an `Outcome`)."""

    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


@dataclass(frozen=True, slots=True)
class MissingPrerequisite:
    """A record this one refers to that is not coupled yet: couple it first."""

    mapping: str
    field: str
    key: str

    def describe(self) -> str:
        return f"{self.field} {self.key} is not coupled in {self.mapping}"


@dataclass
class CouplingSide:
    """One direction of a coupling: the last pass's result and job. The error
    fields stay the coupling's (one error at a time, whichever pass failed)."""

    result: SyncResult | None = None
    job: UUID | None = None

    @property
    def failed(self) -> bool:
        return self.result is SyncResult.FAILURE

    def record(self, result: SyncResult, job: UUID) -> None:
        self.result, self.job = result, job


@dataclass
class Coupling:
    id: UUID
    mapping: str
    erp_id: UUID
    created_at: datetime
    modified_at: datetime
    crm_id: UUID | None = None
    crm_option: int | None = None
    pending: bool = False
    erp_modified_at: datetime | None = None
    crm_modified_at: datetime | None = None
    snapshot: dict[str, Any] | None = None
    to_crm: CouplingSide = field(default_factory=CouplingSide)
    from_crm: CouplingSide = field(default_factory=CouplingSide)
    last_synced_at: datetime | None = None
    skipped: bool = False
    last_error: str | None = None
    last_error_class: str | None = None
    last_error_at: datetime | None = None
    repeated_failures: int = 0
    conflict: dict[str, Any] | None = None
    missing_prerequisites: list[MissingPrerequisite] = field(default_factory=list)
    sync_after: SyncDirection | None = None
    merge_pending: bool = False  # the CRM changed fields the ERP pass left for the CRM pass

    @property
    def failed(self) -> bool:
        return self.to_crm.failed or self.from_crm.failed

    def side(self, direction: SyncDirection) -> CouplingSide:
        """What the last pass in this direction (TO_CRM or FROM_CRM) did with the pair."""
        if direction is SyncDirection.TO_CRM:
            return self.to_crm
        if direction is SyncDirection.FROM_CRM:
            return self.from_crm
        raise ValueError(f"a coupling has no {direction} side")

    def other_side(self, direction: SyncDirection) -> CouplingSide:
        """The side of the pass in the opposite direction."""
        return self.side(
            SyncDirection.FROM_CRM if direction is SyncDirection.TO_CRM else SyncDirection.TO_CRM
        )


@dataclass(frozen=True, slots=True)
class ParkedRecord:
    """A record waiting for the coupling of a record it refers to."""

    mapping: str
    direction: SyncDirection
    record_id: UUID
    waiting_for: str
    key: str
    create: bool = False  # the parking pass would have created the record's counterpart


@dataclass(frozen=True, slots=True)
class OutcomeEntry:
    """One line of a coupling's history."""

    coupling_id: UUID
    job_id: UUID | None
    direction: SyncDirection
    outcome: Outcome
    at: datetime
    message: str | None = None
