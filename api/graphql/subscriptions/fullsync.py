"""`fullSyncReview`: the review now, then again after every change of its lines
(ordered by the review's version, which every change advances)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

import strawberry

from adapters.db.repositories.fullsync import SqlFullSyncStore
from api.auth import requires
from api.context import Info
from api.errors import NotConfigured
from api.graphql.fullsync.types import FullSyncReview
from api.graphql.subscriptions.stream import Change, snapshot_then_changes
from domain.auth import Role
from domain.errors import ValidationFailed
from domain.events import FULL_SYNC_CHANNEL, Event

KEY = "review"


@strawberry.type
class FullSyncSubscription:
    @strawberry.subscription(
        name="fullSyncReview",
        extensions=requires(Role.INTEGRATION),
        description="The full-sync review now, then after every change of its lines",
    )
    async def full_sync_review_changes(self, info: Info) -> AsyncGenerator[FullSyncReview, None]:
        container = info.context.container

        async def read(_: set[str]) -> Sequence[Change[FullSyncReview]]:
            async with container.db.read() as session:
                version = await SqlFullSyncStore(session, container.clock).version()
            try:
                lines, mappings = await container.full_sync.review()
            except ValidationFailed as failed:
                raise NotConfigured(str(failed)) from None
            return [Change(KEY, version, FullSyncReview.of(lines, mappings))]

        async def parse(event: Event) -> Sequence[Change[FullSyncReview]]:
            return await read(set())

        async for state in snapshot_then_changes(
            container.events, [FULL_SYNC_CHANNEL], read, parse, end_at_final=False
        ):
            yield state
