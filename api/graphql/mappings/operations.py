"""Queries and mutations of table mappings (reads: INTEGRATION; changes: ADMIN)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.auth import requires
from api.context import Info
from api.graphql.common import user_errors
from api.graphql.enums import DeletionConflictResolution, SyncDirection, UpdateConflictResolution
from api.graphql.mappings.types import TableMapping, TableMappingPayload, TableMappingsPayload
from domain.auth import Role
from domain.errors import ValidationFailed


@strawberry.input
class UpdateTableMappingInput:
    name: str
    direction: SyncDirection | None = strawberry.UNSET
    depends_on: list[str] | None = strawberry.UNSET
    only_coupled: bool | None = strawberry.UNSET
    erp_filter: str | None = strawberry.field(
        default=strawberry.UNSET, description="OData-style; empty clears it"
    )
    crm_filter: str | None = strawberry.field(
        default=strawberry.UNSET, description="OData $filter; empty clears it"
    )
    interval_minutes: int | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    update_conflict_resolution: UpdateConflictResolution | None = strawberry.UNSET
    deletion_conflict_resolution: DeletionConflictResolution | None = strawberry.UNSET
    sync_after_coupling: bool | None = strawberry.UNSET
    create_if_no_match: bool | None = strawberry.UNSET


@strawberry.input
class UpdateFieldMappingInput:
    mapping: str
    position: int
    direction: SyncDirection | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    constant: JSON | None = strawberry.UNSET
    clear_on_failed_lookup: bool | None = strawberry.UNSET
    not_null: bool | None = strawberry.UNSET
    use_for_matching: bool | None = strawberry.UNSET
    case_sensitive: bool | None = strawberry.UNSET
    match_priority: int | None = strawberry.UNSET


@strawberry.input
class ResetTableMappingsInput:
    names: list[str] | None = strawberry.field(default=None, description="Default: every default mapping")


def given(obj: object, *skip: str) -> dict[str, Any]:
    """The fields of an input the client set (null counts for clearable filters only)."""
    values = {}
    for name, value in vars(obj).items():
        if name in skip or value is strawberry.UNSET:
            continue
        if value is None and name not in ("erp_filter", "crm_filter", "constant"):
            continue
        values[name] = value
    return values


@strawberry.type
class MappingsQuery:
    @strawberry.field(extensions=requires(Role.INTEGRATION))
    async def table_mappings(self, info: Info) -> list[TableMapping]:
        return [TableMapping.of(m) for m in await info.context.services.reads.mappings.all()]

    @strawberry.field(extensions=requires(Role.INTEGRATION))
    async def table_mapping(self, info: Info, name: str) -> TableMapping | None:
        mapping = await info.context.services.reads.mappings.get(name)
        return None if mapping is None else TableMapping.of(mapping)


@strawberry.type
class MappingsMutation:
    @strawberry.mutation(extensions=requires(Role.ADMIN))
    async def update_table_mapping(self, info: Info, input: UpdateTableMappingInput) -> TableMappingPayload:
        try:
            mapping = await info.context.services.mapping_writes.update(input.name, given(input, "name"))
        except ValidationFailed as failed:
            return TableMappingPayload(user_errors=user_errors(failed))
        return TableMappingPayload(table_mapping=TableMapping.of(mapping))

    @strawberry.mutation(extensions=requires(Role.ADMIN))
    async def update_field_mapping(self, info: Info, input: UpdateFieldMappingInput) -> TableMappingPayload:
        try:
            mapping = await info.context.services.mapping_writes.update_field(
                input.mapping, input.position, given(input, "mapping", "position")
            )
        except ValidationFailed as failed:
            return TableMappingPayload(user_errors=user_errors(failed))
        return TableMappingPayload(table_mapping=TableMapping.of(mapping))

    @strawberry.mutation(
        extensions=requires(Role.ADMIN), description="Restore default mappings; couplings and watermarks stay"
    )
    async def reset_table_mappings(self, info: Info, input: ResetTableMappingsInput) -> TableMappingsPayload:
        try:
            mappings = await info.context.services.mapping_writes.reset(input.names)
        except ValidationFailed as failed:
            return TableMappingsPayload(user_errors=user_errors(failed))
        return TableMappingsPayload(table_mappings=[TableMapping.of(m) for m in mappings])
