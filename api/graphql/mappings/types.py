"""TableMapping and FieldMapping types."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON

from api.context import Info
from api.graphql.common import UserError
from api.graphql.enums import (
    DeletionConflictResolution,
    SyncDirection,
    TransformKind,
    UpdateConflictResolution,
)
from api.graphql.jobs.types import SyncJob
from domain.mappings.model import FieldMapping as FieldMappingModel
from domain.mappings.model import TableMapping as TableMappingModel


@strawberry.type(description="How a value crosses between ERP and CRM, in both directions")
class FieldTransform:
    kind: TransformKind
    mapping: str | None = strawberry.field(description="LOOKUP/OPTION: the mapping whose couplings translate")
    key_template: str | None
    blank_means: str | None = strawberry.field(description="The key a blank ERP value stands for, e.g. {lcy}")
    function: str | None
    pairs: JSON | None = strawberry.field(description="VALUE_MAP: [[erpValue, crmValue], …]")


@strawberry.type
class FieldMapping:
    position: int
    erp_field: str | None
    crm_attribute: str | None
    direction: SyncDirection
    constant: JSON | None
    transform: FieldTransform | None
    clear_on_failed_lookup: bool
    not_null: bool
    enabled: bool
    use_for_matching: bool
    case_sensitive: bool
    match_priority: int

    @classmethod
    def of(cls, position: int, f: FieldMappingModel) -> FieldMapping:
        t = f.transform
        transform = (
            None
            if t is None
            else FieldTransform(
                kind=t.kind,
                mapping=t.mapping,
                key_template=t.key_template,
                blank_means=t.blank_means,
                function=t.function,
                pairs=[list(p) for p in t.pairs] or None,  # type: ignore[arg-type]  # JSON scalar
            )
        )
        return cls(
            position=position,
            erp_field=f.erp_field,
            crm_attribute=f.crm_attribute,
            direction=f.direction,
            constant=f.constant,  # type: ignore[arg-type]  # JSON scalar
            transform=transform,
            clear_on_failed_lookup=f.clear_on_failed_lookup,
            not_null=f.not_null,
            enabled=f.enabled,
            use_for_matching=f.use_for_matching,
            case_sensitive=f.case_sensitive,
            match_priority=f.match_priority,
        )


@strawberry.type(description="One ERP table ↔ one CRM entity (or an option set of account)")
class TableMapping:
    name: str
    erp_table: str
    crm_entity: str
    crm_option_attribute: str | None
    direction: SyncDirection
    only_coupled: bool
    depends_on: list[str]
    erp_filter: str | None
    crm_filter: str | None
    interval_minutes: int
    enabled: bool
    update_conflict_resolution: UpdateConflictResolution
    deletion_conflict_resolution: DeletionConflictResolution
    sync_after_coupling: bool
    create_if_no_match: bool
    parent: str | None
    field_mappings: list[FieldMapping]
    erp_watermark: datetime.datetime | None
    crm_watermark: datetime.datetime | None

    @strawberry.field(description="Records coupled in this mapping")
    async def coupling_count(self, info: Info) -> int:
        return (await info.context.loaders.coupling_figures.load(self.name)).coupled

    @strawberry.field(description="Coupled records whose last sync failed (not skipped)")
    async def failed_count(self, info: Info) -> int:
        return (await info.context.loaders.coupling_figures.load(self.name)).failed

    @strawberry.field(description="Coupled records skipped after repeated failures")
    async def skipped_count(self, info: Info) -> int:
        return (await info.context.loaders.coupling_figures.load(self.name)).skipped

    @strawberry.field
    async def last_job(self, info: Info) -> SyncJob | None:
        job = await info.context.loaders.last_job.load(self.name)
        return None if job is None else SyncJob.of(job)

    @classmethod
    def of(cls, m: TableMappingModel) -> TableMapping:
        return cls(
            name=m.name,
            erp_table=m.erp_table,
            crm_entity=m.crm_entity,
            crm_option_attribute=m.crm_option_attribute,
            direction=m.direction,
            only_coupled=m.only_coupled,
            depends_on=list(m.depends_on),
            erp_filter=m.erp_filter,
            crm_filter=m.crm_filter,
            interval_minutes=m.interval_minutes,
            enabled=m.enabled,
            update_conflict_resolution=m.update_conflict_resolution,
            deletion_conflict_resolution=m.deletion_conflict_resolution,
            sync_after_coupling=m.sync_after_coupling,
            create_if_no_match=m.create_if_no_match,
            parent=m.parent,
            field_mappings=[FieldMapping.of(i, f) for i, f in enumerate(m.fields)],
            erp_watermark=m.erp_watermark,
            crm_watermark=m.crm_watermark,
        )


@strawberry.type
class TableMappingPayload:
    table_mapping: TableMapping | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TableMappingsPayload:
    table_mappings: list[TableMapping] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)
