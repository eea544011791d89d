"""Writes to Financials: upsert by business key, delete with usage checks,
and posting item journals. Every method runs inside the caller's unit of work;
when it raises `ValidationFailed` nothing it did may be committed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from uuid import UUID

from domain.clock import Clock, IdFactory
from domain.errors import ErrorCode, FieldError, ValidationFailed
from domain.financials.enums import EntryType, ItemType, UnitGroupSource
from domain.financials.ports import DuplicateKeyError, ErpStore, ReferenceViolationError
from domain.financials.records import ErpRecord, Values
from domain.financials.rules import RULES, WriteContext, complete_price_unit
from domain.financials.tables import ChildSpec, TableSpec, referencing_fields, table
from domain.financials.validation import missing_required, normalize, with_defaults

_POSITIVE_ENTRIES = {EntryType.PURCHASE, EntryType.POSITIVE_ADJMT}
_NEGATIVE_ENTRIES = {EntryType.SALE, EntryType.NEGATIVE_ADJMT}


class FinancialsService:
    """Validated writes to the embedded ERP's tables."""

    def __init__(self, store: ErpStore, clock: Clock, ids: IdFactory) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids

    async def upsert(
        self, table_name: str, given: Values, children: Mapping[str, Sequence[Values]] | None = None
    ) -> ErpRecord:
        """Create the record with this business key, or change the given fields of
        the existing one. A child list, when given, replaces the stored children
        (matched by their own keys, so unchanged children keep their ids)."""
        spec = table(table_name)
        if not spec.writable:
            raise ValidationFailed.single(
                None, f"{spec.label} records are not written directly", ErrorCode.INVALID_STATE
            )
        clean, errors = normalize(spec, given)
        if spec.name == "sales_price" and not errors:
            await complete_price_unit(self._store, clean)
        key = {k: clean.get(k) for k in spec.key}
        if not spec.by_id:
            errors += [
                FieldError(k, f"{k} is required", ErrorCode.REQUIRED) for k, v in key.items() if v is None
            ]
        if errors:
            raise ValidationFailed(errors)
        existing = await self._store.get(spec, key)
        values = dict(existing.values) if existing else with_defaults(spec, {})
        values.update(clean)
        ctx = WriteContext(
            store=self._store,
            spec=spec,
            values=values,
            existing=existing,
            given=clean,
            children=self._normalize_children(spec, children or {}, errors),
            today=self._clock.now().date(),
        )
        for rule in RULES.get(spec.name, ()):
            await rule(ctx)
        errors += ctx.errors
        errors += missing_required(spec, values)
        for child in spec.children:
            child_spec = table(child.table)
            for i, row in enumerate(ctx.children.get(child.name, [])):
                errors += missing_required(child_spec, row, f"{child.name}.{i}.")
        errors += await self._unknown_references(spec, values, ctx.children)
        if errors:
            raise ValidationFailed(errors)
        record = await self._write(spec, existing, values)
        for child in spec.children:
            if child.name in ctx.children:
                await self._replace_children(spec, record, child, ctx.children[child.name])
        await self._after_write(spec, existing, record)
        return record

    def _normalize_children(
        self, spec: TableSpec, given: Mapping[str, Sequence[Values]], errors: list[FieldError]
    ) -> dict[str, list[dict[str, object]]]:
        known = {c.name: c for c in spec.children}
        result: dict[str, list[dict[str, object]]] = {}
        for name, rows in given.items():
            if name not in known:
                errors.append(FieldError(name, f"{spec.label} has no list {name!r}", ErrorCode.INVALID_VALUE))
                continue
            child_spec = table(known[name].table)
            clean_rows = []
            for i, row in enumerate(rows):
                clean, row_errors = normalize(child_spec, row, f"{name}.{i}.")
                errors += row_errors
                clean_rows.append(clean)
            result[name] = clean_rows
        return result

    async def _unknown_references(
        self, spec: TableSpec, values: Values, children: Mapping[str, list[dict[str, object]]]
    ) -> list[FieldError]:
        wanted: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        seen_keys: dict[str, set[str]] = defaultdict(set)
        errors: list[FieldError] = []
        rows: list[tuple[TableSpec, Values, str]] = [(spec, values, "")]
        for child in spec.children:
            child_spec = table(child.table)
            for i, child_row in enumerate(children.get(child.name, [])):
                path = f"{child.name}.{i}."
                rows.append((child_spec, child_row, path))
                child_key = child_spec.key_of({**child_row, child.parent_field: values[spec.key_field]})
                if child_key in seen_keys[child.name]:
                    errors.append(
                        FieldError(path.rstrip("."), f"{child_key} is listed twice", ErrorCode.DUPLICATE_KEY)
                    )
                seen_keys[child.name].add(child_key)
        for row_spec, row, path in rows:
            for f in row_spec.fields:
                target, value = f.ref_table(row), row.get(f.name)
                if target is None or value is None or f.read_only:
                    continue
                wanted[target][str(value)].append(f"{path}{f.name}")
        for target, keys in wanted.items():
            found = await self._store.existing_keys(target, keys.keys())
            for value, paths in keys.items():
                if value not in found:
                    label = table(target).label
                    errors += [
                        FieldError(p, f"{label} {value} does not exist", ErrorCode.UNKNOWN_REFERENCE)
                        for p in paths
                    ]
        return errors

    async def _write(self, spec: TableSpec, existing: ErpRecord | None, values: Values) -> ErpRecord:
        now = self._clock.now()
        try:
            if existing is None:
                return await self._store.insert(spec, self._ids.new_id(), values, now)
            changes = {k: v for k, v in values.items() if existing.values.get(k) != v}
            return await self._store.update(spec, existing.id, changes, now) if changes else existing
        except DuplicateKeyError:
            raise ValidationFailed.single(
                None, f"{spec.label} {spec.key_of(values)} already exists", ErrorCode.DUPLICATE_KEY
            ) from None
        except ReferenceViolationError:
            raise _concurrent_change(spec, values) from None

    async def _replace_children(
        self, spec: TableSpec, parent: ErpRecord, child: ChildSpec, rows: list[dict[str, object]]
    ) -> None:
        child_spec = table(child.table)
        parent_key = parent[spec.key_field]
        stored = {
            child_spec.key_of(r.values): r
            for r in await self._store.find(child_spec, {child.parent_field: parent_key})
        }
        for row in rows:
            row[child.parent_field] = parent_key
            current = stored.pop(child_spec.key_of(row), None)
            values = dict(current.values) if current else with_defaults(child_spec, {})
            values.update(row)
            await self._write(child_spec, current, values)
        for leftover in stored.values():
            await self._store.delete(child_spec, leftover, self._clock.now())

    async def _after_write(self, spec: TableSpec, existing: ErpRecord | None, record: ErpRecord) -> None:
        if (
            spec.name == "currency"
            and record.get("is_local")
            and (existing is None or not existing.get("is_local"))
        ):
            for other in await self._store.find(spec, {"is_local": True}):
                if other.id != record.id:
                    await self._store.update(spec, other.id, {"is_local": False}, self._clock.now())
        if spec.name in ("item", "resource"):
            await self._keep_unit_group(spec, record)

    async def _keep_unit_group(self, spec: TableSpec, record: ErpRecord) -> None:
        """One unit group per item and per resource, named after it (BC's Unit Group)."""
        source = UnitGroupSource(spec.name.upper())
        group_spec = table("unit_group")
        values: dict[str, object] = {
            "code": f"{source.value}-{record['no']}",
            "source_type": source.value,
            "source_no": record["no"],
            "description": record.get("description") or record.get("name"),
            "base_unit_of_measure": record.get("base_unit_of_measure"),
        }
        current = await self._store.get(group_spec, {"code": values["code"]})
        await self._write(group_spec, current, {**(current.values if current else {}), **values})

    async def delete(
        self, table_name: str, *, key: Values | None = None, record_id: UUID | None = None
    ) -> ErpRecord:
        """Delete one record by business key or id, refusing while others use it."""
        spec = table(table_name)
        if not spec.deletable:
            raise ValidationFailed.single(
                None, f"{spec.label} records cannot be deleted", ErrorCode.INVALID_STATE
            )
        record = await self._find_one(spec, key, record_id)
        usages = await self._usages(spec, record)
        if usages:
            raise ValidationFailed.single(
                None,
                f"{spec.label} {spec.key_of(record.values)} is used by {', '.join(usages)}",
                ErrorCode.IN_USE,
            )
        now = self._clock.now()
        for child in spec.children:
            for row in await self._store.find(
                table(child.table), {child.parent_field: record[spec.key_field]}
            ):
                await self._store.delete(table(child.table), row, now)
        if spec.name in ("item", "resource"):
            group_spec = table("unit_group")
            group = await self._store.get(group_spec, {"code": f"{spec.name.upper()}-{record['no']}"})
            if group is not None:
                await self._store.delete(group_spec, group, now)
        try:
            await self._store.delete(spec, record, now)
        except ReferenceViolationError:
            raise _concurrent_change(spec, record.values) from None
        return record

    async def _find_one(self, spec: TableSpec, key: Values | None, record_id: UUID | None) -> ErpRecord:
        if record_id is not None:
            record = await self._store.get_by_id(spec, record_id)
            wanted = str(record_id)
        elif key is not None and not spec.by_id:
            clean, errors = normalize(spec, key)
            if errors:
                raise ValidationFailed(errors)
            record = await self._store.get(spec, clean)
            wanted = spec.key_of(clean)
        else:
            field = "id" if spec.by_id else "key"
            raise ValidationFailed.single(field, f"give the {spec.label}'s {field}", ErrorCode.REQUIRED)
        if record is None:
            raise ValidationFailed.single(None, f"{spec.label} {wanted} does not exist", ErrorCode.NOT_FOUND)
        return record

    async def _usages(self, spec: TableSpec, record: ErpRecord) -> list[str]:
        own_children = {c.table for c in spec.children}
        usages = []
        for user, f in referencing_fields(spec.name):
            if user.name in own_children or len(spec.key) != 1:
                continue
            criteria: dict[str, object] = {f.name: record[spec.key_field]}
            if f.ref_by is not None:
                discriminator, tables = f.ref_by
                criteria[discriminator] = next(v for v, t in tables.items() if t == spec.name)
            count = await self._store.count(user, criteria)
            if count:
                usages.append(f"{count} {user.label} record{'s' if count > 1 else ''}")
        return usages

    async def post_item_journal(self, lines: Sequence[Values]) -> list[ErpRecord]:
        """Post stock moves as item ledger entries: all lines or none."""
        spec = table("item_ledger_entry")
        if not lines:
            raise ValidationFailed.single("lines", "a journal needs at least one line", ErrorCode.REQUIRED)
        today = self._clock.now().date()
        prepared: list[dict[str, object]] = []
        errors: list[FieldError] = []
        for i, line in enumerate(lines):
            path = f"lines.{i}."
            clean, line_errors = normalize(spec, line, path)
            if not line_errors:
                clean["posting_date"] = clean.get("posting_date") or today
                line_errors = await self._check_journal_line(clean, path)
            errors += line_errors or missing_required(spec, clean, path)
            prepared.append(clean)
        if errors:
            raise ValidationFailed(errors)
        now = self._clock.now()
        return [await self._store.insert(spec, self._ids.new_id(), values, now) for values in prepared]

    async def _check_journal_line(self, line: dict[str, object], path: str) -> list[FieldError]:
        errors: list[FieldError] = []
        quantity = line.get("quantity")
        if not isinstance(quantity, Decimal) or quantity == 0:
            return [FieldError(f"{path}quantity", "quantity must not be zero", ErrorCode.INVALID_VALUE)]
        if line.get("entry_type") is None:
            line["entry_type"] = (
                EntryType.POSITIVE_ADJMT if quantity > 0 else EntryType.NEGATIVE_ADJMT
            ).value
        entry_type = EntryType(str(line["entry_type"]))
        if (entry_type in _POSITIVE_ENTRIES and quantity < 0) or (
            entry_type in _NEGATIVE_ENTRIES and quantity > 0
        ):
            errors.append(
                FieldError(
                    f"{path}quantity",
                    f"a {entry_type.value} entry cannot have quantity {quantity}",
                    ErrorCode.INVALID_VALUE,
                )
            )
        item = await self._store.get(table("item"), {"no": line.get("item_no")})
        if item is None:
            errors.append(
                FieldError(
                    f"{path}item_no",
                    f"Item {line.get('item_no')} does not exist",
                    ErrorCode.UNKNOWN_REFERENCE,
                )
            )
        elif item.get("type") != ItemType.INVENTORY:
            errors.append(
                FieldError(
                    f"{path}item_no",
                    f"item {item['no']} is a service and has no stock",
                    ErrorCode.INVALID_VALUE,
                )
            )
        elif item.get("blocked"):
            errors.append(FieldError(f"{path}item_no", f"item {item['no']} is blocked", ErrorCode.BLOCKED))
        location = line.get("location_code")
        if location is not None and not await self._store.existing_keys("location", [str(location)]):
            errors.append(
                FieldError(
                    f"{path}location_code", f"Location {location} does not exist", ErrorCode.UNKNOWN_REFERENCE
                )
            )
        return errors


def _concurrent_change(spec: TableSpec, values: Values) -> ValidationFailed:
    return ValidationFailed.single(
        None,
        f"{spec.label} {spec.key_of(values)} refers to a record another change just added or removed; "
        "try again",
        ErrorCode.CONFLICT,
    )
