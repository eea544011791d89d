"""The CRM → ERP pass.

Candidates: the rows the job names, or failed couplings and merges left by the
ERP pass (retries) followed by rows modified since the CRM watermark (with a
1-second overlap, as Dataverse's modifiedon has whole seconds). Rows last
modified by the integration user are not read back (no echo). ERP writes go
through the Financials service, so every rule of a user's write holds; each
record is written in its own savepoint inside the page's transaction, with its
coupling, so a refused record costs only itself (domain/sync/from_crm_page.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID

from domain.couplings.model import Side
from domain.crm import CrmRow
from domain.filters import fields_of, matches, parse
from domain.financials.records import Tombstone
from domain.financials.service import FinancialsService
from domain.financials.tables import table
from domain.jobs.model import Outcome
from domain.mappings.model import SyncDirection
from domain.sync.context import SyncContext
from domain.sync.documents import child_mappings, read_lines, translate_lines
from domain.sync.fields import translations_to_crm, translations_to_erp
from domain.sync.from_crm_page import Documents, FromCrmPage
from domain.sync.ledger import Ledger

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
            Documents(
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
            await uow.deletion_marks.deleted_counterparts(mapping.name, Side.CRM, uncoupled)
            if uncoupled and sc.creates
            else set()
        )
        page = FromCrmPage(
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
