"""`fullSyncReview`, `startFullSync`, `restartFullSyncLine`, `resetFullSyncReview` (ADMIN to run)."""

from __future__ import annotations

import strawberry

from api.auth import requires
from api.context import Info
from api.errors import NotConfigured
from api.graphql.common import user_errors
from api.graphql.fullsync.types import FullSyncPayload, FullSyncReview
from domain.auth import Role
from domain.errors import ValidationFailed


@strawberry.input
class StartFullSyncInput:
    mappings: list[str] | None = strawberry.field(default=None, description="Default: every line")


@strawberry.input
class FullSyncLineInput:
    mapping: str


async def _current(info: Info) -> FullSyncPayload:
    lines, mappings = await info.context.services.full_sync.review()
    return FullSyncPayload(full_sync_review=FullSyncReview.of(lines, mappings))


@strawberry.type
class FullSyncQuery:
    @strawberry.field(
        extensions=requires(Role.INTEGRATION),
        description="The review: generated with its recommendations on first use",
    )
    async def full_sync_review(self, info: Info) -> FullSyncReview:
        try:
            lines, mappings = await info.context.services.full_sync.review()
        except ValidationFailed as failed:
            raise NotConfigured(str(failed)) from None
        return FullSyncReview.of(lines, mappings)


@strawberry.type
class FullSyncMutation:
    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Start the full synchronization in the background (returns at once)",
    )
    async def start_full_sync(self, info: Info, input: StartFullSyncInput | None = None) -> FullSyncPayload:
        try:
            await info.context.services.full_sync.start(input.mappings if input else None)
        except ValidationFailed as failed:
            return FullSyncPayload(user_errors=user_errors(failed))
        return await _current(info)

    @strawberry.mutation(extensions=requires(Role.INTEGRATION), description="Run a failed line again")
    async def restart_full_sync_line(self, info: Info, input: FullSyncLineInput) -> FullSyncPayload:
        try:
            await info.context.services.full_sync.restart(input.mapping)
        except ValidationFailed as failed:
            return FullSyncPayload(user_errors=user_errors(failed))
        return await _current(info)

    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Generate the review again, with fresh recommendations",
    )
    async def reset_full_sync_review(self, info: Info) -> FullSyncPayload:
        try:
            await info.context.services.full_sync.reset()
        except ValidationFailed as failed:
            return FullSyncPayload(user_errors=user_errors(failed))
        return await _current(info)
