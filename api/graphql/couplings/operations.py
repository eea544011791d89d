"""Coupling queries and mutations (INTEGRATION)."""

from __future__ import annotations

import uuid

import strawberry

from api.auth import requires
from api.context import Info
from api.graphql.common import Connection, page_size, user_errors
from api.graphql.couplings.types import Coupling, CouplingPayload
from api.graphql.enums import SyncDirection
from api.graphql.jobs.queries import parse_id
from api.graphql.jobs.types import SyncJob as SyncJobType
from api.graphql.jobs.types import SyncJobPayload
from domain.auth import Role
from domain.couplings.matching import criteria_for
from domain.couplings.service import CoupleRequest, find_erp_record, require_mapping
from domain.errors import ErrorCode, ValidationFailed
from domain.jobs.model import JobKind, SyncJob
from domain.jobs.params import MatchParams
from domain.jobs.triggers import Trigger


@strawberry.input
class CoupleRecordsInput:
    mapping: str
    erp_id: strawberry.ID | None = None
    erp_key: str | None = strawberry.field(default=None, description="The business key, e.g. C10000")
    crm_id: uuid.UUID | None = strawberry.field(default=None, description="The CRM row (row mappings)")
    crm_option_value: int | None = strawberry.field(
        default=None, description="The CRM option (option mappings)"
    )
    sync_after: SyncDirection | None = strawberry.field(
        default=None, description="Synchronize the pair in this direction once coupled"
    )


@strawberry.input
class UncoupleRecordsInput:
    mapping: str
    coupling_id: strawberry.ID | None = None
    erp_id: strawberry.ID | None = None
    erp_key: str | None = None
    crm_id: uuid.UUID | None = None
    all: bool = strawberry.field(default=False, description="Uncouple the whole mapping, as a background job")


@strawberry.input
class MatchCriterionInput:
    erp_field: str = strawberry.field(description="An ERP field the mapping pairs with a CRM attribute")
    priority: int | None = strawberry.field(default=None, description="Lower groups are tried first")
    case_sensitive: bool | None = None


@strawberry.input
class MatchBasedCouplingInput:
    mapping: str
    criteria: list[MatchCriterionInput] | None = strawberry.field(
        default=None, description="Default: the mapping's match fields"
    )
    create_if_no_match: bool | None = strawberry.field(
        default=None, description="Default: the mapping's setting"
    )
    sync_after: SyncDirection | None = None
    dry_run: bool = strawberry.field(default=False, description="Report the plan, couple nothing")


@strawberry.type
class CouplingsQuery:
    @strawberry.field(extensions=requires(Role.INTEGRATION))
    async def couplings(
        self,
        info: Info,
        mapping: str | None = None,
        skipped: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Coupling]:
        size = page_size(first, info.context.services.settings.max_page_size)
        page = await info.context.services.reads.couplings.page(
            mapping=mapping,
            skipped=skipped,
            first=size,
            after=parse_id(after, "coupling") if after else None,
        )
        return Connection.of(
            page.couplings,
            [str(c.id) for c in page.couplings],
            has_next=page.has_next,
            has_previous=after is not None,
            total=page.total,
            convert=Coupling.of,
        )

    @strawberry.field(extensions=requires(Role.INTEGRATION))
    async def coupling(
        self, info: Info, mapping: str, erp_id: strawberry.ID | None = None, crm_id: uuid.UUID | None = None
    ) -> Coupling | None:
        reads = info.context.services.reads.couplings
        if erp_id is not None:
            found = await reads.by_erp(mapping, parse_id(erp_id, "record"))
        elif crm_id is not None:
            found = await reads.by_crm(mapping, crm_id)
        else:
            return None
        return None if found is None else Coupling.of(found)


@strawberry.type
class CouplingsMutation:
    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Couple an ERP record to a CRM row; both must exist and be in the filters",
    )
    async def couple_records(self, info: Info, input: CoupleRecordsInput) -> CouplingPayload:
        try:
            request = CoupleRequest(
                mapping=input.mapping,
                crm_id=input.crm_id,
                crm_option=input.crm_option_value,
                erp_id=parse_id(input.erp_id, "record") if input.erp_id else None,
                erp_key=input.erp_key,
                sync_after=input.sync_after,
            )
            coupling = await (await info.context.services.couplings()).couple(request)
        except ValidationFailed as failed:
            return CouplingPayload(user_errors=user_errors(failed))
        await info.context.services.coupled([coupling])
        return CouplingPayload(coupling=Coupling.of(coupling))

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Uncouple one record now, or a whole mapping as a background job",
    )
    async def uncouple_records(self, info: Info, input: UncoupleRecordsInput) -> SyncJobPayload:
        services = info.context.services
        try:
            if input.all:
                job = await services.start_job(
                    JobKind.UNCOUPLE,
                    input.mapping,
                    trigger=Trigger.MANUAL,
                    dedupe=f"uncouple:{input.mapping}",
                )
                return SyncJobPayload(sync_job=SyncJobType.of(job))
            erp_id = parse_id(input.erp_id, "record") if input.erp_id else None
            if input.erp_key is not None:
                mapping = await require_mapping(services.reads, input.mapping)
                erp_id = (await find_erp_record(services.reads, mapping, None, input.erp_key)).id
            service = await services.couplings(with_crm=False)
            job = await service.uncouple(
                input.mapping,
                coupling_id=parse_id(input.coupling_id, "coupling") if input.coupling_id else None,
                erp_id=erp_id,
                crm_id=input.crm_id,
            )
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload(sync_job=SyncJobType.of(job))

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Couple uncoupled records whose match fields have exactly one uncoupled match",
    )
    async def match_based_coupling(self, info: Info, input: MatchBasedCouplingInput) -> SyncJobPayload:
        services = info.context.services
        try:
            await services.crm.client()  # refuse early when no connection is configured
            mapping = await require_mapping(services.reads, input.mapping)
            wanted = [(c.erp_field, c.priority, c.case_sensitive) for c in input.criteria or []]
            criteria = criteria_for(mapping, wanted)
            create = (
                mapping.create_if_no_match if input.create_if_no_match is None else input.create_if_no_match
            )
            job = await services.start_job(
                JobKind.MATCH,
                mapping.name,
                trigger=Trigger.DRY_RUN if input.dry_run else Trigger.MANUAL,
                dedupe=None if input.dry_run else f"match:{mapping.name}",
                params=MatchParams(
                    criteria=tuple(criteria),
                    create_if_no_match=create,
                    sync_after=input.sync_after,
                    dry_run=input.dry_run,
                ),
            )
        except ValidationFailed as failed:
            return SyncJobPayload(user_errors=user_errors(failed))
        return SyncJobPayload(sync_job=SyncJobType.of(job))


def already_running(job: SyncJob) -> ValidationFailed:
    return ValidationFailed.single(
        None,
        f"a {job.kind.value.lower()} job for {job.mapping} is already {job.status.value.lower()} ({job.id})",
        ErrorCode.INVALID_STATE,
    )
