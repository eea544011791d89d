"""Stored rows → Web API JSON (reference §2.7, §2.10): ``@odata.etag``, the key,
lookups as ``_x_value`` with the annotations asked for, money as exact numbers,
and ``_transactioncurrencyid_value`` whenever a money column is returned."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from adapters.dataverse.simulator._metadata import CHOICE_KINDS, NUMBER_KINDS, Column, EntityMeta, Kind
from adapters.dataverse.simulator._protocol import Prefer, etag

FORMATTED = "OData.Community.Display.V1.FormattedValue"
LOOKUP_LOGICAL_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname"
NAVIGATION = "Microsoft.Dynamics.CRM.associatednavigationproperty"

Labels = Callable[[EntityMeta, Column, int], str | None]
Names = Callable[[str, str], str | None]


def property_name(column: Column) -> str:
    return f"_{column.name}_value" if column.is_lookup else column.name


def returned_columns(meta: EntityMeta, select: list[Column] | None) -> list[Column]:
    """The columns of a response: the selection (or all), the key, and the currency
    lookup when money is returned (as Dataverse adds it)."""
    columns = list(meta.columns.values()) if select is None else list(select)
    key = meta.columns[meta.primary_id]
    if key not in columns:
        columns.insert(0, key)
    currency = meta.columns.get("transactioncurrencyid")
    if currency is not None and currency not in columns and any(c.kind is Kind.MONEY for c in columns):
        columns.append(currency)
    return columns


def row_json(
    meta: EntityMeta,
    row: dict[str, Any],
    columns: Iterable[Column],
    prefer: Prefer,
    *,
    labels: Labels,
    names: Names,
) -> dict[str, Any]:
    body: dict[str, Any] = {"@odata.etag": etag(int(row["versionnumber"]))}
    for column in columns:
        value = row.get(column.name)
        name = property_name(column)
        body[name] = json_value(column, value)
        if value is None:
            continue
        if column.is_lookup:
            target = row.get(f"{column.name}__type") or column.targets[0]
            if prefer.wants(LOOKUP_LOGICAL_NAME):
                body[f"{name}@{LOOKUP_LOGICAL_NAME}"] = target
            if prefer.wants(NAVIGATION):
                body[f"{name}@{NAVIGATION}"] = column.navigation(target)
            if prefer.wants(FORMATTED):
                formatted = names(target, value)
                if formatted is not None:
                    body[f"{name}@{FORMATTED}"] = formatted
        elif prefer.wants(FORMATTED) and column.kind in CHOICE_KINDS | {Kind.BOOLEAN}:
            label = labels(meta, column, int(value)) if column.kind is not Kind.BOOLEAN else str(bool(value))
            if label is not None:
                body[f"{name}@{FORMATTED}"] = (
                    "Yes" if label == "True" else "No" if label == "False" else label
                )
    return body


def json_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind in NUMBER_KINDS:
        return Decimal(str(value))
    if column.kind is Kind.BOOLEAN:
        return bool(value)
    return value
