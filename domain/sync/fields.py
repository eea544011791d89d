"""Field values across the two sides, with one implementation per transform used
in both directions (DOMAIN.md "Field mappings": constants, lookups through
couplings, option mappings, value maps, named functions).

Lookups are resolved for a whole page at once (`Translations`): every reference
of the page is looked up with one query per target table and one per target
mapping's couplings, never one per record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from domain.crm import CrmRow, Lookup
from domain.financials.records import ErpRecord
from domain.financials.tables import Kind, TableSpec, table
from domain.mappings.keys import referenced_key
from domain.mappings.model import FieldMapping, TableMapping, TransformKind
from domain.uow import UnitOfWork

RATE_PLACES = Decimal("0.0000000001")


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A lookup whose target is not coupled: a DEPENDENCY problem (or a blank, when
    the field mapping clears values on failed lookups). `field` names the ERP field
    (ERP → CRM) or the CRM entity (CRM → ERP) of the uncoupled `key`."""

    mapping: str
    field: str
    key: str


def _reciprocal(value: object) -> object:
    if isinstance(value, Decimal | int) and value:
        return (Decimal(1) / Decimal(value)).quantize(RATE_PLACES).normalize()
    return value


def _non_negative(value: object) -> object:
    return max(value, Decimal(0)) if isinstance(value, Decimal) else value


FUNCTIONS = {"reciprocal": (_reciprocal, _reciprocal), "non_negative": (_non_negative, lambda v: v)}


@dataclass
class Translations:
    """One page's lookup tables: ERP business key ↔ CRM row (or option) per mapping."""

    to_crm: dict[tuple[str, str], UUID | int] = field(default_factory=dict)
    to_erp: dict[tuple[str, UUID | int], str] = field(default_factory=dict)
    lcy: str | None = None


def _lookup_fields(mapping: TableMapping) -> list[FieldMapping]:
    return [
        f
        for f in mapping.fields
        if f.enabled
        and f.transform is not None
        and f.transform.kind in (TransformKind.LOOKUP, TransformKind.OPTION)
    ]


async def _records_by_keys(
    uow: UnitOfWork, spec: TableSpec, keys: Iterable[dict[str, object]]
) -> dict[str, ErpRecord]:
    firsts = {str(k[spec.key[0]]) for k in keys}
    if not firsts:
        return {}
    return {spec.key_of(r.values): r for r in await uow.erp.get_many(spec, spec.key[0], firsts)}


async def translations_to_crm(
    uow: UnitOfWork,
    mapping: TableMapping,
    mappings: Mapping[str, TableMapping],
    records: Sequence[ErpRecord],
    lcy: str | None,
) -> Translations:
    """Resolve every lookup of these ERP records to the coupled CRM row or option."""
    tables = Translations(lcy=lcy)
    wanted: dict[str, list[dict[str, object]]] = defaultdict(list)
    for fm in _lookup_fields(mapping):
        target = mappings.get(fm.transform.mapping or "")  # type: ignore[union-attr]
        if target is None:
            continue
        spec = table(target.erp_table)
        for record in records:
            key = referenced_key(fm, record.values, spec, lcy)
            if key is not None:
                wanted[target.name].append(key)
    for name, keys in wanted.items():
        target = mappings[name]
        found = await _records_by_keys(uow, table(target.erp_table), keys)
        ids = {r.id: key for key, r in found.items()}
        if target.is_option_mapping:
            pairs: Mapping[UUID, UUID | int] = await uow.couplings.options_for(name, list(ids))
        else:
            pairs = await uow.couplings.crm_ids_for(name, list(ids))
        for erp_id, crm in pairs.items():
            tables.to_crm[(name, ids[erp_id])] = crm
    return tables


