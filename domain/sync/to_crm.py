"""The ERP → CRM pass (DOMAIN.md "How one record syncs", BC ref §4.1–4.2).

Candidates: the records the job names, or creates in flight and failed couplings
(retries) followed by every record changed since the mapping's ERP watermark
(capped at the job's start, with an overlap for transactions that committed
late). Page by page: lookups translated for the whole page, CRM rows read only
where a conflict is possible (bidirectional mappings), creates written with
UpsertMultiple under client-chosen ids recorded first as pending couplings (so a
retry after a crash re-sends the same ids and never duplicates), updates sent as
one non-atomic $batch of PATCHes each carrying the row's ETag. A few pages are in
flight at once (reading the next while the CRM writes the last), so the bulk
requests overlap without unbounded memory."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import cast
from uuid import UUID

from domain.couplings.model import Coupling, Side
from domain.crm import Attributes, CrmErrorClass, CrmRow, RowChange, Update
from domain.filters import matches, parse
from domain.financials.records import ErpRecord
from domain.financials.tables import TableSpec, table
from domain.jobs.model import ErrorClass, Outcome
from domain.mappings.crm_rules import updatable
from domain.mappings.model import DeletionConflictResolution, SyncDirection
from domain.sync.context import SyncContext
from domain.sync.counterparts import CounterpartFinder
from domain.sync.decisions import decide
from domain.sync.deletions import crm_deleted_message, erp_deleted_message
from domain.sync.fields import Translations, Unresolved, erp_to_crm, plain_to_crm, translations_to_crm
from domain.sync.ledger import Ledger, RecordRef
from domain.sync.page import Page
from domain.sync.values import snapshot_of

PAGE = 1000
PAGES_IN_FLIGHT = 3  # pages being written while the next is read: bounded memory, overlapped waits
ERP_OVERLAP = timedelta(seconds=2)
RETRY_LIMIT = 5000


async def run_to_crm(sc: SyncContext) -> None:
    spec = table(sc.mapping.erp_table)
    if sc.params.explicit:
        for start in range(0, len(sc.params.erp_ids), PAGE):
            async with sc.job.uow() as uow:
                records = await uow.erp.get_many(spec, "id", sc.params.erp_ids[start : start + PAGE])
            await _page(sc, spec, records, forced=True)
        return
    async with sc.job.uow() as uow:
        retry = await uow.couplings.retry_candidates(sc.mapping.name, SyncDirection.TO_CRM, limit=RETRY_LIMIT)
    done: set[UUID] = set()
    gone: list[Coupling] = []
    for start in range(0, len(retry), PAGE):
        chunk = retry[start : start + PAGE]
        async with sc.job.uow() as uow:
            records = await uow.erp.get_many(spec, "id", [c.erp_id for c in chunk])
        await _page(sc, spec, records, forced=False)
        done.update(r.id for r in records)
        gone += [c for c in chunk if c.erp_id not in done]
    watermark = sc.mapping.erp_watermark
    since = None if sc.params.full or watermark is None else watermark - ERP_OVERLAP
    cursor = None
    in_flight: set[asyncio.Task[None]] = set()
    try:
        while True:
            async with sc.job.uow() as uow:
                records = await uow.erp.changed_since(spec, since, sc.started, after=cursor, limit=PAGE)
            if not records:
                break
            cursor = (records[-1].modified_at, records[-1].id)
            in_flight.add(
                asyncio.create_task(_page(sc, spec, [r for r in records if r.id not in done], forced=False))
            )
            if len(in_flight) >= PAGES_IN_FLIGHT:
                finished, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in finished:
                    task.result()
        await asyncio.gather(*in_flight)
    finally:
        for task in in_flight:
            task.cancel()
    await _deleted_sources(sc, spec, since, gone)
    async with sc.job.uow() as uow:
        await uow.mappings.set_watermarks(sc.mapping.name, erp=sc.started, crm=None)


async def _deleted_sources(
    sc: SyncContext, spec: TableSpec, since: object, retried: Sequence[Coupling] = ()
) -> None:
    """ERP records deleted since the watermark (and failed couplings whose record is
    gone): a deleted ERP record never deletes its CRM row. In a mapping that also
    syncs CRM → ERP the deletion policy decides what becomes of the pair, whichever
    pass sees the deletion first, so the record never comes back against it:
    REMOVE_COUPLING removes the coupling and marks the CRM row so no pass creates a
    new ERP record from it; RESTORE_RECORD keeps the coupling and lets the CRM → ERP
    pass restore the record under its number; NONE keeps the coupling and fails it
    (the CRM row stays coupled to a deleted record until a user decides). A
    mapping that only sends to the CRM just removes the coupling."""
    async with sc.job.uow() as uow:
        tombstones = {
            t.record_id: t
            for t in await uow.erp.deleted_since(sc.mapping.erp_table, since, sc.started)  # type: ignore[arg-type]
        }
        if retried:
            tombstones.update(await uow.erp.tombstones_of(sc.mapping.erp_table, [c.erp_id for c in retried]))
        couplings = await uow.couplings.in_mapping_by_erp(sc.mapping.name, list(tombstones))
        ledger = Ledger(sc)
        two_way = sc.mapping.direction.covers(SyncDirection.FROM_CRM)
        policy = sc.mapping.deletion_conflict_resolution
        for record_id, coupling in couplings.items():
            key = tombstones[record_id].key
            if not two_way:
                ledger.uncouple(coupling, f"{spec.label} {key} was deleted in the ERP; the CRM row is kept")
            elif policy is DeletionConflictResolution.REMOVE_COUPLING:
                ledger.uncouple(
                    coupling,
                    f"{spec.label} {key} was deleted in the ERP; the CRM row is kept and uncoupled",
                    left=Side.CRM,
                )
            elif policy is DeletionConflictResolution.RESTORE_RECORD:
                coupling.merge_pending = True  # the CRM → ERP pass restores the record
                ledger.save(coupling)
            elif not coupling.skipped:
                ledger.failed(
                    RecordRef(record_id, key, _crm_ref(coupling), f"{spec.label} {key}"),
                    coupling,
                    ErrorClass.PERMANENT,
                    erp_deleted_message(spec.label, key),
                )
        await ledger.write(uow)


def desired_values(
    sc: SyncContext, record: ErpRecord, tables: Translations
) -> tuple[dict[str, object], list[Unresolved]]:
    """The CRM attributes this pass writes for a record."""
    values: dict[str, object] = {}
    problems: list[Unresolved] = []
    for fm in sc.fields:
        if fm.crm_attribute is None:
            continue
        if fm.transform is None and not fm.is_constant and fm.erp_field is not None:
            value = plain_to_crm(record.values.get(fm.erp_field))  # the common case, kept cheap
        else:
            value = erp_to_crm(fm, record, sc.mappings, tables)
        if isinstance(value, Unresolved):
            if not fm.clear_on_failed_lookup:
                problems.append(value)
                continue
            value = None
        if value is None and fm.not_null:
            continue
        values[fm.crm_attribute] = value
    return values, problems


Pair = tuple[ErpRecord, Coupling, dict[str, object]]  # a record, its coupling, the values to write


async def _page(sc: SyncContext, spec: TableSpec, records: Sequence[ErpRecord], *, forced: bool) -> None:
    if not records:
        return
    mapping = sc.mapping
    async with sc.job.uow() as uow:
        couplings = await uow.couplings.in_mapping_by_erp(mapping.name, [r.id for r in records])
        tables = await translations_to_crm(uow, mapping, sc.mappings, records, sc.lcy)
        uncoupled = [r.id for r in records if r.id not in couplings]
        left = (
            await uow.deletion_marks.deleted_counterparts(mapping.name, Side.ERP, uncoupled)
            if uncoupled and sc.creates
            else set()
        )
    await _ToCrmPage(sc, spec, Ledger(sc), forced, tables).sync(records, couplings, left)


@dataclass
class _ToCrmPage(Page):
    """One page of the ERP → CRM pass, with its records' lookups translated."""

    tables: Translations

    def ref(self, record: ErpRecord, coupling: Coupling | None) -> RecordRef:
        key = self.spec.key_of(record.values)
        return RecordRef(record.id, key, _crm_ref(coupling), f"{self.spec.label} {key}")

    async def sync(
        self, records: Sequence[ErpRecord], couplings: dict[UUID, Coupling], left: set[UUID]
    ) -> None:
        sc, ledger = self.sc, self.ledger
        mapping = sc.mapping
        erp_filter = parse(mapping.erp_filter) if mapping.erp_filter and not sc.params.explicit else None
        new: list[tuple[ErpRecord, dict[str, object]]] = []
        creates: list[Pair] = []
        updates: list[Pair] = []
        for record in records:
            coupling = couplings.get(record.id)
            if erp_filter is not None and not matches(erp_filter, record.values):
                continue
            if self.skips(coupling):
                ledger.count(Outcome.SKIPPED, coupling)
                continue
            if coupling is None and (not sc.creates or record.id in left):
                continue  # only-coupled, or its counterpart was deleted: nothing is created for it
            values, problems = desired_values(sc, record, self.tables)
            if problems:
                ledger.unresolved(self.ref(record, coupling), coupling, problems)
                continue
            if coupling is None:
                new.append((record, values))
            elif coupling.pending:
                creates.append((record, coupling, values))
            else:
                updates.append((record, coupling, values))
        added = await self.couple_or_create(new, creates, updates)
        if added:  # the pending couplings are committed before the CRM sees the ids
            async with sc.job.uow() as uow:
                clashed = await uow.couplings.add_new(added)
            if clashed:  # coupled meanwhile (by hand): the next pass syncs them
                creates[:] = [c for c in creates if c[1].id not in clashed]
                updates[:] = [u for u in updates if u[1].id not in clashed]
                ledger.newly_coupled[:] = [
                    i for i in ledger.newly_coupled if i not in {c.erp_id for c in added if c.id in clashed}
                ]
        await self.create(creates)
        await self.update(updates)
        async with sc.job.uow() as uow:
            await ledger.write(uow)
        await ledger.done()

    async def couple_or_create(
        self, new: list[tuple[ErpRecord, dict[str, object]]], creates: list[Pair], updates: list[Pair]
    ) -> list[Coupling]:
        """Uncoupled records: coupled to the one CRM row their match criteria find (then
        updated like any coupled pair), refused when several rows match, else created
        under a client-chosen id. Returns the couplings to add."""
        if not new:
            return []
        sc = self.sc
        if sc.finder is None:
            sc.finder = CounterpartFinder.of(sc) or False
        found = await sc.finder.find([(r.id, v) for r, v in new]) if sc.finder else {}
        added: list[Coupling] = []
        for record, values in new:
            match = found.get(record.id)
            if match is not None and match.ambiguous:
                ref = self.ref(record, None)
                self.ledger.failed(
                    ref,
                    None,
                    ErrorClass.PERMANENT,
                    ref.says(
                        f"{len(match.ambiguous)} uncoupled CRM rows match it; "
                        "couple it by hand (nothing was created)"
                    ),
                )
                continue
            crm_id = match.crm_id if match is not None and match.crm_id is not None else sc.job.ids.new_id()
            coupling = sc.new_coupling(record.id, crm_id, pending=match is None)
            self.ledger.newly_coupled.append(record.id)
            added.append(coupling)
            if match is None:
                creates.append((record, coupling, values))
            else:
                sc.job.count(Outcome.COUPLED)
                updates.append((record, coupling, values))
        return added

    async def create(self, creates: list[Pair]) -> None:
        if not creates:
            return
        sc, ledger = self.sc, self.ledger
        rows = [
            RowChange(c.crm_id, cast(Attributes, values)) for _, c, values in creates if c.crm_id is not None
        ]
        result = await sc.crm.upsert_multiple(sc.mapping.crm_entity, rows)
        failures = {f.index: f.error for f in result.failures}
        for index, (record, coupling, values) in enumerate(creates):
            error = failures.get(index)
            if error is None:
                coupling.pending = False
                ledger.newly_coupled.append(record.id)
                ledger.succeeded(
                    coupling,
                    Outcome.INSERTED,
                    record_id=record.id,
                    snapshot=snapshot_of(values),
                    erp_modified=record.modified_at,
                )
            elif (
                error.error_class is not CrmErrorClass.TRANSIENT
            ):  # a refused create leaves no coupling behind
                ledger.removed.append(coupling.id)
                ref = self.ref(record, None)
                ledger.failed(ref, None, ErrorClass.of(error.error_class), ref.says(error))
            else:
                ref = self.ref(record, coupling)
                ledger.failed(ref, coupling, ErrorClass.TRANSIENT, ref.says(error))

    async def update(self, updates: list[Pair]) -> None:
        if not updates:
            return
        sc, ledger = self.sc, self.ledger
        mapping = sc.mapping
        rows: dict[UUID, CrmRow] | None = None
        # Read the CRM rows where a conflict is possible (bidirectional), where every value
        # is to be written (forced), and for pairs never synced (only what differs is sent).
        never_synced = any(c.snapshot is None for _, c, _ in updates)
        if mapping.direction is SyncDirection.BIDIRECTIONAL or sc.params.force or never_synced:
            attributes = sorted({a for _, _, values in updates for a in values})
            found = await sc.crm.get_many(
                mapping.crm_entity, [c.crm_id for _, c, _ in updates if c.crm_id], attributes
            )
            rows = {row.id: row for row in found}
        operations: list[Update] = []
        pending: list[tuple[ErpRecord, Coupling, dict[str, object], dict[str, object]]] = []
        restores: list[Pair] = []
        for record, coupling, values in updates:
            row = rows.get(coupling.crm_id) if rows is not None and coupling.crm_id else None
            if rows is not None and row is None:
                if self.counterpart_gone(record, coupling):
                    restores.append((record, coupling, values))
                continue
            snapshot = None if self.rewrites else coupling.snapshot
            decision = decide(
                values, dict(row.attributes) if row else None, snapshot, sc.shared, sc.winner, "erp", "crm"
            )
            coupling.merge_pending = coupling.merge_pending or bool(decision.other_side)
            writable = updatable(mapping.crm_entity, decision.write)
            if decision.conflicts:
                ref = self.ref(record, coupling)
                ledger.failed(
                    ref,
                    coupling,
                    ErrorClass.CONFLICT,
                    ref.says(f"changed on both sides ({', '.join(sorted(decision.conflicts))})"),
                    conflict=decision.conflicts,
                )
            elif not writable:
                ledger.succeeded(
                    coupling,
                    Outcome.UNCHANGED,
                    record_id=record.id,
                    snapshot=decision.snapshot,
                    erp_modified=record.modified_at,
                )
            else:
                assert coupling.crm_id is not None
                operations.append(
                    Update(
                        mapping.crm_entity,
                        coupling.crm_id,
                        cast(Attributes, writable),
                        etag=row.etag if row else None,
                    )
                )
                pending.append((record, coupling, values, decision.snapshot))
        if restores:
            await self.create(restores)
        if not operations:
            return
        results = await sc.crm.batch(operations, atomic=False)
        for (record, coupling, values, snapshot), result in zip(pending, results, strict=True):
            if result.ok:
                ledger.succeeded(
                    coupling,
                    Outcome.MODIFIED,
                    record_id=record.id,
                    snapshot=snapshot,
                    erp_modified=record.modified_at,
                )
            elif result.error is not None and result.error.error_class is CrmErrorClass.NOT_FOUND:
                if self.counterpart_gone(record, coupling):
                    await self.create([(record, coupling, values)])
            else:
                ref = self.ref(record, coupling)
                error_class = ErrorClass.of(result.error.error_class if result.error else None)
                ledger.failed(ref, coupling, error_class, ref.says(result.error))

    def counterpart_gone(self, record: ErpRecord, coupling: Coupling) -> bool:
        """The coupled CRM row no longer exists: apply the deletion-conflict resolution.
        True when the row is to be created again (under the same id)."""
        policy = self.sc.mapping.deletion_conflict_resolution
        ref = self.ref(record, coupling)
        if policy is DeletionConflictResolution.REMOVE_COUPLING:
            self.ledger.uncouple(
                coupling, ref.says("the coupled CRM row was deleted; coupling removed"), left=Side.ERP
            )
            return False
        if policy is DeletionConflictResolution.RESTORE_RECORD:
            coupling.snapshot = None
            return True
        assert ref.erp_ref is not None
        self.ledger.failed(
            ref, coupling, ErrorClass.PERMANENT, crm_deleted_message(self.spec.label, ref.erp_ref)
        )
        return False


def _crm_ref(coupling: Coupling | None) -> str | None:
    return None if coupling is None or coupling.crm_id is None else str(coupling.crm_id)
