"""Field-level normalization and checks, driven by the table declarations.

Blank text and codes are stored as None; codes are upper-cased (as BC's Code
type); decimals keep at most `DECIMAL_PLACES` places, never silently rounded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from domain.errors import ErrorCode, FieldError
from domain.financials.records import Values
from domain.financials.tables import FieldSpec, Kind, TableSpec

DECIMAL_PLACES = 5
MAX_DECIMAL = Decimal(10) ** 15


def normalize(spec: TableSpec, given: Values, prefix: str = "") -> tuple[dict[str, object], list[FieldError]]:
    """Normalize the given fields; return the clean values and the problems found.

    Unknown fields are refused so a typo never goes unnoticed; read-only fields
    are the service's to set and never reach here from the API."""
    clean: dict[str, object] = {}
    errors: list[FieldError] = []
    for name, raw in given.items():
        path = f"{prefix}{name}"
        if not spec.has_field(name):
            errors.append(FieldError(path, f"{spec.label} has no field {name!r}", ErrorCode.INVALID_VALUE))
            continue
        value, error = _normalize_value(spec.field(name), raw, path)
        if error is not None:
            errors.append(error)
        else:
            clean[name] = value
    return clean, errors


def _normalize_value(f: FieldSpec, raw: object, path: str) -> tuple[object, FieldError | None]:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    match f.kind:
        case Kind.TEXT | Kind.CODE:
            return _normalize_text(f, raw, path)
        case Kind.DECIMAL:
            return _normalize_decimal(f, raw, path)
        case Kind.INTEGER:
            if isinstance(raw, bool) or not isinstance(raw, int):
                return None, FieldError(path, f"{f.name} must be a whole number", ErrorCode.INVALID_VALUE)
            if raw < 0:
                return None, FieldError(path, f"{f.name} must not be negative", ErrorCode.NEGATIVE_VALUE)
            return raw, None
        case Kind.BOOLEAN:
            if not isinstance(raw, bool):
                return None, FieldError(path, f"{f.name} must be true or false", ErrorCode.INVALID_VALUE)
            return raw, None
        case Kind.DATE:
            if not isinstance(raw, date):
                return None, FieldError(path, f"{f.name} must be a date", ErrorCode.INVALID_VALUE)
            return raw, None
        case Kind.ENUM:
            assert f.enum is not None
            try:
                return f.enum(str(raw)).value, None
            except ValueError:
                allowed = ", ".join(m.value for m in f.enum)
                return None, FieldError(path, f"{f.name} must be one of {allowed}", ErrorCode.INVALID_VALUE)


def _normalize_text(f: FieldSpec, raw: object, path: str) -> tuple[object, FieldError | None]:
    if not isinstance(raw, str):
        return None, FieldError(path, f"{f.name} must be text", ErrorCode.INVALID_VALUE)
    value = raw.strip().upper() if f.kind is Kind.CODE else raw
    if f.max_length is not None and len(value) > f.max_length:
        return None, FieldError(
            path, f"{f.name} is longer than {f.max_length} characters", ErrorCode.TOO_LONG
        )
    return value, None


def _normalize_decimal(f: FieldSpec, raw: object, path: str) -> tuple[object, FieldError | None]:
    if isinstance(raw, bool) or not isinstance(raw, Decimal | int | str):
        return None, FieldError(path, f"{f.name} must be a decimal number", ErrorCode.INVALID_VALUE)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, FieldError(path, f"{f.name} must be a decimal number", ErrorCode.INVALID_VALUE)
    if not value.is_finite() or abs(value) >= MAX_DECIMAL:
        return None, FieldError(path, f"{f.name} is out of range", ErrorCode.INVALID_VALUE)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -DECIMAL_PLACES and value != value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES)):
        return None, FieldError(
            path, f"{f.name} has more than {DECIMAL_PLACES} decimal places", ErrorCode.INVALID_VALUE
        )
    if f.minimum is not None:
        if f.exclusive_minimum and value <= f.minimum:
            return None, FieldError(
                path, f"{f.name} must be greater than {f.minimum}", ErrorCode.INVALID_VALUE
            )
        if value < f.minimum:
            return None, FieldError(path, f"{f.name} must not be negative", ErrorCode.NEGATIVE_VALUE)
    return value, None


def with_defaults(spec: TableSpec, values: Mapping[str, object]) -> dict[str, object]:
    """Fill every field not given with its declared default (or None)."""
    return {f.name: values[f.name] if f.name in values else _default(f) for f in spec.fields}


def _default(f: FieldSpec) -> object:
    if f.default is None:
        return None
    return f.default.value if f.kind is Kind.ENUM else f.default  # type: ignore[attr-defined]


def missing_required(spec: TableSpec, values: Mapping[str, object], prefix: str = "") -> list[FieldError]:
    return [
        FieldError(f"{prefix}{f.name}", f"{f.name} is required", ErrorCode.REQUIRED)
        for f in spec.fields
        if f.required and not f.read_only and values.get(f.name) is None
    ]