async def translations_to_erp(
    uow: UnitOfWork,
    mapping: TableMapping,
    mappings: Mapping[str, TableMapping],
    rows: Sequence[CrmRow],
    lcy: str | None,
) -> Translations:
    """Resolve every lookup of these CRM rows to the coupled ERP record's key."""
    tables = Translations(lcy=lcy)
    wanted: dict[str, set[UUID | int]] = defaultdict(set)
    for fm in _lookup_fields(mapping):
        target = mappings.get(fm.transform.mapping or "")  # type: ignore[union-attr]
        if target is None or fm.crm_attribute is None:
            continue
        for row in rows:
            value = row.get(fm.crm_attribute)
            if isinstance(value, Lookup):
                wanted[target.name].add(value.id)
            elif isinstance(value, int) and not isinstance(value, bool):
                wanted[target.name].add(value)
    for name, crm_keys in wanted.items():
        target = mappings[name]
        spec = table(target.erp_table)
        erp_ids: dict[UUID | int, UUID] = {}
        if target.is_option_mapping:
            by_option = await uow.couplings.erp_ids_for_options(
                name, [k for k in crm_keys if isinstance(k, int)]
            )
            erp_ids.update(by_option.items())
        else:
            by_row = await uow.couplings.erp_ids_for(name, [k for k in crm_keys if isinstance(k, UUID)])
            erp_ids.update(by_row.items())
        records = {r.id: r for r in await uow.erp.get_many(spec, "id", set(erp_ids.values()))}
        for crm_key, erp_id in erp_ids.items():
            if erp_id in records:
                tables.to_erp[(name, crm_key)] = spec.key_of(records[erp_id].values)
    return tables


def erp_to_crm(
    fm: FieldMapping, record: ErpRecord, mappings: Mapping[str, TableMapping], tables: Translations
) -> object:
    """The CRM value of one field mapping for an ERP record (`Unresolved` for an
    uncoupled lookup target)."""
    if fm.is_constant:
        return fm.constant
    value = record.get(fm.erp_field) if fm.erp_field else None
    transform = fm.transform
    if transform is None:
        return _crm_form(value)
    if transform.kind is TransformKind.VALUE_MAP:
        return dict(transform.pairs).get(str(value), value) if value is not None else None
    if transform.kind is TransformKind.FUNCTION:
        return FUNCTIONS[transform.function or ""][0](value)
    target = mappings.get(transform.mapping or "")
    if target is None:
        return None
    spec = table(target.erp_table)
    key = referenced_key(fm, record.values, spec, tables.lcy)
    if key is None:
        return None
    label = spec.key_of(key)
    found = tables.to_crm.get((target.name, label))
    if found is None:
        return Unresolved(target.name, fm.erp_field or "", label)
    return found if isinstance(found, int) else Lookup(target.crm_entity, found)


def crm_to_erp(
    fm: FieldMapping,
    value: object,
    mappings: Mapping[str, TableMapping],
    tables: Translations,
    erp_spec: TableSpec,
) -> object:
    """The ERP value of one field mapping for a CRM value (`Unresolved` for an
    uncoupled lookup target)."""
    if fm.is_constant:
        return fm.constant
    transform = fm.transform
    if transform is None:
        return _erp_form(value, erp_spec, fm.erp_field)
    if transform.kind is TransformKind.VALUE_MAP:
        reverse = {str(b): a for a, b in transform.pairs}
        return reverse.get(str(value), value) if value is not None else None
    if transform.kind is TransformKind.FUNCTION:
        return _erp_form(FUNCTIONS[transform.function or ""][1](value), erp_spec, fm.erp_field)
    target = mappings.get(transform.mapping or "")
    if value is None or target is None:
        return None
    crm_key = value.id if isinstance(value, Lookup) else value
    key = tables.to_erp.get((target.name, crm_key))  # type: ignore[arg-type]
    if key is None:
        entity = target.crm_entity if isinstance(value, Lookup) else f"{target.crm_option_attribute} option"
        return Unresolved(target.name, entity, str(crm_key))
    if transform.blank_means is not None and key == transform.blank_means.format(lcy=tables.lcy):
        return None
    template = transform.key_template or "{value}"
    parts = template.split("|")
    return key.split("|")[parts.index("{value}")] if "{value}" in parts and len(parts) > 1 else key


def plain_to_crm(value: object) -> object:
    """A value without a transform, in the form the CRM port takes."""
    return _crm_form(value)


def _crm_form(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(), UTC)
    return value


def _erp_form(value: object, spec: TableSpec, name: str | None) -> object:
    if name is None or not spec.has_field(name):
        return value
    kind = spec.field(name).kind
    if kind is Kind.DATE and isinstance(value, datetime):
        return value.astimezone(UTC).date()
    if kind is Kind.DECIMAL and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    if kind in (Kind.TEXT, Kind.CODE) and value is not None and not isinstance(value, str):
        return str(value)
    return value
