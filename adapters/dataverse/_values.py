"""Attribute values between the port's Python types and the Web API's JSON.

Writes: a `Lookup` becomes ``<nav>@odata.bind: "/<entityset>(<id>)"``, with the
per-target navigation property of polymorphic lookups (``customerid_account``),
and ``None`` on a lookup becomes ``<nav>@odata.bind: null`` (reference §2.10 lists
both that and ``"<nav>": null`` for clearing; for a polymorphic lookup the first
target's navigation property is named - which one must be named is not verified).
Reads: ``_<x>_value`` with its ``lookuplogicalname`` annotation becomes
``Lookup`` under ``<x>``; dates, GUIDs and money are typed by the `EntitySpec`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from adapters.dataverse._schema import EntitySpec
from domain.crm import Attributes, AttributeValue, CrmRow, CrmValidationError, Lookup, format_datetime

LOOKUP_LOGICAL_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def lookups_needing_definitions(spec: EntitySpec, attributes: Attributes) -> bool:
    """True when a lookup (or a None that may clear one) names a column the spec does not know."""
    if spec.complete:
        return False
    return any(
        (isinstance(value, Lookup) or value is None) and name not in spec.lookups
        for name, value in attributes.items()
    )


def encode_attributes(
    spec: EntitySpec, attributes: Attributes, entity_set: Callable[[str], str]
) -> dict[str, object]:
    """The JSON body for a create/update; `entity_set` maps a logical name to its set."""
    body: dict[str, object] = {}
    for name, value in attributes.items():
        lookup = spec.lookups.get(name)
        if isinstance(value, Lookup):
            if lookup is None:
                raise CrmValidationError(f"{spec.logical_name}.{name} is not a lookup column")
            navigation = lookup.navigation.get(value.entity)
            if navigation is None:
                raise CrmValidationError(
                    f"{spec.logical_name}.{name} cannot refer to a {value.entity} "
                    f"(it refers to {', '.join(lookup.targets)})"
                )
            body[f"{navigation}@odata.bind"] = f"/{entity_set(value.entity)}({value.id})"
        elif value is None and lookup is not None:
            body[f"{lookup.navigation[lookup.targets[0]]}@odata.bind"] = None
        else:
            body[name] = encode_value(spec, name, value)
    return body


def encode_value(spec: EntitySpec, name: str, value: AttributeValue) -> object:
    if isinstance(value, datetime):
        if name in spec.dates:
            return value.astimezone(UTC).date().isoformat() if value.tzinfo else value.date().isoformat()
        return format_datetime(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, float):
        raise TypeError(f"{name}: use Decimal, not float, for CRM numbers")
    return value


def needs_definitions(spec: EntitySpec, payload: Mapping[str, Any]) -> bool:
    """True when a string in `payload` might be a date or GUID the spec cannot type."""
    if spec.complete:
        return False
    for key, value in payload.items():
        if "@" in key or key.startswith("_") or key == spec.primary_id or spec.typed(key):
            continue
        if isinstance(value, str) and (_GUID.match(value) or _DATE_LIKE.match(value)):
            return True
    return False


def decode_row(spec: EntitySpec, payload: Mapping[str, Any]) -> CrmRow:
    attributes: dict[str, AttributeValue] = {}
    for key, value in payload.items():
        if "@" in key:
            continue
        if key.startswith("_") and key.endswith("_value"):
            name = key[1:-6]
            attributes[name] = _lookup(spec, name, value, payload.get(f"{key}@{LOOKUP_LOGICAL_NAME}"))
        else:
            attributes[key] = decode_value(spec, key, value)
    row_id = attributes.get(spec.primary_id)
    if not isinstance(row_id, UUID):
        raise CrmValidationError(f"{spec.logical_name} row without {spec.primary_id} in the response")
    modified_on = attributes.get("modifiedon")
    modified_by = attributes.get("modifiedby")
    return CrmRow(
        entity=spec.logical_name,
        id=row_id,
        attributes=attributes,
        etag=payload.get("@odata.etag"),
        modified_on=modified_on if isinstance(modified_on, datetime) else None,
        modified_by=modified_by.id if isinstance(modified_by, Lookup) else None,
    )


def decode_value(spec: EntitySpec, name: str, value: Any) -> AttributeValue:
    if value is None or isinstance(value, bool):
        return value
    if name == spec.primary_id or name in spec.guids:
        return UUID(value)
    if name in spec.datetimes:
        return parse_datetime(value)
    if name in spec.dates:
        return datetime.combine(date.fromisoformat(value[:10]), datetime.min.time(), tzinfo=UTC)
    if name in spec.decimals and isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str | int | Decimal):
        return value
    raise CrmValidationError(f"unexpected JSON for {spec.logical_name}.{name}: {type(value).__name__}")


def parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _lookup(spec: EntitySpec, name: str, value: Any, logical_name: Any) -> Lookup | None:
    if value is None:
        return None
    if not logical_name:
        lookup = spec.lookups.get(name)
        logical_name = lookup.targets[0] if lookup else ""
    return Lookup(str(logical_name), UUID(value))
