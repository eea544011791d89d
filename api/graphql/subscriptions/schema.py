"""The Subscription root type."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.graphql.subscriptions.fullsync import FullSyncSubscription
from api.graphql.subscriptions.jobs import JobsSubscription

Subscription = merge_types("Subscription", (JobsSubscription, FullSyncSubscription))
