"""The whole schema: feature parts merged into Query and Mutation (pycon style)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api.errors import code_for, is_expected
from api.graphql.availability.operations import AvailabilityQuery
from api.graphql.connection.operations import ConnectionMutation, ConnectionQuery
from api.graphql.couplings.operations import CouplingsMutation, CouplingsQuery
from api.graphql.financials.journal import JournalMutation
from api.graphql.financials.operations import build as build_financials
from api.graphql.fullsync.operations import FullSyncMutation, FullSyncQuery
from api.graphql.jobs.queries import JobsQuery
from api.graphql.keys import KeysMutation, KeysQuery
from api.graphql.mappings.operations import MappingsMutation, MappingsQuery
from api.graphql.subscriptions.schema import Subscription
from api.graphql.sync.operations import SyncMutation
from api.graphql.viewer import ViewerQuery
from api.graphql.webhooks import WebhooksMutation
from api.metrics import GraphQLMetrics


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 4000
    max_aliases: int = 40


_FinancialsQuery, _FinancialsMutation = build_financials()

Query = merge_types(
    "Query",
    (
        ViewerQuery,
        KeysQuery,
        ConnectionQuery,
        MappingsQuery,
        CouplingsQuery,
        JobsQuery,
        FullSyncQuery,
        AvailabilityQuery,
        _FinancialsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        KeysMutation,
        ConnectionMutation,
        MappingsMutation,
        CouplingsMutation,
        SyncMutation,
        FullSyncMutation,
        WebhooksMutation,
        _FinancialsMutation,
        JournalMutation,
    ),
)


class ErrorCodes(SchemaExtension):
    """Every error a client sees carries `extensions.code`."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or []:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": code_for(error)}


class CoupletSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only unexpected errors; a refused key or a bad argument is the client's business."""
        super().process_errors([e for e in errors if not is_expected(e)], execution_context)


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    limits = limits or Limits()
    # The limiters' rule classes are made once: made per request, they never hit the validation cache.
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    return CoupletSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: AddValidationRules(rules),
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            ParserCache,
            ValidationCache,
            ErrorCodes,  # before MaskErrors: its closing code runs after MaskErrors' own
            lambda: MaskErrors(should_mask_error=lambda error: not is_expected(error)),
            GraphQLMetrics,
        ],
    )


schema = build_schema()
