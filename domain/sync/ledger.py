"""Outcomes of one page of a pass: coupling bookkeeping, history, counters,
errors, parked records — all written in the page's transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.couplings.model import (
    Coupling,
    MissingPrerequisite,
    OutcomeEntry,
    ParkedRecord,
    Side,
    SyncResult,
)
from domain.jobs.model import ErrorClass, Outcome
from domain.mappings.model import SyncDirection
from domain.sync.context import SyncContext
from domain.sync.fields import Unresolved
from domain.uow import UnitOfWork

SKIP_AFTER = 2  # the same permanent error in this many consecutive runs skips the coupling
SKIPPED_NOTE = (
    "the same error as in the last run: the record is skipped from now on (retrySkippedRecords restores it)"
)


@dataclass(frozen=True, slots=True)
class RecordRef:
    """The record a failure is about: the pass's source record (`record_id`, parked
    when a lookup is missing), both references logged on the job, and the name its
    messages start with."""

    record_id: UUID
    erp_ref: str | None
    crm_ref: str | None
    name: str

    def says(self, reason: object) -> str:
        """A message about the record: its name, then the reason."""
        return f"{self.name}: {reason}"


@dataclass
class Ledger:
    sc: SyncContext
    added: list[Coupling] = field(default_factory=list)
    saved: dict[UUID, Coupling] = field(default_factory=dict)
    removed: list[UUID] = field(default_factory=list)
    history: list[OutcomeEntry] = field(default_factory=list)
    parked: list[ParkedRecord] = field(default_factory=list)
    unparked: list[UUID] = field(default_factory=list)
    newly_coupled: list[UUID] = field(default_factory=list)
    left: dict[Side, list[tuple[UUID, str]]] = field(default_factory=dict)

    @property
    def direction(self) -> SyncDirection:
        return self.sc.direction

    def count(self, outcome: Outcome, coupling: Coupling | None = None, message: str | None = None) -> None:
        self.sc.job.count(outcome)
        self.sc.job.advance()
        if coupling is not None:
            self.history.append(
                OutcomeEntry(
                    coupling.id, self.sc.job.job.id, self.direction, outcome, self.sc.job.clock.now(), message
                )
            )

    def couple(self, coupling: Coupling) -> None:
        self.added.append(coupling)
        self.newly_coupled.append(coupling.erp_id)

    def save(self, coupling: Coupling) -> None:
        if not any(c is coupling for c in self.added):
            self.saved[coupling.id] = coupling

    def uncouple(self, coupling: Coupling, message: str, *, left: Side | None = None) -> None:
        """Remove the coupling. `left`: the side whose record remains after its
        counterpart was deleted; automatic syncs will not create a new one for it."""
        if left is not None:
            record = coupling.erp_id if left is Side.ERP else coupling.crm_id
            if record is not None:
                self.left.setdefault(left, []).append((record, message))
        self.removed.append(coupling.id)
        self.sc.job.count(Outcome.UNCOUPLED)
        self.sc.job.advance()
        self.sc.job.error(
            ErrorClass.PERMANENT, message, erp_ref=str(coupling.erp_id), crm_ref=str(coupling.crm_id)
        )

    def succeeded(
        self,
        coupling: Coupling,
        outcome: Outcome,
        *,
        record_id: UUID,
        snapshot: dict[str, Any],
        erp_modified: Any = None,
        crm_modified: Any = None,
    ) -> None:
        now = self.sc.job.clock.now()
        coupling.side(self.direction).record(SyncResult.SUCCESS, self.sc.job.job.id)
        coupling.snapshot, coupling.last_synced_at, coupling.modified_at = snapshot, now, now
        coupling.erp_modified_at = erp_modified or coupling.erp_modified_at
        coupling.crm_modified_at = crm_modified or coupling.crm_modified_at
        other = coupling.other_side(self.direction)
        settled = coupling.last_error_class == ErrorClass.CONFLICT.value
        if settled and other.failed:
            # A conflict fails both passes; the pass that writes one side's values over
            # the other (resolveConflict, or both sides agreeing again) settles both.
            other.result = SyncResult.SUCCESS
        if not other.failed:
            # The error fields are the coupling's, not this direction's: while the other
            # direction still fails they are its error (and its count towards skipping).
            coupling.last_error = coupling.last_error_class = coupling.last_error_at = None
            coupling.repeated_failures, coupling.missing_prerequisites = 0, []
        coupling.conflict = None
        self.save(coupling)
        self.unparked.append(record_id)
        self.count(outcome, coupling)

    def failed(
        self,
        ref: RecordRef,
        coupling: Coupling | None,
        error_class: ErrorClass,
        message: str,
        *,
        detail: str | None = None,
        missing: list[Unresolved] | None = None,
        conflict: dict[str, Any] | None = None,
    ) -> None:
        """The one way a pass fails a record: log the failure on the job and the
        coupling; the same permanent error twice in a row marks the coupling skipped
        (counted failed in this run, as BC does, and said so in the job's error; later
        runs count it skipped); a missing coupling parks the record."""
        repeated = coupling is not None and _repeated(coupling, error_class, message)
        failures = coupling.repeated_failures + 1 if coupling is not None and repeated else 1
        skips = (
            coupling is not None
            and not coupling.skipped
            and error_class is ErrorClass.PERMANENT
            and failures >= SKIP_AFTER
        )
        self.sc.job.error(
            error_class,
            f"{message}; {SKIPPED_NOTE}" if skips else message,
            erp_ref=ref.erp_ref,
            crm_ref=ref.crm_ref,
            detail=detail,
        )
        for problem in missing or []:
            self.parked.append(
                ParkedRecord(
                    self.sc.mapping.name,
                    self.direction,
                    ref.record_id,
                    problem.mapping,
                    problem.key,
                    create=coupling is None and self.sc.creates,
                )
            )
        if coupling is None:
            self.count(Outcome.FAILED)
            return
        now = self.sc.job.clock.now()
        coupling.repeated_failures = failures
        if skips:
            coupling.skipped = True
        coupling.side(self.direction).record(SyncResult.FAILURE, self.sc.job.job.id)
        coupling.last_error, coupling.last_error_class, coupling.last_error_at = (
            message,
            error_class.value,
            now,
        )
        coupling.modified_at = now
        if conflict is not None:
            coupling.conflict = conflict
        if missing:  # what a UI shows to couple first, next to the error naming it
            coupling.missing_prerequisites = list(
                dict.fromkeys(MissingPrerequisite(p.mapping, p.field, p.key) for p in missing)
            )
        self.save(coupling)
        self.count(Outcome.FAILED, coupling, f"{message}; {SKIPPED_NOTE}" if skips else message)

    def unresolved(self, ref: RecordRef, coupling: Coupling | None, problems: list[Unresolved]) -> None:
        """Lookups not coupled yet: the record is parked until they are."""
        self.failed(
            ref, coupling, ErrorClass.DEPENDENCY, ref.says(unresolved_message(problems)), missing=problems
        )

    async def write(self, uow: UnitOfWork) -> None:
        """Write the page's bookkeeping in the caller's unit of work."""
        await uow.couplings.add_many(self.added)
        await uow.couplings.save_many(list(self.saved.values()))
        if self.removed:
            await uow.couplings.remove(self.removed)
        for side, records in self.left.items():
            await uow.deletion_marks.mark_deleted_counterparts(self.sc.mapping.name, side, records)
        await uow.history.add_history(self.history)
        if self.parked:
            await uow.parked.park(self.parked)
        if self.unparked:
            await uow.parked.unpark(self.sc.mapping.name, self.direction, self.unparked)

    async def done(self) -> None:
        """After the commit: note new couplings (records parked for them are released
        when the pass ends), save progress."""
        if self.newly_coupled:
            self.sc.coupled_now.add(self.sc.mapping.name)
            self.sc.coupled_erp_ids.extend(self.newly_coupled)
        await self.sc.job.checkpoint()


def _repeated(coupling: Coupling, error_class: ErrorClass, message: str) -> bool:
    """The coupling's last failure was this same permanent error."""
    return (
        error_class is ErrorClass.PERMANENT
        and coupling.last_error_class == ErrorClass.PERMANENT.value
        and coupling.last_error == message
    )


def unresolved_message(problems: list[Unresolved]) -> str:
    by_mapping: dict[str, list[str]] = defaultdict(list)
    for p in problems:
        by_mapping[p.mapping].append(f"{p.field} {p.key}")
    return "; ".join(f"{', '.join(v)} must be coupled in {m} first" for m, v in by_mapping.items())
