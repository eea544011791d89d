"""One page of the CRM → ERP pass: how each CRM row becomes an ERP record (a new
one, the deleted one restored, or the coupled one updated), in the page's
transaction, each record with its coupling in its own savepoint."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from domain.couplings.model import Coupling, Side
from domain.couplings.ports import DuplicateCouplingError
from domain.crm import CrmRow
from domain.errors import ValidationFailed
from domain.financials.numbering import next_key
from domain.financials.records import ErpRecord, Tombstone
from domain.financials.service import FinancialsService
from domain.jobs.model import ErrorClass, Outcome
from domain.mappings.model import DeletionConflictResolution, SyncDirection
from domain.sync.decisions import decide
from domain.sync.deletions import erp_deleted_message
from domain.sync.documents import LineTranslations, document_lines
from domain.sync.fields import Translations, Unresolved, crm_to_erp, erp_to_crm
from domain.sync.ledger import RecordRef
from domain.sync.page import Page
from domain.sync.values import canonical
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Documents:
    """A document page's CRM lines (by document) and their translated lookups."""

    lines: dict[UUID, list[CrmRow]]
    translations: LineTranslations


@dataclass
class FromCrmPage(Page):
    """One page of the CRM → ERP pass, in the page's transaction: its lookups
    translated both ways, the numbers it gave, the ERP records it coupled."""

    uow: UnitOfWork
    service: FinancialsService
    to_erp: Translations  # the rows' lookups, for the values written to the ERP
    to_crm: Translations  # the coupled records' lookups, for their current values
    documents: Documents | None = None
    highest: dict[str, str | None] = field(default_factory=dict)  # the last key given, by number series
    taken: set[UUID] = field(default_factory=set)  # ERP records coupled by a match in this page

    def ref(self, row: CrmRow, record: ErpRecord | None = None) -> RecordRef:
        """The row, named by its coupled record when it has one."""
        if record is None:
            return RecordRef(row.id, None, str(row.id), f"{self.sc.mapping.crm_entity} {row.id}")
        key = self.spec.key_of(record.values)
        return RecordRef(row.id, key, str(row.id), f"{self.spec.label} {key}")

    def incoming_values(self, row: CrmRow) -> dict[str, object]:
        return {
            f.crm_attribute: row.get(f.crm_attribute)
            for f in self.sc.mapping.fields_for(SyncDirection.FROM_CRM)
            if f.crm_attribute and not f.is_constant
        }

    def erp_changes(
        self, attributes: dict[str, object], row: CrmRow, *, with_constants: bool
    ) -> tuple[dict[str, object], list[Unresolved]]:
        """The ERP fields to set for these CRM attributes (and constants, for a new record)."""
        sc = self.sc
        changes: dict[str, object] = {}
        problems: list[Unresolved] = []
        for fm in sc.mapping.fields_for(SyncDirection.FROM_CRM):
            if fm.erp_field is None or (fm.is_constant and not with_constants):
                continue
            if not fm.is_constant and fm.crm_attribute not in attributes:
                continue
            value = crm_to_erp(
                fm,
                row.get(fm.crm_attribute) if fm.crm_attribute else None,
                sc.mappings,
                self.to_erp,
                self.spec,
            )
            if isinstance(value, Unresolved):
                if not fm.clear_on_failed_lookup:
                    problems.append(value)
                    continue
                value = None
            changes[fm.erp_field] = value
        return changes, problems

    async def find_erp_counterpart(self, row: CrmRow) -> tuple[Coupling | None, ErpRecord | None]:
        """Find before create, ERP side: the one uncoupled ERP record the mapping's match
        criteria find for this CRM row is coupled to it now (the row's values are then
        written to it like any coupled pair's); several refuse the create (a record
        but no coupling is returned); none, and (None, None): create it. Compared
        exactly (ERP codes are upper-case already). Full passes skip this: their line
        matched first, or one side was empty."""
        sc, spec, uow = self.sc, self.spec, self.uow
        groups: dict[int, list[str]] = {}
        for fm in sc.mapping.match_fields():
            if fm.erp_field and fm.crm_attribute and not fm.is_constant:
                groups.setdefault(fm.match_priority, []).append(fm.erp_field)
        if not groups:
            return None, None
        values, problems = self.erp_changes(self.incoming_values(row), row, with_constants=False)
        ambiguous: list[ErpRecord] = []
        for _, fields in sorted(groups.items()):
            criteria = {f: values.get(f) for f in fields}
            if any(v is None or v == "" for v in criteria.values()):
                continue
            found = [r for r in await uow.erp.find(spec, criteria) if r.id not in self.taken]
            coupled = await uow.couplings.in_mapping_by_erp(sc.mapping.name, [r.id for r in found])
            free = [r for r in found if r.id not in coupled]
            if len(free) == 1:
                record = free[0]
                coupling = sc.new_coupling(record.id, row.id)
                try:
                    async with uow.savepoint():
                        await uow.couplings.add(coupling)
                except DuplicateCouplingError:  # coupled meanwhile (by hand): the next pass syncs it
                    return None, record
                self.taken.add(record.id)
                sc.job.count(Outcome.COUPLED)
                self.ledger.newly_coupled.append(record.id)
                return coupling, record
            if len(free) > 1 and not ambiguous:
                ambiguous = free
        if ambiguous:
            ref = self.ref(row)
            self.ledger.failed(
                ref,
                None,
                ErrorClass.PERMANENT,
                ref.says(
                    f"{len(ambiguous)} uncoupled ERP records match it "
                    f"({', '.join(spec.key_of(r.values) for r in ambiguous[:5])}); couple it by hand "
                    "(nothing was created)"
                ),
            )
            return None, ambiguous[0]
        return None, None

    async def insert(self, row: CrmRow, coupling: Coupling | None, restore: Tombstone | None = None) -> None:
        """A new ERP record from the CRM row (numbered from the mapping's series), or
        the deleted record restored under its own key (`restore`)."""
        sc, spec, uow, ledger = self.sc, self.spec, self.uow, self.ledger
        ref = self.ref(row)
        incoming = self.incoming_values(row)
        values, problems = self.erp_changes(incoming, row, with_constants=True)
        if restore is not None:
            values.update(zip(spec.key, restore.key.split("|"), strict=False))
        children: dict[str, list[dict[str, object]]] | None = None
        if self.documents is not None:
            documents = self.documents
            doc = document_lines(documents.lines.get(row.id, []), documents.translations, sc.mappings)
            if doc.refused is not None:
                ledger.failed(ref, coupling, ErrorClass.PERMANENT, ref.says(doc.refused))
                return
            problems = problems + doc.missing
            (name,) = [c.name for c in spec.children if c.table == documents.translations.child.erp_table]
            children = {name: doc.lines}
        if problems:
            ledger.unresolved(ref, coupling, problems)
            return
        if values.get(spec.key_field) is None:
            prefix = sc.mapping.number_series or ""
            if prefix not in self.highest:
                self.highest[prefix] = await uow.erp.highest_key(spec, prefix)
            self.highest[prefix] = next_key(prefix, self.highest[prefix])
            values[spec.key_field] = self.highest[prefix]
        try:
            async with uow.savepoint():  # the record and its coupling, or neither
                record = await self.service.upsert(spec.name, values, children)
                if coupling is None:
                    coupling = sc.new_coupling(record.id, row.id)
                    await uow.couplings.add(coupling)
                else:
                    coupling.erp_id = record.id
        except ValidationFailed as failed:
            ledger.failed(
                replace(ref, erp_ref=str(values.get(spec.key_field))),
                coupling,
                ErrorClass.PERMANENT,
                ref.says(failed),
            )
            return
        except DuplicateCouplingError:  # the row was coupled meanwhile (by hand): the next pass syncs it
            return
        snapshot = {name: canonical(value) for name, value in incoming.items()}
        ledger.newly_coupled.append(record.id)
        ledger.succeeded(
            coupling,
            Outcome.INSERTED,
            record_id=row.id,
            snapshot=snapshot,
            erp_modified=record.modified_at,
            crm_modified=row.modified_on,
        )

    async def update(self, row: CrmRow, coupling: Coupling, record: ErpRecord) -> None:
        sc, spec, ledger = self.sc, self.spec, self.ledger
        ref = self.ref(row, record)
        incoming = self.incoming_values(row)
        current: dict[str, Any] = {}
        for fm in sc.mapping.fields_for(SyncDirection.FROM_CRM):
            if fm.crm_attribute in incoming:
                value = erp_to_crm(fm, record, sc.mappings, self.to_crm)
                current[fm.crm_attribute] = None if isinstance(value, Unresolved) else value
        snapshot = None if self.rewrites else coupling.snapshot
        decision = decide(incoming, current, snapshot, sc.shared, sc.winner, "crm", "erp")
        coupling.merge_pending = False
        if decision.conflicts:
            ledger.failed(
                ref,
                coupling,
                ErrorClass.CONFLICT,
                ref.says(f"changed on both sides ({', '.join(sorted(decision.conflicts))})"),
                conflict={
                    k: {"erp": v["erp"], "crm": v["crm"], "lastSynced": v["lastSynced"]}
                    for k, v in decision.conflicts.items()
                },
            )
            return
        if not decision.write:
            ledger.succeeded(
                coupling,
                Outcome.UNCHANGED,
                record_id=row.id,
                snapshot=decision.snapshot,
                crm_modified=row.modified_on,
            )
            return
        changes, problems = self.erp_changes(decision.write, row, with_constants=False)
        if problems:
            ledger.unresolved(ref, coupling, problems)
            return
        try:
            async with self.uow.savepoint():
                written = await self.service.upsert(
                    spec.name, {**{k: record[k] for k in spec.key}, **changes}
                )
        except ValidationFailed as failed:
            ledger.failed(ref, coupling, ErrorClass.PERMANENT, ref.says(failed))
            return
        ledger.succeeded(
            coupling,
            Outcome.MODIFIED,
            record_id=row.id,
            snapshot=decision.snapshot,
            erp_modified=written.modified_at,
            crm_modified=row.modified_on,
        )

    def erp_record_gone(self, coupling: Coupling, row: CrmRow, tombstone: Tombstone | None) -> bool:
        """The coupled ERP record was deleted: apply the deletion-conflict resolution.
        True when it is to be restored (under its own key, when its tombstone says it)."""
        policy = self.sc.mapping.deletion_conflict_resolution
        key = tombstone.key if tombstone is not None else str(coupling.erp_id)
        label = self.spec.label
        if policy is DeletionConflictResolution.REMOVE_COUPLING:
            self.ledger.uncouple(
                coupling,
                f"{label} {key} was deleted in the ERP; the CRM row is kept and uncoupled",
                left=Side.CRM,
            )
            return False
        if policy is DeletionConflictResolution.RESTORE_RECORD:
            return True
        self.ledger.failed(
            RecordRef(row.id, key, str(row.id), f"{label} {key}"),
            coupling,
            ErrorClass.PERMANENT,
            erp_deleted_message(label, key),
        )
        return False
