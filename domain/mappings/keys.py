"""Which record a lookup field refers to: the referenced table's business key,
built from this record's values (and a key template when the field alone is
not the key)."""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache

from domain.financials.tables import TableSpec
from domain.mappings.model import FieldMapping

_FORMATTER = string.Formatter()


@lru_cache(maxsize=256)
def _names(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in _FORMATTER.parse(template) if name)


@lru_cache(maxsize=256)
def _single(template: str) -> str | None:
    """The name when the template is one bare placeholder (``{value}``, ``{lcy}``),
    the common case, answered without formatting a copy of the record."""
    parsed = list(_FORMATTER.parse(template))
    if len(parsed) == 1 and parsed[0][0] == "" and parsed[0][1] and not parsed[0][2] and not parsed[0][3]:
        return parsed[0][1]
    return None


def referenced_key(
    fm: FieldMapping, values: Mapping[str, object], target: TableSpec, lcy: str | None
) -> dict[str, object] | None:
    """The business key of the record `fm` refers to, or None when the reference is
    blank. ``{value}`` is the field's own value, ``{lcy}`` the local currency code,
    other names are this record's fields; composite keys are joined with '|'."""
    if fm.erp_field is None or fm.transform is None:
        return None
    template = fm.transform.key_template or "{value}"
    if values.get(fm.erp_field) is None and fm.transform.blank_means is not None:
        template = fm.transform.blank_means
    single = _single(template)
    if single is not None and len(target.key) == 1:
        value = (
            values.get(fm.erp_field) if single == "value" else lcy if single == "lcy" else values.get(single)
        )
        return None if value is None else {target.key[0]: format(value)}
    names = _names(template)
    context = {**values, "value": values.get(fm.erp_field), "lcy": lcy}
    if any(context.get(name) is None for name in names):
        return None
    parts = template.format_map(context).split("|")
    if len(parts) != len(target.key):
        raise ValueError(f"key template {template!r} does not fit {target.name}'s key {target.key}")
    return dict(zip(target.key, parts, strict=True))
