"""Values in "CRM space": the form both passes compare and snapshots keep.

A snapshot stores each mapped CRM attribute's value as last synced, in a JSON
form that round-trips: decimals as normalized text, ids and lookups as text,
times in ISO form. Two values are equal when their canonical forms are."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.crm import Lookup


def canonical(value: object) -> Any:
    """The JSON-able comparison form of a value."""
    match value:
        case None:
            return None
        case bool():
            return value
        case Decimal() | int():
            number = Decimal(value).normalize()
            return format(number, "f")
        case Lookup():
            return f"{value.entity}:{value.id}"
        case UUID():
            return str(value)
        case datetime() | date():
            return value.isoformat()
        case str():
            return value
    return str(value)


def same(a: object, b: object) -> bool:
    """Equal as synced values ("" and None are both blank)."""
    return bool(_blank(canonical(a)) == _blank(canonical(b)))


def _blank(value: Any) -> Any:
    return None if value == "" else value


def snapshot_of(values: dict[str, object]) -> dict[str, Any]:
    return {name: canonical(value) for name, value in values.items()}
