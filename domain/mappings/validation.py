"""What makes a set of table mappings valid (BC ref §4.7 and DOMAIN.md)."""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import ErrorCode, FieldError
from domain.filters import FilterError, fields_of, parse
from domain.financials.tables import TABLES_BY_NAME
from domain.mappings.dag import find_cycle
from domain.mappings.model import SyncDirection, TableMapping

MAX_INTERVAL_MINUTES = 7 * 24 * 60


def validate_mapping(mapping: TableMapping, all_mappings: Mapping[str, TableMapping]) -> list[FieldError]:
    """Every problem of one mapping, judged among all (for dependencies and lookups)."""
    errors: list[FieldError] = []
    spec = TABLES_BY_NAME.get(mapping.erp_table)
    if spec is None:
        errors.append(
            FieldError("erp_table", f"there is no ERP table {mapping.erp_table!r}", ErrorCode.INVALID_VALUE)
        )
    errors += _direction_errors(mapping)
    for name in mapping.depends_on:
        if name == mapping.name:
            errors.append(FieldError("depends_on", f"{name} cannot depend on itself", ErrorCode.CYCLE))
        elif name not in all_mappings:
            errors.append(
                FieldError("depends_on", f"there is no mapping {name!r}", ErrorCode.UNKNOWN_REFERENCE)
            )
    errors += _filter_errors(mapping)
    if not 1 <= mapping.interval_minutes <= MAX_INTERVAL_MINUTES:
        errors.append(
            FieldError(
                "interval_minutes",
                f"the interval must be 1 to {MAX_INTERVAL_MINUTES} minutes",
                ErrorCode.INVALID_VALUE,
            )
        )
    for i, fm in enumerate(mapping.fields):
        if spec is not None and fm.erp_field is not None and not spec.has_field(fm.erp_field):
            errors.append(
                FieldError(
                    f"fields.{i}.erp_field",
                    f"{spec.label} has no field {fm.erp_field!r}",
                    ErrorCode.INVALID_VALUE,
                )
            )
        target = fm.transform.mapping if fm.transform else None
        if target is not None and target not in all_mappings:
            errors.append(
                FieldError(
                    f"fields.{i}.transform", f"there is no mapping {target!r}", ErrorCode.UNKNOWN_REFERENCE
                )
            )
        if mapping.is_option_mapping and fm.direction is SyncDirection.BIDIRECTIONAL:
            errors.append(
                FieldError(
                    f"fields.{i}.direction",
                    "option mappings cannot be bidirectional",
                    ErrorCode.INVALID_VALUE,
                )
            )
    return errors


def _direction_errors(mapping: TableMapping) -> list[FieldError]:
    if mapping.is_option_mapping and mapping.direction is SyncDirection.BIDIRECTIONAL:
        return [FieldError("direction", "option mappings cannot be bidirectional", ErrorCode.INVALID_VALUE)]
    enabled = [f for f in mapping.fields if f.enabled]
    if mapping.direction is SyncDirection.BIDIRECTIONAL:
        fits = any(f.direction is SyncDirection.BIDIRECTIONAL for f in enabled)
    else:
        fits = any(f.direction.covers(mapping.direction) for f in enabled)
    if fits:
        return []
    return [
        FieldError(
            "direction",
            f"at least one enabled field mapping must have direction {mapping.direction.value}",
            ErrorCode.INVALID_VALUE,
        )
    ]


def _filter_errors(mapping: TableMapping) -> list[FieldError]:
    errors = []
    for side, text in (("erp_filter", mapping.erp_filter), ("crm_filter", mapping.crm_filter)):
        if text is None:
            continue
        try:
            node = parse(text)
        except FilterError as error:
            errors.append(FieldError(side, f"invalid filter: {error}", ErrorCode.INVALID_VALUE))
            continue
        spec = TABLES_BY_NAME.get(mapping.erp_table)
        if side == "erp_filter" and spec is not None:
            unknown = sorted(name for name in fields_of(node) if not spec.has_field(name))
            if unknown:
                errors.append(
                    FieldError(
                        side,
                        f"invalid filter: {spec.label} has no field {', '.join(unknown)}",
                        ErrorCode.INVALID_VALUE,
                    )
                )
    return errors


def cycle_error(mappings: Mapping[str, TableMapping], start: str | None = None) -> FieldError | None:
    """A dependency cycle among the mappings, told from `start` when it is on it."""
    cycle = find_cycle({m.name: [d for d in m.depends_on if d in mappings] for m in mappings.values()})
    if cycle is None:
        return None
    if start in cycle[:-1]:
        at = cycle.index(start)
        cycle = cycle[at:-1] + cycle[:at] + [start]
    return FieldError("depends_on", "dependencies form a cycle: " + " → ".join(cycle), ErrorCode.CYCLE)
