"""Table mappings and their field mappings as rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.models import FieldMappingRow, TableMappingRow
from domain.clock import Clock, IdFactory
from domain.mappings.model import (
    DeletionConflictResolution,
    FieldMapping,
    SyncDirection,
    TableMapping,
    Transform,
    TransformKind,
    UpdateConflictResolution,
)
from domain.mappings.ports import MappingStore


def transform_to_json(transform: Transform | None) -> dict[str, Any] | None:
    if transform is None:
        return None
    return {
        "kind": transform.kind.value,
        "mapping": transform.mapping,
        "key_template": transform.key_template,
        "pairs": [list(p) for p in transform.pairs],
        "function": transform.function,
        "blank_means": transform.blank_means,
    }


def transform_from_json(data: dict[str, Any] | None) -> Transform | None:
    if data is None:
        return None
    return Transform(
        TransformKind(data["kind"]),
        mapping=data.get("mapping"),
        key_template=data.get("key_template"),
        pairs=tuple((str(a), b) for a, b in data.get("pairs") or ()),
        function=data.get("function"),
        blank_means=data.get("blank_means"),
    )


def _field(row: FieldMappingRow) -> FieldMapping:
    return FieldMapping(
        erp_field=row.erp_field,
        crm_attribute=row.crm_attribute,
        direction=SyncDirection(row.direction),
        constant=row.constant,
        transform=transform_from_json(row.transform),
        clear_on_failed_lookup=row.clear_on_failed_lookup,
        not_null=row.not_null,
        enabled=row.enabled,
        use_for_matching=row.use_for_matching,
        case_sensitive=row.case_sensitive,
        match_priority=row.match_priority,
    )


def _mapping(row: TableMappingRow, fields: list[FieldMappingRow]) -> TableMapping:
    return TableMapping(
        name=row.name,
        erp_table=row.erp_table,
        crm_entity=row.crm_entity,
        direction=SyncDirection(row.direction),
        fields=tuple(_field(f) for f in sorted(fields, key=lambda f: f.position)),
        only_coupled=row.only_coupled,
        depends_on=tuple(row.depends_on),
        erp_filter=row.erp_filter,
        crm_filter=row.crm_filter,
        interval_minutes=row.interval_minutes,
        enabled=row.enabled,
        update_conflict_resolution=UpdateConflictResolution(row.update_conflict_resolution),
        deletion_conflict_resolution=DeletionConflictResolution(row.deletion_conflict_resolution),
        sync_after_coupling=row.sync_after_coupling,
        create_if_no_match=row.create_if_no_match,
        parent=row.parent,
        number_series=row.number_series,
        crm_option_attribute=row.crm_option_attribute,
        erp_watermark=row.erp_watermark,
        crm_watermark=row.crm_watermark,
    )


class SqlMappingStore:
    """`MappingStore` on the caller's session."""

    def __init__(self, session: AsyncSession, clock: Clock, ids: IdFactory) -> None:
        self.session = session
        self._clock = clock
        self._ids = ids

    async def all(self) -> list[TableMapping]:
        # Core rows (read like the ORM's by attribute): every job reads all mappings
        tables, fields_table = TableMappingRow.__table__, FieldMappingRow.__table__
        rows = (await self.session.execute(sa.select(tables).order_by(tables.c.name))).all()
        by_mapping: dict[str, list[Any]] = {}
        for f in (await self.session.execute(sa.select(fields_table))).all():
            by_mapping.setdefault(f.mapping_name, []).append(f)
        return [_mapping(r, by_mapping.get(r.name, [])) for r in rows]  # type: ignore[arg-type]

    async def get(self, name: str) -> TableMapping | None:
        row = await self.session.get(TableMappingRow, name)
        if row is None:
            return None
        stmt = sa.select(FieldMappingRow).where(FieldMappingRow.mapping_name == name)
        return _mapping(row, list((await self.session.execute(stmt)).scalars().all()))

    async def save(self, mapping: TableMapping) -> None:
        now = self._clock.now()
        values: dict[str, Any] = {
            "erp_table": mapping.erp_table,
            "crm_entity": mapping.crm_entity,
            "crm_option_attribute": mapping.crm_option_attribute,
            "direction": mapping.direction.value,
            "only_coupled": mapping.only_coupled,
            "depends_on": list(mapping.depends_on),
            "erp_filter": mapping.erp_filter,
            "crm_filter": mapping.crm_filter,
            "interval_minutes": mapping.interval_minutes,
            "enabled": mapping.enabled,
            "update_conflict_resolution": mapping.update_conflict_resolution.value,
            "deletion_conflict_resolution": mapping.deletion_conflict_resolution.value,
            "sync_after_coupling": mapping.sync_after_coupling,
            "create_if_no_match": mapping.create_if_no_match,
            "parent": mapping.parent,
            "number_series": mapping.number_series,
            "modified_at": now,
        }
        row = await self.session.get(TableMappingRow, mapping.name)
        if row is None:
            self.session.add(TableMappingRow(name=mapping.name, created_at=now, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        await self.session.flush()
        await self.session.execute(
            sa.delete(FieldMappingRow).where(FieldMappingRow.mapping_name == mapping.name)
        )
        if mapping.fields:
            await self.session.execute(
                sa.insert(FieldMappingRow),
                [
                    {
                        "id": self._ids.new_id(),
                        "mapping_name": mapping.name,
                        "position": i,
                        "erp_field": f.erp_field,
                        "crm_attribute": f.crm_attribute,
                        "direction": f.direction.value,
                        "constant": f.constant,
                        "transform": transform_to_json(f.transform),
                        "clear_on_failed_lookup": f.clear_on_failed_lookup,
                        "not_null": f.not_null,
                        "enabled": f.enabled,
                        "use_for_matching": f.use_for_matching,
                        "case_sensitive": f.case_sensitive,
                        "match_priority": f.match_priority,
                    }
                    for i, f in enumerate(mapping.fields)
                ],
            )

    async def set_watermarks(self, name: str, *, erp: datetime | None, crm: datetime | None) -> None:
        values = {k: v for k, v in (("erp_watermark", erp), ("crm_watermark", crm)) if v is not None}
        if values:
            await self.session.execute(
                sa.update(TableMappingRow).where(TableMappingRow.name == name).values(**values)
            )

    async def clear_watermarks(self, name: str) -> None:
        await self.session.execute(
            sa.update(TableMappingRow)
            .where(TableMappingRow.name == name)
            .values(erp_watermark=None, crm_watermark=None)
        )


def _implements_the_port(store: SqlMappingStore) -> MappingStore:
    return store  # mypy checks SqlMappingStore against the MappingStore port here
