"""Types every feature shares: user errors, Relay connections, delete payloads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry.utils.str_converters import to_camel_case

from api.errors import BadUserInput
from domain.errors import ErrorCode, FieldError, ValidationFailed

strawberry.enum(ErrorCode, name="UserErrorCode", description="Why an input was refused")
UserErrorCode = ErrorCode


@strawberry.type(description="A problem with the input; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(
        description="Dotted path into the input, e.g. `lines.1.unitOfMeasure`"
    )
    message: str
    code: UserErrorCode


def camel_path(path: str | None) -> str | None:
    if path is None:
        return None
    return ".".join(to_camel_case(part) for part in path.split("."))


def user_errors(errors: ValidationFailed | Sequence[FieldError]) -> list[UserError]:
    items = errors.errors if isinstance(errors, ValidationFailed) else errors
    return [UserError(field=camel_path(e.field), message=e.message, code=e.code) for e in items]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


T = TypeVar("T")
R = TypeVar("R")


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A Relay connection: `first`/`after` paging with a total count.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field(description="The nodes of `edges`, for clients that do not need cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(
        cls,
        items: Sequence[R],
        cursors: Sequence[str],
        *,
        has_next: bool,
        has_previous: bool,
        total: int,
        convert: Callable[[R], T],
    ) -> Connection[T]:
        edges = [Edge(cursor=c, node=convert(item)) for item, c in zip(items, cursors, strict=True)]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
            total_count=total,
        )


DEFAULT_PAGE = 50


def page_size(first: int | None, maximum: int) -> int:
    if first is None:
        return min(DEFAULT_PAGE, maximum)
    if first < 0 or first > maximum:
        raise BadUserInput(f"first must be between 0 and {maximum}")
    return first


@strawberry.input(description="A record by its business key (`no` or `code`), or by id.")
class DeleteByKeyInput:
    key: str | None = None
    id: strawberry.ID | None = None


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    deleted_key: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
