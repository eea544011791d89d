"""The whole schema: feature parts merged into Query and Mutation (pycon style)."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api.errors import is_expected
from api.graphql.financials.journal import JournalMutation
from api.graphql.financials.operations import build as build_financials
from api.graphql.keys import KeysMutation, KeysQuery
from api.graphql.viewer import ViewerQuery
from api.metrics import GraphQLMetrics


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 4000
    max_aliases: int = 40


_FinancialsQuery, _FinancialsMutation = build_financials()

Query = merge_types("Query", (ViewerQuery, KeysQuery, _FinancialsQuery))
Mutation = merge_types("Mutation", (KeysMutation, _FinancialsMutation, JournalMutation))


class CoupletSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only unexpected errors; a refused key or a bad argument is the client's business."""
        super().process_errors([e for e in errors if not is_expected(e)], execution_context)


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    limits = limits or Limits()
    return CoupletSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=limits.max_depth),
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
            lambda: MaskErrors(should_mask_error=lambda error: not is_expected(error)),
            GraphQLMetrics,
        ],
    )


schema = build_schema()
