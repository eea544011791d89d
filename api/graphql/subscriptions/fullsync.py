"""`fullSyncReview`: the review now, then again whenever it changes: a line's
status (the review's version advances) or the progress of a line's job (its
events on the activity channel), so a watcher can draw progress bars."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

import strawberry

from api.auth import requires
from api.context import Info
from api.errors import NotConfigured
from api.graphql.fullsync.types import FullSyncReview
from api.graphql.subscriptions.stream import Change, snapshot_then_changes
from domain.auth import Role
from domain.errors import ValidationFailed
from domain.events import FULL_SYNC_CHANNEL, Event, activity_channel
from domain.fullsync.service import TRIGGER

KEY = "review"


@strawberry.type
class FullSyncSubscription:
    @strawberry.subscription(
        name="fullSyncReview",
        extensions=requires(Role.INTEGRATION),
        description="The full-sync review now, then after every change of its lines or their jobs",
    )
    async def full_sync_review_changes(self, info: Info) -> AsyncGenerator[FullSyncReview, None]:
        services = info.context.services
        sent: dict[str, Any] = {"fingerprint": None, "seq": 0}

        async def read(_: set[str]) -> Sequence[Change[FullSyncReview]]:
            """The review, numbered anew only when it differs from the one sent last."""
            try:
                lines, mappings = await services.full_sync.review()
            except ValidationFailed as failed:
                raise NotConfigured(str(failed)) from None
            version = await services.reads.full_sync.version()
            ids = [i for line in lines for i in (line.to_crm_job_id, line.from_crm_job_id)]
            jobs = await services.reads.jobs.many([i for i in ids if i])
            job_seqs = [(i, jobs[i].seq if i and i in jobs else None) for i in ids]
            fingerprint = (version, tuple(job_seqs), tuple((li.mapping, li.status) for li in lines))
            if fingerprint != sent["fingerprint"]:
                sent["fingerprint"], sent["seq"] = fingerprint, sent["seq"] + 1
            return [Change(KEY, sent["seq"], FullSyncReview.of(lines, mappings))]

        async def parse(event: Event) -> Sequence[Change[FullSyncReview]]:
            if "id" in event and event.get("trigger") != TRIGGER:
                return []  # a job that is not the full sync's
            return await read(set())

        channels = [FULL_SYNC_CHANNEL, activity_channel()]
        async for state in snapshot_then_changes(services.events, channels, read, parse, end_at_final=False):
            yield state
