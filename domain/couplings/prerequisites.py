"""Which records a record refers to that are not coupled yet (DOMAIN.md
"Prerequisites": salespeople before customers, units before items, …)."""

from __future__ import annotations

from collections.abc import Mapping

from domain.couplings.model import MissingPrerequisite
from domain.financials.records import ErpRecord
from domain.financials.tables import table
from domain.mappings.keys import referenced_key
from domain.mappings.model import TableMapping, TransformKind
from domain.uow import UnitOfWork


async def local_currency(uow: UnitOfWork) -> str | None:
    found = await uow.erp.find(table("currency"), {"is_local": True})
    return str(found[0]["code"]) if found else None


async def missing_prerequisites(
    uow: UnitOfWork, mapping: TableMapping, record: ErpRecord, mappings: Mapping[str, TableMapping]
) -> list[MissingPrerequisite]:
    """The lookups of `record` whose target is not coupled in the target's mapping."""
    missing: list[MissingPrerequisite] = []
    lcy: str | None = None
    seen: set[tuple[str, str]] = set()
    for fm in mapping.fields:
        transform = fm.transform
        if (
            not fm.enabled
            or transform is None
            or transform.kind not in (TransformKind.LOOKUP, TransformKind.OPTION)
        ):
            continue
        target_mapping = mappings.get(transform.mapping or "")
        if target_mapping is None or target_mapping.name == mapping.name and fm.erp_field == "no":
            continue
        if transform.key_template and "{lcy}" in transform.key_template and lcy is None:
            lcy = await local_currency(uow)
        target_spec = table(target_mapping.erp_table)
        key = referenced_key(fm, record.values, target_spec, lcy)
        if key is None:
            continue
        label = target_spec.key_of(key)
        if (target_mapping.name, label) in seen:
            continue
        seen.add((target_mapping.name, label))
        target = await uow.erp.get(target_spec, key)
        coupled = (
            target is not None and await uow.couplings.by_erp(target_mapping.name, target.id) is not None
        )
        if not coupled:
            missing.append(MissingPrerequisite(target_mapping.name, fm.erp_field or "", label))
    return missing
