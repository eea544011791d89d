"""Match-based coupling (DOMAIN.md; BC ref §3.3).

For each uncoupled ERP record inside the mapping's ERP filter, try the match
criteria group by group (ascending priority): a group matches when exactly one
uncoupled CRM row inside the CRM filter has equal values in every field of the
group (text case-insensitively unless asked; blank values never match). One
match couples; none or several moves on to the next group; after the last group
the record is reported unmatched or ambiguous. The CRM side is read once, page
by page, into an index of the criteria values, so the cost is one pass over
each side whatever the number of records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from uuid import UUID

from domain.couplings.model import Coupling
from domain.crm import CrmRows, Lookup
from domain.errors import ErrorCode, FieldError, ValidationFailed
from domain.filters import matches, parse
from domain.financials.records import ErpRecord
from domain.financials.tables import table
from domain.jobs.model import ErrorClass, Outcome, RecordOutcome
from domain.jobs.params import Criterion, MatchParams
from domain.jobs.runner import JobContext
from domain.mappings.keys import referenced_key
from domain.mappings.model import FieldMapping, SyncDirection, TableMapping, TransformKind

PAGE = 500
LABEL = "label"  # the attribute an option mapping matches on


def criteria_for(
    mapping: TableMapping, wanted: Sequence[tuple[str, int | None, bool | None]] | None
) -> list[Criterion]:
    """The criteria to match on: the given ERP fields (with priority and case rule), or
    the mapping's own match fields. Every criterion needs a field mapping to pair it."""
    if not wanted:
        chosen = [
            Criterion(f.erp_field, f.crm_attribute, f.match_priority, f.case_sensitive)
            for f in mapping.match_fields()
            if f.erp_field and f.crm_attribute
        ]
        if not chosen:
            raise ValidationFailed.single(
                "criteria", f"{mapping.name} has no match fields; give criteria", ErrorCode.REQUIRED
            )
        return chosen
    pairs: dict[str, FieldMapping] = {
        f.erp_field: f for f in mapping.fields if f.erp_field and f.crm_attribute and not f.is_constant
    }
    errors, chosen = [], []
    for i, (field, priority, case_sensitive) in enumerate(wanted):
        fm = pairs.get(field)
        if fm is None:
            errors.append(
                FieldError(
                    f"criteria.{i}.erp_field",
                    f"{mapping.name} maps no CRM attribute to {field!r}",
                    ErrorCode.INVALID_VALUE,
                )
            )
            continue
        chosen.append(
            Criterion(
                field,
                fm.crm_attribute or "",
                fm.match_priority if priority is None else priority,
                fm.case_sensitive if case_sensitive is None else case_sensitive,
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return chosen


def normalized(value: object, case_sensitive: bool) -> object:
    if isinstance(value, Lookup):
        return value.id
    if isinstance(value, str):
        value = value.strip()
        return None if value == "" else value if case_sensitive else value.casefold()
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value).normalize()
    return value


class CrmIndex:
    """Uncoupled CRM rows by their criteria values, per priority group."""

    def __init__(self, groups: Mapping[int, list[Criterion]]) -> None:
        self.groups = dict(sorted(groups.items()))
        self._index: dict[int, dict[tuple[object, ...], list[UUID | int]]] = {
            g: defaultdict(list) for g in groups
        }

    def add(self, key: UUID | int, attributes: Mapping[str, object]) -> None:
        for group, criteria in self.groups.items():
            values = tuple(normalized(attributes.get(c.crm_attribute), c.case_sensitive) for c in criteria)
            if all(v is not None for v in values):
                self._index[group][values].append(key)

    def candidates(self, group: int, values: tuple[object, ...]) -> list[UUID | int]:
        return self._index[group].get(values, [])


async def build_index(
    crm: CrmRows, mapping: TableMapping, criteria: list[Criterion], coupled: set[UUID] | set[int]
) -> CrmIndex:
    groups: dict[int, list[Criterion]] = defaultdict(list)
    for c in criteria:
        groups[c.priority].append(c)
    index = CrmIndex(groups)
    if mapping.is_option_mapping:
        for option in await crm.option_set(mapping.crm_entity, mapping.crm_option_attribute or ""):
            if option.value not in coupled:
                index.add(option.value, {LABEL: option.label})
        return index
    select = sorted({c.crm_attribute for c in criteria})
    async for page in crm.query(mapping.crm_entity, filter=mapping.crm_filter, select=select):
        for row in page:
            if row.id not in coupled:
                index.add(row.id, row.attributes)
    return index


CoupledHook = Callable[[TableMapping, list[UUID], SyncDirection | None], Awaitable[None]]
UnmatchedHook = Callable[[TableMapping, list[UUID]], Awaitable[None]]


async def _erp_values(
    ctx: JobContext,
    mapping: TableMapping,
    criteria: list[Criterion],
    record: ErpRecord,
    everything: Mapping[str, TableMapping],
) -> dict[str, object]:
    """The ERP side of the criteria, lookups translated to the coupled CRM id."""
    values: dict[str, object] = {}
    fields = {f.erp_field: f for f in mapping.fields if f.erp_field}
    for c in criteria:
        fm = fields.get(c.erp_field)
        value = record.get(c.erp_field)
        if fm is not None and fm.transform is not None and fm.transform.kind is TransformKind.LOOKUP:
            target = everything.get(fm.transform.mapping or "")
            value = None
            if target is not None:
                key = referenced_key(fm, record.values, table(target.erp_table), None)
                async with ctx.uow() as uow:
                    ref = await uow.erp.get(table(target.erp_table), key) if key else None
                    coupling = await uow.couplings.by_erp(target.name, ref.id) if ref else None
                value = coupling.crm_id if coupling else None
        values[c.erp_field] = value
    return values


async def run_match(
    ctx: JobContext,
    crm: CrmRows,
    on_coupled: CoupledHook | None = None,
    on_unmatched: UnmatchedHook | None = None,
) -> None:
    """The MATCH job: couple what matches exactly once, report the rest record by record."""
    params = ctx.job.params_as(MatchParams)
    dry_run, create, sync_after = params.dry_run, params.create_if_no_match, params.sync_after
    criteria = list(params.criteria)
    async with ctx.uow() as uow:
        mapping = await uow.mappings.get(ctx.job.mapping or "")
        everything = {m.name: m for m in await uow.mappings.all()}
        if mapping is None:
            raise ValueError(f"there is no table mapping {ctx.job.mapping!r}")
        coupled_erp = await uow.couplings.coupled_erp_ids(mapping.name)
        coupled_crm: set[UUID] | set[int] = (
            await uow.couplings.coupled_options(mapping.name)
            if mapping.is_option_mapping
            else await uow.couplings.coupled_crm_ids(mapping.name)
        )
    index = await build_index(crm, mapping, criteria, coupled_crm)
    spec = table(mapping.erp_table)
    erp_filter = parse(mapping.erp_filter) if mapping.erp_filter else None
    taken: set[UUID | int] = set()
    after: UUID | None = None
    while True:
        async with ctx.uow() as uow:
            page = await uow.erp.scan(spec, after=after, limit=PAGE)
        if not page:
            break
        after = page[-1].id
        candidates = [
            r
            for r in page
            if r.id not in coupled_erp and (erp_filter is None or matches(erp_filter, r.values))
        ]
        ctx.job.total = (ctx.job.total or 0) + len(candidates)
        new: list[Coupling] = []
        unmatched: list[UUID] = []
        for record in candidates:
            values = await _erp_values(ctx, mapping, criteria, record, everything)
            found, ambiguous = decide_match(index, values, taken)
            ref = spec.key_of(record.values)
            if found is not None:
                taken.add(found)
                new.append(_coupling(ctx, mapping, record.id, found, sync_after))
                ctx.record(
                    RecordOutcome.WOULD_COUPLE if dry_run else RecordOutcome.COUPLED,
                    erp_id=record.id,
                    erp_ref=ref,
                    crm_id=found if isinstance(found, UUID) else None,
                    message=None if isinstance(found, UUID) else f"option {found}",
                )
            elif create and not ambiguous:  # several candidates: a new row would be one more
                unmatched.append(record.id)
                ctx.record(
                    RecordOutcome.WOULD_CREATE if dry_run else RecordOutcome.CREATE,
                    erp_id=record.id,
                    erp_ref=ref,
                    message="no match: a new CRM row will be created",
                )
            else:
                outcome = RecordOutcome.AMBIGUOUS if ambiguous else RecordOutcome.UNMATCHED
                text = (
                    f"{len(ambiguous)} uncoupled CRM rows match"
                    if ambiguous
                    else "no uncoupled CRM row matches"
                )
                ctx.record(
                    outcome,
                    erp_id=record.id,
                    erp_ref=ref,
                    message=text,
                    crm_ids=tuple(a for a in ambiguous if isinstance(a, UUID)),
                )
                if not dry_run:  # a plan fails nothing: its records list says what is left
                    ctx.error(ErrorClass.PERMANENT, f"{spec.label} {ref}: {text} the criteria", erp_ref=ref)
                    ctx.count(Outcome.FAILED)
            ctx.advance()
        if not dry_run and new:
            async with ctx.uow() as uow:
                await uow.couplings.add_many(new)
            if on_coupled is not None:
                await on_coupled(mapping, [c.erp_id for c in new], sync_after)
        if not dry_run and unmatched and on_unmatched is not None:
            await on_unmatched(mapping, unmatched)
        ctx.count(Outcome.COUPLED, 0 if dry_run else len(new))
        await ctx.checkpoint()


def decide_match(
    index: CrmIndex, values: Mapping[str, object], taken: set[UUID | int]
) -> tuple[UUID | int | None, list[UUID | int]]:
    ambiguous: list[UUID | int] = []
    for group, criteria in index.groups.items():
        key = tuple(normalized(values.get(c.erp_field), c.case_sensitive) for c in criteria)
        if any(v is None for v in key):
            continue
        free = [c for c in index.candidates(group, key) if c not in taken]
        if len(free) == 1:
            return free[0], []
        if len(free) > 1 and not ambiguous:
            ambiguous = free
    return None, ambiguous


def _coupling(
    ctx: JobContext, mapping: TableMapping, erp_id: UUID, found: UUID | int, sync_after: SyncDirection | None
) -> Coupling:
    now = ctx.clock.now()
    return Coupling(
        id=ctx.ids.new_id(),
        mapping=mapping.name,
        erp_id=erp_id,
        crm_id=found if isinstance(found, UUID) else None,
        crm_option=found if isinstance(found, int) else None,
        created_at=now,
        modified_at=now,
        sync_after=sync_after,
    )
