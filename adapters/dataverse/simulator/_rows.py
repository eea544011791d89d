"""Rows between the in-process API's Python values and storage values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from adapters.dataverse.simulator import _rules
from adapters.dataverse.simulator._input import storage_value
from adapters.dataverse.simulator._metadata import NUMBER_KINDS, EntityMeta, Kind
from adapters.dataverse.simulator._org import Organization
from domain.crm import Lookup, format_datetime

SYSTEM_COLUMNS = frozenset({"statecode", "statuscode", "createdon", "modifiedon", "createdby", "modifiedby"})


def from_python(
    org: Organization, meta: EntityMeta, attributes: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values for insert/update, system columns to force afterwards)."""
    values: dict[str, Any] = {}
    system: dict[str, Any] = {}
    for key, value in attributes.items():
        name = key[1:-6] if key.startswith("_") and key.endswith("_value") else key
        column = meta.column(name)
        if column is None:
            raise KeyError(f"{meta.logical_name} has no column {name!r}")
        target = system if name in SYSTEM_COLUMNS else values
        if column.is_lookup:
            if isinstance(value, Lookup):
                target[name], target[f"{name}__type"] = str(value.id), value.entity
            elif value is None:
                target[name] = target[f"{name}__type"] = None
            else:
                target[name], target[f"{name}__type"] = str(UUID(str(value))), column.targets[0]
            continue
        if isinstance(value, datetime):
            value = value.date().isoformat() if column.date_only else format_datetime(value)
        elif isinstance(value, UUID):
            value = str(value)
        target[name] = storage_value(org, meta, column, value)
    if "statecode" in system and "statuscode" not in system and meta.column("statuscode") is not None:
        system["statuscode"] = _rules.default_status(meta, int(system["statecode"]))
    return values, system


def to_python(meta: EntityMeta, stored: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in meta.columns.values():
        value = stored.get(column.name)
        if value is None:
            row[column.name] = None
        elif column.is_lookup:
            row[column.name] = Lookup(
                str(stored.get(f"{column.name}__type") or column.targets[0]), UUID(value)
            )
        elif column.kind is Kind.DATETIME:
            if column.date_only:
                row[column.name] = datetime.combine(
                    date.fromisoformat(value), datetime.min.time(), tzinfo=UTC
                )
            else:
                row[column.name] = datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif column.kind in NUMBER_KINDS:
            row[column.name] = Decimal(str(value))
        elif column.kind is Kind.BOOLEAN:
            row[column.name] = bool(value)
        elif column.kind is Kind.UNIQUEIDENTIFIER:
            row[column.name] = UUID(value)
        else:
            row[column.name] = value
    return row
