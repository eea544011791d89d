"""The CRM → ERP pass.

Candidates: the rows the job names, or failed couplings and merges left by the
ERP pass (retries) followed by rows modified since the CRM watermark (with a
1-second overlap, as Dataverse's modifiedon has whole seconds). Rows last
modified by the integration user are not read back (no echo). ERP writes go
through the Financials service, so every rule of a user's write holds; each
record is written in its own savepoint inside the page's transaction, with its
coupling, so a refused record costs only itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.couplings.model import Coupling, Side
from domain.couplings.ports import DuplicateCouplingError
from domain.crm import CrmRow
from domain.errors import ValidationFailed
from domain.filters import fields_of, matches, parse
from domain.financials.numbering import next_key
from domain.financials.records import ErpRecord, Tombstone
from domain.financials.service import FinancialsService
from domain.financials.tables import table
from domain.jobs.model import ErrorClass, Outcome
from domain.mappings.model import DeletionConflictResolution, SyncDirection
from domain.sync.context import SyncContext
from domain.sync.decisions import decide
from domain.sync.deletions import erp_deleted_message
from domain.sync.documents import (
    LineTranslations,
    child_mappings,
    document_lines,
    read_lines,
    translate_lines,
)
from domain.sync.fields import (
    Translations,
    Unresolved,
    crm_to_erp,
    erp_to_crm,
    translations_to_crm,
    translations_to_erp,
)
from domain.sync.ledger import Ledger, RecordRef
from domain.sync.page import Page
from domain.sync.values import canonical
from domain.uow import UnitOfWork

CRM_OVERLAP = timedelta(seconds=1)
RETRY_LIMIT = 5000
PAGE = 500


def _select(sc: SyncContext) -> list[str]:
    """The mapped attributes, and those the CRM filter tests (to check named rows)."""
    names = {f.crm_attribute for f in sc.mapping.fields if f.enabled and f.crm_attribute}
    if sc.mapping.crm_filter:
        for name in fields_of(parse(sc.mapping.crm_filter)):
            names.add(name[1:-6] if name.startswith("_") and name.endswith("_value") else name)
    return sorted(names)


async def run_from_crm(sc: SyncContext) -> None:
    mapping = sc.mapping
    if mapping.is_option_mapping:
        return
    select = _select(sc)
    if sc.params.explicit:
        rows = await sc.crm.get_many(mapping.crm_entity, list(sc.params.crm_ids), select)
        for start in range(0, len(rows), PAGE):
            await _page(sc, rows[start : start + PAGE], forced=True)
        return
    async with sc.job.uow() as uow:
        retry = await uow.couplings.retry_candidates(mapping.name, SyncDirection.FROM_CRM, limit=RETRY_LIMIT)
    done: set[UUID] = set()
    retry_ids = [c.crm_id for c in retry if c.crm_id is not None]
    for start in range(0, len(retry_ids), PAGE):
        rows = await sc.crm.get_many(mapping.crm_entity, retry_ids[start : start + PAGE], select)
        await _page(sc, rows, forced=False)
        done.update(r.id for r in rows)
    watermark = mapping.crm_watermark
    since = None if sc.params.full or watermark is None else watermark - CRM_OVERLAP
    newest = watermark
    async for page in sc.crm.changed_since(mapping.crm_entity, since, select=select, filter=_filter(sc)):
        fresh = [
            r for r in page if r.id not in done and (r.modified_on is None or r.modified_on <= sc.started)
        ]
        await _page(sc, fresh, forced=False)
        for row in fresh:
            if row.modified_on is not None and (newest is None or row.modified_on > newest):
                newest = row.modified_on
    async with sc.job.uow() as uow:
        await uow.mappings.set_watermarks(
            mapping.name, erp=None, crm=min(newest, sc.started) if newest else None
        )


def _filter(sc: SyncContext) -> str | None:
    parts = [f"({sc.mapping.crm_filter})"] if sc.mapping.crm_filter else []
    if sc.integration_user is not None and not sc.params.full:
        parts.append(f"_modifiedby_value ne {sc.integration_user}")
    return " and ".join(parts) or None


@dataclass(frozen=True, slots=True)
class _Documents:
    """A document page's CRM lines (by document) and their translated lookups."""

    lines: dict[UUID, list[CrmRow]]
    translations: LineTranslations


async def _page(sc: SyncContext, rows: Sequence[CrmRow], *, forced: bool) -> None:
    if not rows:
        return
    mapping, spec = sc.mapping, table(sc.mapping.erp_table)
    crm_filter = parse(mapping.crm_filter) if mapping.crm_filter and forced else None
    ledger = Ledger(sc)
    children = child_mappings(mapping, sc.mappings)
    lines = await read_lines(sc.crm, children[0], [r.id for r in rows]) if children else {}
    async with sc.job.uow() as uow:
        documents = (
            _Documents(
                lines,
                await translate_lines(
                    uow, children[0], sc.mappings, [line for doc in lines.values() for line in doc], sc.lcy
                ),
            )
            if children
            else None
        )
        couplings = await uow.couplings.in_mapping_by_crm(mapping.name, [r.id for r in rows])
        records = {
            r.id: r for r in await uow.erp.get_many(spec, "id", [c.erp_id for c in couplings.values()])
        }
        missing = [c.erp_id for c in couplings.values() if c.erp_id not in records]
        deleted = await uow.erp.tombstones_of(spec.name, missing) if missing else {}
        uncoupled = [r.id for r in rows if r.id not in couplings]
        left = (
            await uow.couplings.deleted_counterparts(mapping.name, Side.CRM, uncoupled)
            if uncoupled and sc.creates
            else set()
        )
        page = _FromCrmPage(
            sc,
            spec,
            ledger,
            forced,
            uow=uow,
            service=FinancialsService(uow.erp, sc.job.clock, sc.job.ids),
            to_erp=await translations_to_erp(uow, mapping, sc.mappings, rows, sc.lcy),
            to_crm=await translations_to_crm(uow, mapping, sc.mappings, list(records.values()), sc.lcy),
            documents=documents,
        )
        for row in rows:
            if crm_filter is not None and not matches(crm_filter, row.attributes):
                continue
            coupling = couplings.get(row.id)
            if page.skips(coupling):
                ledger.count(Outcome.SKIPPED, coupling)
                continue
            record = records.get(coupling.erp_id) if coupling else None
            restore: Tombstone | None = None
            if coupling is not None and record is None:
                restore = deleted.get(coupling.erp_id)
                if not page.erp_record_gone(coupling, row, restore):
                    continue
            if coupling is None and sc.creates and row.id not in left and not sc.params.full:
                coupling, record = await page.find_erp_counterpart(row)
                if coupling is None and record is not None:
                    continue  # several ERP records match: refused, nothing created
            if coupling is not None and record is not None:
                await page.update(row, coupling, record)
            elif coupling is not None or (sc.creates and row.id not in left):
                await page.insert(row, coupling, restore)
        await ledger.write(uow)
    await ledger.done()


@dataclass
class _FromCrmPage(Page):
    """One page of the CRM → ERP pass, in the page's transaction: its lookups
    translated both ways, the numbers it gave, the ERP records it coupled."""

    uow: UnitOfWork
    service: FinancialsService
    to_erp: Translations  # the rows' lookups, for the values written to the ERP
    to_crm: Translations  # the coupled records' lookups, for their current values
    documents: _Documents | None = None
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
