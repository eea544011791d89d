"""The CRM port: what the sync engine asks of Dynamics 365 Sales (Dataverse).

Rows are addressed by the entity's *logical name* (``account``, ``systemuser``,
``salesorder``, a solution's ``bcbi_company`` …); the adapter knows the entity
sets, primary keys and navigation properties behind them. Attribute values in
this port are plain Python:

=====================  ===============================================
``str``                text, memo
``int`` / ``bool``     whole numbers, choices (option values), two-options
``Decimal``            money and decimal columns (never ``float``)
``datetime``           aware UTC (Dataverse has one-second resolution)
``UUID``               primary keys and unique identifiers
``Lookup``             a reference to another row (lookup, customer, owner)
``None``               empty; for a lookup, clears it
=====================  ===============================================

Errors are classed so the domain can decide without knowing HTTP. The tree::

    CrmError                      error_class, status, code, message, retry_after
    ├── CrmTransientError         TRANSIENT  retry later (network, 5xx, timeouts)
    │   ├── CrmThrottledError     429 service protection; retry_after is set
    │   └── CrmTimeoutError       no answer within the configured timeout
    ├── CrmConflictError          CONFLICT   the row is not as the caller thought
    │   ├── CrmConcurrencyError   412: the ETag given no longer matches
    │   └── CrmDuplicateError     a row with that id or key already exists
    ├── CrmNotFoundError          NOT_FOUND  404: the row (or a row it refers to) is gone
    └── CrmPermanentError         PERMANENT  retrying will not help
        ├── CrmAuthError          401 / token endpoint refused the credentials
        ├── CrmPermissionError    403: the user lacks a privilege
        └── CrmValidationError    400 and other 4xx: the request itself is wrong
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, TypeAlias
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Lookup:
    """A reference to the row `id` of entity `entity` (a logical name)."""

    entity: str
    id: UUID


AttributeValue: TypeAlias = str | int | bool | Decimal | datetime | UUID | Lookup | None
Attributes: TypeAlias = Mapping[str, AttributeValue]


@dataclass(frozen=True, slots=True)
class CrmRow:
    """One row as read from the CRM.

    `attributes` holds the columns that were read, lookups as `Lookup` under the
    lookup's own name (``parentaccountid``, not ``_parentaccountid_value``).
    `etag` is opaque; pass it back to `CrmRows.update` for optimistic concurrency.
    """

    entity: str
    id: UUID
    attributes: Mapping[str, AttributeValue]
    etag: str | None = None
    modified_on: datetime | None = None
    modified_by: UUID | None = None

    def get(self, name: str) -> AttributeValue:
        return self.attributes.get(name)


@dataclass(frozen=True, slots=True)
class RowChange:
    """Attributes to write to the row `id` (bulk update and upsert)."""

    id: UUID
    attributes: Attributes


@dataclass(frozen=True, slots=True)
class NewRow:
    """Attributes of a row to create, with an optional client-chosen id."""

    attributes: Attributes
    id: UUID | None = None


@dataclass(frozen=True, slots=True)
class WhoAmI:
    """The caller as the CRM sees it (the application user of the app registration)."""

    user_id: UUID
    business_unit_id: UUID
    organization_id: UUID


@dataclass(frozen=True, slots=True)
class OptionValue:
    """One option of a choice column: its integer value and its (user-language) label."""

    value: int
    label: str


class CrmErrorClass(StrEnum):
    """How the sync engine should react to a failed CRM call (DOMAIN.md "Errors are classed")."""

    TRANSIENT = "TRANSIENT"
    CONFLICT = "CONFLICT"
    NOT_FOUND = "NOT_FOUND"
    PERMANENT = "PERMANENT"


class CrmError(Exception):
    """A CRM call failed. `code` is Dataverse's error code (``"0x80040237"``), often empty;
    `status` is the HTTP status (None when no answer came back); `retry_after` is the
    number of seconds the CRM asked the caller to wait, when it said so."""

    error_class: CrmErrorClass = CrmErrorClass.PERMANENT

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status is not None else "no response"
        code = f" {self.code}" if self.code else ""
        return f"{self.message} ({where}{code})"


class CrmTransientError(CrmError):
    error_class = CrmErrorClass.TRANSIENT


class CrmThrottledError(CrmTransientError):
    """Service protection limits (429); wait `retry_after` seconds before the next call."""


class CrmTimeoutError(CrmTransientError):
    pass


class CrmConflictError(CrmError):
    error_class = CrmErrorClass.CONFLICT


class CrmConcurrencyError(CrmConflictError):
    """The row changed since it was read: the `If-Match` ETag did not match (412)."""


class CrmDuplicateError(CrmConflictError):
    """A row with the same primary key or unique value already exists."""


class CrmNotFoundError(CrmError):
    error_class = CrmErrorClass.NOT_FOUND


class CrmPermanentError(CrmError):
    error_class = CrmErrorClass.PERMANENT


class CrmAuthError(CrmPermanentError):
    """The credentials were refused (token endpoint, or 401 after one token refresh)."""


class CrmPermissionError(CrmPermanentError):
    """The caller is authenticated but lacks a privilege (403)."""


class CrmValidationError(CrmPermanentError):
    """The CRM refused the request as invalid (400 and other 4xx)."""


@dataclass(frozen=True, slots=True)
class RowFailure:
    """One row of a bulk call that was not written, by its position in the input."""

    index: int
    id: UUID | None
    error: CrmError


@dataclass(frozen=True, slots=True)
class BulkResult:
    """The outcome of a bulk call: ids written (input order, failures left out) and
    the rows that failed. A whole request failing for a transient reason raises instead."""

    ids: list[UUID] = field(default_factory=list)
    failures: list[RowFailure] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Create:
    entity: str
    attributes: Attributes
    id: UUID | None = None


@dataclass(frozen=True, slots=True)
class Update:
    """Update only (never creates); with `etag`, only if the row is unchanged."""

    entity: str
    id: UUID
    attributes: Attributes
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Upsert:
    entity: str
    id: UUID
    attributes: Attributes


@dataclass(frozen=True, slots=True)
class Delete:
    entity: str
    id: UUID
    etag: str | None = None


BatchOperation: TypeAlias = Create | Update | Upsert | Delete


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The outcome of one batch operation: the row's id, or the error it met."""

    id: UUID | None
    error: CrmError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def odata_literal(value: AttributeValue) -> str:
    """`value` as an OData ``$filter`` literal: strings quoted with ``'`` doubled,
    GUIDs and UTC date-times unquoted, booleans and ``null`` as keywords."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Lookup):
        return str(value.id)
    if isinstance(value, datetime):
        return format_datetime(value)
    return "'" + value.replace("'", "''") + "'"


def format_datetime(value: datetime) -> str:
    """Dataverse's date-time form: UTC, whole seconds, ``Z``."""
    if value.tzinfo is None:
        raise ValueError("CRM date-times must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class CrmRows(Protocol):
    """Row access: what the sync passes, matching and the stock push ask of the CRM.
    Every call may raise `CrmError`.

    Calls are retried inside the client where retrying is safe (transient errors,
    429 with Retry-After); what reaches the caller has exhausted that budget. The
    caller's identity and choice columns' options are here too: a pass from the CRM
    tells its own writes by the caller's user id, and option mappings sync options
    as values. Setup and administration are `domain.crm_admin.CrmAdmin`."""

    async def who_am_i(self) -> WhoAmI:
        """The calling user; the cheapest way to test a connection."""

    async def get(self, entity: str, id: UUID, select: Sequence[str] | None = None) -> CrmRow | None:
        """The row, or None when it does not exist. `select` limits the columns read."""

    def query(
        self,
        entity: str,
        *,
        filter: str | None = None,
        select: Sequence[str] | None = None,
        orderby: Sequence[str] | None = None,
        top: int | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[list[CrmRow]]:
        """Rows matching an OData `filter` (build literals with `odata_literal`), page by
        page. `orderby` items are ``"name"`` or ``"name desc"``; `top` caps the total."""

    def changed_since(
        self,
        entity: str,
        since: datetime | None,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[list[CrmRow]]:
        """Rows with ``modifiedon`` after `since` (all rows when None), ordered by
        modifiedon then id, page by page. modifiedon has one-second resolution: a
        caller keeping a watermark should overlap it (DOMAIN.md: 1 s). Deleted rows
        are not reported (webhooks report them; a write to one is `CrmNotFoundError`)."""

    async def get_many(
        self, entity: str, ids: Collection[UUID], select: Sequence[str] | None = None
    ) -> list[CrmRow]:
        """The rows among `ids` that exist, in no particular order."""

    async def create(self, entity: str, attributes: Attributes, *, id: UUID | None = None) -> UUID:
        """Create a row and return its id; `id` chooses the primary key."""

    async def update(self, entity: str, id: UUID, attributes: Attributes, *, etag: str | None = None) -> None:
        """Write these attributes; never creates (a missing row is `CrmNotFoundError`).
        With `etag`, fails with `CrmConcurrencyError` if the row changed since."""

    async def upsert(self, entity: str, id: UUID, attributes: Attributes) -> bool:
        """Update the row, or create it with this id; True when it was created."""

    async def delete(self, entity: str, id: UUID, *, etag: str | None = None) -> None:
        """Delete the row (`CrmNotFoundError` when it does not exist)."""

    async def create_multiple(self, entity: str, rows: Sequence[NewRow]) -> BulkResult:
        """Create many rows with the CreateMultiple message, in chunks."""

    async def update_multiple(self, entity: str, rows: Sequence[RowChange]) -> BulkResult:
        """Update many existing rows with the UpdateMultiple message, in chunks."""

    async def upsert_multiple(self, entity: str, rows: Sequence[RowChange]) -> BulkResult:
        """Upsert many rows by id with the UpsertMultiple message, in chunks."""

    async def batch(self, operations: Sequence[BatchOperation], *, atomic: bool = True) -> list[BatchResult]:
        """Run mixed small writes in one ``$batch`` request, in order. Atomic: all or
        nothing, and the first error raises. Not atomic: every operation is tried and
        the results carry each one's error."""

    async def option_set(self, entity: str, attribute: str) -> list[OptionValue]:
        """The options of a choice column, e.g. ``("account", "paymenttermscode")``."""

    async def insert_option_value(self, entity: str, attribute: str, label: str) -> int:
        """Add an option to a choice column; returns the value the CRM gave it."""
