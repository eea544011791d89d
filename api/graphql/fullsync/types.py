"""FullSyncReview and its lines."""

from __future__ import annotations

import datetime

import strawberry

from api.context import Info
from api.graphql.common import UserError
from api.graphql.enums import SyncDirection
from api.graphql.jobs.types import SyncJob
from domain.fullsync.model import LineStatus as _LineStatus
from domain.fullsync.model import PassStatus as _PassStatus
from domain.fullsync.model import Recommendation as _Recommendation
from domain.fullsync.model import ReviewLine
from domain.mappings.dag import effective_dependencies
from domain.mappings.model import TableMapping

strawberry.enum(_Recommendation, name="SyncRecommendation")
SyncRecommendation = _Recommendation
strawberry.enum(_LineStatus, name="ReviewLineStatus")
ReviewLineStatus = _LineStatus
strawberry.enum(_PassStatus, name="PassStatus")
PassStatus = _PassStatus


@strawberry.type(description="One mapping of the full synchronization")
class FullSyncReviewLine:
    mapping: str
    position: int
    depends_on: list[str]
    direction: SyncDirection
    recommendation: SyncRecommendation
    status: ReviewLineStatus
    to_crm_status: PassStatus
    from_crm_status: PassStatus
    message: str | None
    modified_at: datetime.datetime
    line: strawberry.Private[ReviewLine]

    async def _job(self, info: Info, job_id: object) -> SyncJob | None:
        if job_id is None:
            return None
        job = await info.context.services.reads.jobs.get(job_id)  # type: ignore[arg-type]
        return None if job is None else SyncJob.of(job)

    @strawberry.field
    async def to_crm_job(self, info: Info) -> SyncJob | None:
        return await self._job(info, self.line.to_crm_job_id)

    @strawberry.field
    async def from_crm_job(self, info: Info) -> SyncJob | None:
        return await self._job(info, self.line.from_crm_job_id)

    @classmethod
    def of(
        cls, line: ReviewLine, mapping: TableMapping | None, mappings: dict[str, TableMapping]
    ) -> FullSyncReviewLine:
        return cls(
            mapping=line.mapping,
            position=line.position,
            depends_on=effective_dependencies(mapping, mappings) if mapping else [],
            direction=mapping.direction if mapping else SyncDirection.BIDIRECTIONAL,
            recommendation=line.recommendation,
            status=line.status,
            to_crm_status=line.to_crm_status,
            from_crm_status=line.from_crm_status,
            message=line.message,
            modified_at=line.modified_at,
            line=line,
        )


@strawberry.type(description="The full synchronization: one line per enabled mapping, run as a DAG")
class FullSyncReview:
    lines: list[FullSyncReviewLine]
    is_running: bool

    @classmethod
    def of(cls, lines: list[ReviewLine], mappings: dict[str, TableMapping]) -> FullSyncReview:
        return cls(
            lines=[FullSyncReviewLine.of(line, mappings.get(line.mapping), mappings) for line in lines],
            is_running=any(line.status is _LineStatus.IN_PROCESS for line in lines),
        )


@strawberry.type
class FullSyncPayload:
    full_sync_review: FullSyncReview | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
