"""Errors the domain reports to its callers.

Expected failures (bad input, unknown references, duplicates) are values the
API turns into `userErrors`; they never become a 500 and never leave a write
behind, because the caller's unit of work rolls back when they are raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Machine-readable reason of a user error (GraphQL `UserError.code`)."""

    REQUIRED = "REQUIRED"
    INVALID_VALUE = "INVALID_VALUE"
    TOO_LONG = "TOO_LONG"
    NEGATIVE_VALUE = "NEGATIVE_VALUE"
    UNKNOWN_REFERENCE = "UNKNOWN_REFERENCE"
    DUPLICATE_KEY = "DUPLICATE_KEY"
    NOT_FOUND = "NOT_FOUND"
    IN_USE = "IN_USE"
    BLOCKED = "BLOCKED"
    CONFLICT = "CONFLICT"
    ALREADY_COUPLED = "ALREADY_COUPLED"
    NOT_COUPLED = "NOT_COUPLED"
    OUTSIDE_FILTER = "OUTSIDE_FILTER"
    CRM_ERROR = "CRM_ERROR"
    NOT_CONFIGURED = "NOT_CONFIGURED"
    INVALID_STATE = "INVALID_STATE"
    CYCLE = "CYCLE"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field. `field` is a dotted path in the input's
    own (domain) names, e.g. ``salesperson_code`` or ``lines.1.no``; the API
    renders it in camelCase."""

    field: str | None
    message: str
    code: ErrorCode


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class ValidationFailed(DomainError):
    """Input was refused; nothing was written."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors))

    @classmethod
    def single(cls, field: str | None, message: str, code: ErrorCode) -> ValidationFailed:
        return cls([FieldError(field, message, code)])
