"""Sync mutations (INTEGRATION): a record, a mapping, everything modified,
creating counterparts, canceling, retrying skipped records, resolving conflicts."""

from __future__ import annotations

import uuid
from enum import Enum

import strawberry

from api.auth import requires
from api.context import Info
from api.graphql.common import user_errors
from api.graphql.couplings.types import Coupling, CouplingPayload
from api.graphql.enums import SyncDirection
from api.graphql.jobs.queries import parse_id
from api.graphql.jobs.types import SyncJob, SyncJobPayload, SyncJobsPayload
from domain.auth import Role
from domain.couplings.service import find_erp_record, require_mapping
from domain.errors import ErrorCode, ValidationFailed
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection as Direction


@strawberry.enum(description="Whose values win a conflict")
class ConflictWinner(Enum):
    ERP = "ERP"
    CRM = "CRM"


@strawberry.input
class SyncRecordInput:
    mapping: str
    erp_id: strawberry.ID | None = None
    erp_key: str | None = None
    crm_id: uuid.UUID | None = None
    direction: SyncDirection | None = strawberry.field(
        default=None, description="Default: the mapping's; for bidirectional ones, the side that changed"
    )


@strawberry.input
class RunMappingSyncInput:
    mapping: str
    direction: SyncDirection | None = None
    only_modified: bool = strawberry.field(default=True, description="False: every record (a full run)")


@strawberry.input
class CreateCounterpartInput:
    mapping: str
    erp_ids: list[strawberry.ID] | None = None
    erp_keys: list[str] | None = None
    crm_ids: list[uuid.UUID] | None = None


@strawberry.input
class CancelSyncJobInput:
    id: strawberry.ID


@strawberry.input
class RetrySkippedInput:
    coupling_ids: list[strawberry.ID] | None = None
    mapping: str | None = strawberry.field(default=None, description="Every skipped record of this mapping")


@strawberry.input
class ResolveConflictInput:
    coupling_id: strawberry.ID
    winner: ConflictWinner


@strawberry.type
class SyncMutation:
    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION), description="Synchronize one coupled record now"
    )
    async def sync_record(self, info: Info, input: SyncRecordInput) -> SyncJobPayload:
        services = info.context.services
        try:
            crm = await services.crm.client()
            jobs = await services.sync.sync_record(
                input.mapping,
                erp_id=parse_id(input.erp_id, "record") if input.erp_id else None,
                erp_key=input.erp_key,
                crm_id=input.crm_id,
                direction=input.direction,
                crm=crm,
            )
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload.started(jobs)

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Synchronize a mapping (both passes of a bidirectional one)",
    )
    async def run_mapping_sync(self, info: Info, input: RunMappingSyncInput) -> SyncJobPayload:
        try:
            jobs = await info.context.services.sync.run_mapping(
                input.mapping, input.direction, only_modified=input.only_modified
            )
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload.started(jobs)

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Push inventory to the CRM's product quantity on hand, for coupled items whose stock "
        "changed since the last push (it also runs on ITEM-PRODUCT's schedule and after stock moves)",
    )
    async def push_stock(self, info: Info) -> SyncJobPayload:
        services = info.context.services
        try:
            job = await services.push_stock(Trigger.MANUAL)
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload.started([job])

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Every enabled mapping's modified records, prerequisites first",
    )
    async def sync_modified_records(self, info: Info) -> SyncJobsPayload:
        try:
            jobs = await info.context.services.sync.sync_modified()
        except ValidationFailed as failed:
            return SyncJobsPayload(user_errors=user_errors(failed))
        return SyncJobsPayload(sync_jobs=[SyncJob.of(j) for j in jobs])

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Create CRM rows for these ERP records and couple them",
    )
    async def create_in_crm(self, info: Info, input: CreateCounterpartInput) -> SyncJobPayload:
        services = info.context.services
        try:
            ids = [parse_id(i, "record") for i in input.erp_ids or []]
            if input.erp_keys:
                mapping = await require_mapping(services.reads, input.mapping)
                ids += [
                    (await find_erp_record(services.reads, mapping, None, key)).id for key in input.erp_keys
                ]
            await services.crm.client()
            job = await services.sync.create_counterparts(input.mapping, Direction.TO_CRM, ids)
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload.started([job])

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Create ERP records for these CRM rows and couple them",
    )
    async def create_in_erp(self, info: Info, input: CreateCounterpartInput) -> SyncJobPayload:
        services = info.context.services
        try:
            await services.crm.client()
            job = await services.sync.create_counterparts(
                input.mapping, Direction.FROM_CRM, input.crm_ids or []
            )
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload.started([job])

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Stop a job: a queued one never starts, a running one stops between records",
    )
    async def cancel_sync_job(self, info: Info, input: CancelSyncJobInput) -> SyncJobPayload:
        try:
            job = await info.context.services.jobs.cancel(parse_id(input.id))
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload.started([job])

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Restore skipped records and synchronize them again",
    )
    async def retry_skipped_records(self, info: Info, input: RetrySkippedInput) -> SyncJobPayload:
        try:
            if not input.coupling_ids and not input.mapping:
                raise ValidationFailed.single(None, "give coupling ids or a mapping", ErrorCode.REQUIRED)
            await info.context.services.crm.client()
            jobs = await info.context.services.sync.retry_skipped(
                coupling_ids=[parse_id(i, "coupling") for i in input.coupling_ids or []],
                mapping=input.mapping,
            )
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload.started(jobs)

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Settle a conflict: the winner's values overwrite the other side's",
    )
    async def resolve_conflict(self, info: Info, input: ResolveConflictInput) -> CouplingPayload:
        winner = Direction.TO_CRM if input.winner is ConflictWinner.ERP else Direction.FROM_CRM
        try:
            await info.context.services.crm.client()
            coupling, _ = await info.context.services.sync.resolve_conflict(
                parse_id(input.coupling_id, "coupling"), winner
            )
        except ValidationFailed as failed:
            return CouplingPayload(user_errors=user_errors(failed))
        return CouplingPayload(coupling=Coupling.of(coupling))
