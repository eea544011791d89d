"""Changing table mappings: validated edits and resets to the defaults."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from domain.errors import ErrorCode, FieldError, ValidationFailed
from domain.mappings.defaults import DEFAULT_MAPPINGS, DEFAULTS_BY_NAME
from domain.mappings.model import FieldMapping, TableMapping
from domain.mappings.ports import MappingStore
from domain.mappings.validation import cycle_error, validate_mapping

EDITABLE = {
    "direction",
    "depends_on",
    "only_coupled",
    "erp_filter",
    "crm_filter",
    "interval_minutes",
    "enabled",
    "update_conflict_resolution",
    "deletion_conflict_resolution",
    "sync_after_coupling",
    "create_if_no_match",
}
FIELD_EDITABLE = {
    "direction",
    "enabled",
    "clear_on_failed_lookup",
    "not_null",
    "use_for_matching",
    "case_sensitive",
    "match_priority",
    "constant",
}


async def _require(store: MappingStore, name: str) -> TableMapping:
    mapping = await store.get(name)
    if mapping is None:
        raise ValidationFailed.single("name", f"there is no table mapping {name!r}", ErrorCode.NOT_FOUND)
    return mapping


async def _save_valid(store: MappingStore, changed: TableMapping) -> TableMapping:
    everything = {m.name: m for m in await store.all()}
    everything[changed.name] = changed
    errors = validate_mapping(changed, everything)
    if (cycle := cycle_error(everything, changed.name)) is not None:
        errors.append(cycle)
    if errors:
        raise ValidationFailed(errors)
    await store.save(changed)
    return changed


async def update_mapping(store: MappingStore, name: str, changes: Mapping[str, object]) -> TableMapping:
    """Apply the given settings to one mapping; refused as a whole when invalid."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(
            [FieldError(k, f"{k} cannot be changed", ErrorCode.INVALID_VALUE) for k in unknown]
        )
    mapping = await _require(store, name)
    values = dict(changes)
    if "depends_on" in values:
        values["depends_on"] = tuple(values["depends_on"])  # type: ignore[arg-type]
    for side in ("erp_filter", "crm_filter"):
        if side in values and isinstance(values[side], str) and not str(values[side]).strip():
            values[side] = None
    return await _save_valid(store, replace(mapping, **values))  # type: ignore[arg-type]


async def update_field_mapping(
    store: MappingStore, name: str, position: int, changes: Mapping[str, object]
) -> TableMapping:
    """Change one field mapping (by its position in the mapping's list)."""
    unknown = set(changes) - FIELD_EDITABLE
    if unknown:
        raise ValidationFailed(
            [FieldError(k, f"{k} cannot be changed", ErrorCode.INVALID_VALUE) for k in unknown]
        )
    mapping = await _require(store, name)
    if not 0 <= position < len(mapping.fields):
        raise ValidationFailed.single(
            "position", f"{name} has no field mapping {position}", ErrorCode.NOT_FOUND
        )
    fields: list[FieldMapping] = list(mapping.fields)
    fields[position] = replace(fields[position], **changes)  # type: ignore[arg-type]
    return await _save_valid(store, replace(mapping, fields=tuple(fields)))


async def reset_mappings(store: MappingStore, names: Collection[str] | None = None) -> list[TableMapping]:
    """Restore default mappings (all, or the named ones); couplings and watermarks stay."""
    wanted = list(DEFAULTS_BY_NAME) if names is None else list(names)
    unknown = [n for n in wanted if n not in DEFAULTS_BY_NAME]
    if unknown:
        raise ValidationFailed(
            [FieldError("names", f"{n!r} is not a default mapping", ErrorCode.NOT_FOUND) for n in unknown]
        )
    restored = [DEFAULTS_BY_NAME[n] for n in wanted]
    for mapping in restored:
        await store.save(mapping)
    return restored


async def seed_mappings(store: MappingStore, enabled: Collection[str] | None) -> list[TableMapping]:
    """Create the default mappings that do not exist yet; enable the chosen ones
    (all defaults that are on by default when None) and disable the rest."""
    existing = {m.name: m for m in await store.all()}
    result = []
    for default in DEFAULT_MAPPINGS:
        mapping = existing.get(default.name, default)
        on = default.enabled if enabled is None else default.name in enabled
        if mapping.enabled != on or default.name not in existing:
            mapping = replace(mapping, enabled=on)
            await store.save(mapping)
        result.append(mapping)
    return result
