"""GraphQL errors Couplet raises on purpose; each carries `extensions.code`."""

from __future__ import annotations

from graphql import GraphQLError


class ApiError(GraphQLError):
    code = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code})


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"


class NotConfigured(ApiError):
    code = "NOT_CONFIGURED"


def is_expected(error: GraphQLError) -> bool:
    """Errors shown to clients as they are: ours, and GraphQL's own validation
    errors (no original exception). Everything else is masked."""
    original = error.original_error
    return original is None or isinstance(original, ApiError | GraphQLError)


def code_for(error: GraphQLError) -> str:
    """An `extensions.code` for errors GraphQL itself raised (Apollo's names)."""
    message = error.message
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if (
        message.startswith("Variable '$")
        or "Expected value of type" in message
        or "cannot represent" in message
    ):
        return "BAD_USER_INPUT"
    if error.original_error is None and not error.path:
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"
