"""Request bodies → storage values, with Dataverse's refusals (reference §2.4-2.5,
§2.10, §5): lookups only through ``<nav>@odata.bind`` (``_x_value`` or the plain
lookup name with a value is a 400), undeclared properties, wrong JSON types,
over-long text, choices outside their options, and columns that are not valid
for create or for update."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from adapters.dataverse.simulator._errors import (
    QUERY,
    VALIDATION,
    DataverseFault,
    bad_request,
    not_found,
    payload_error,
)
from adapters.dataverse.simulator._metadata import (
    CHOICE_KINDS,
    INTEGER_KINDS,
    NUMBER_KINDS,
    Column,
    EntityMeta,
    Kind,
)
from adapters.dataverse.simulator._org import Organization
from adapters.dataverse.simulator._store import quote

_REFERENCE = re.compile(r"^/?([A-Za-z_][A-Za-z0-9_]*)\(([0-9a-fA-F-]{36})\)$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
UNDECLARED_MESSAGE = (
    "An undeclared property '{}' which only has property annotations in the payload but no property value "
    "was found in the payload. In OData, only declared navigation properties and declared named streams "
    "can be represented as properties without values."
)
ENTITY_REFERENCE_MESSAGE = (
    "CRM do not support direct update of Entity Reference properties, Use Navigation properties instead."
)


def parse_body(
    org: Organization, meta: EntityMeta, body: dict[str, Any], *, creating: bool
) -> dict[str, Any]:
    """Storage values keyed by storage column (a lookup sets ``x`` and ``x__type``)."""
    values: dict[str, Any] = {}
    navigation = meta.navigation_properties()
    for key, value in body.items():
        if key in ("@odata.type", "@odata.id", "@odata.etag"):
            continue
        if key.endswith("@odata.bind"):
            nav = key[: -len("@odata.bind")]
            if nav not in navigation:
                raise payload_error(UNDECLARED_MESSAGE.format(nav))
            column, target = navigation[nav]
            _check_access(meta, column, creating)
            values.update(_bind(org, column, target, value))
            continue
        if key.startswith("_") and key.endswith("_value"):
            raise bad_request(ENTITY_REFERENCE_MESSAGE, QUERY)
        plain = meta.column(key)
        if plain is None:
            raise payload_error(
                f"The property '{key}' does not exist on type 'Microsoft.Dynamics.CRM.{meta.logical_name}'. "
                "Make sure to only use property names that are defined by the type or mark the type as "
                "open type."
            )
        if plain.is_lookup:
            if value is not None:
                raise bad_request(ENTITY_REFERENCE_MESSAGE, QUERY)
            _check_access(meta, plain, creating)
            values.update({plain.name: None, f"{plain.name}__type": None})
            continue
        if plain.name == meta.primary_id and not creating:
            continue
        _check_access(meta, plain, creating)
        values[plain.name] = storage_value(org, meta, plain, value)
    return values


def _check_access(meta: EntityMeta, column: Column, creating: bool) -> None:
    if creating and not column.create:
        raise bad_request(
            f"The '{column.name}' attribute of the '{meta.logical_name}' entity cannot be set on create "
            "(IsValidForCreate is false)."
        )
    if not creating and not column.update:
        raise bad_request(
            f"The '{column.name}' attribute of the '{meta.logical_name}' entity cannot be updated "
            "(IsValidForUpdate is false)."
        )


def _bind(org: Organization, column: Column, target: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {column.name: None, f"{column.name}__type": None}
    path = urlsplit(str(value)).path if "://" in str(value) else str(value)
    match = _REFERENCE.match(path.rsplit("/v9.2/", 1)[-1] if "/v9." in path else path)
    # an owner lookup shares one navigation property ("ownerid") among its targets:
    # the entity set in the reference tells which one is meant
    shared = [t for t in column.targets if column.navigation(t) == column.navigation(target)]
    for candidate in shared:
        candidate_meta = org.entity(candidate)
        if match is not None and candidate_meta is not None and match.group(1) == candidate_meta.entity_set:
            target = candidate
            break
    target_meta = org.entity(target)
    if match is None or target_meta is None or match.group(1) != target_meta.entity_set:
        raise bad_request(f"The @odata.bind value '{value}' does not identify a {target} row.")
    row_id = match.group(2).lower()
    if org.store.get(target_meta, row_id) is None:
        raise not_found(target, row_id)
    return {column.name: row_id, f"{column.name}__type": target}


def storage_value(org: Organization, meta: EntityMeta, column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.kind
    if kind in (Kind.STRING, Kind.MEMO) and isinstance(value, str):
        if column.max_length is not None and len(value) > column.max_length:
            raise DataverseFault(
                400,
                VALIDATION,
                f"A validation error occurred. The length of the '{column.name}' attribute of the "
                f"'{meta.logical_name}' entity exceeded the maximum allowed length of '{column.max_length}'.",
            )
        return value
    if kind in INTEGER_KINDS and isinstance(value, int) and not isinstance(value, bool):
        if kind in CHOICE_KINDS:
            options = org.options(meta, column)
            if options is not None and value not in options:
                raise DataverseFault(
                    400,
                    VALIDATION,
                    f"A validation error occurred. The value {value} of '{column.name}' on record of type "
                    f"'{meta.logical_name}' is outside the valid range.",
                )
        return value
    if kind in NUMBER_KINDS and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return format(Decimal(value), "f")
    if kind is Kind.BOOLEAN and isinstance(value, bool):
        return int(value)
    if kind is Kind.UNIQUEIDENTIFIER and isinstance(value, str) and _GUID.match(value):
        return value.lower()
    if kind is Kind.DATETIME and isinstance(value, str):
        parsed = _datetime(value, column.date_only)
        if parsed is not None:
            return parsed
    raise payload_error(f"Cannot convert the literal '{value}' to the expected type '{column.edm_type()}'.")


def _datetime(value: str, date_only: bool) -> str | None:
    try:
        if date_only:
            return date.fromisoformat(value).isoformat() if len(value) == 10 else None
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def row_exists(org: Organization, meta: EntityMeta, row_id: str) -> bool:
    table, key = quote(meta.logical_name), quote(meta.primary_id)
    return org.store.scalar(f"SELECT 1 FROM {table} WHERE {key} = ?", [row_id]) is not None
