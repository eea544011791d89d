"""The errors the simulator answers with: HTTP status, Dataverse code, message,
as ``{"error": {"code": ..., "message": ...}}`` (reference §2.12).

Codes and messages follow the reference where it has them. Two come from
community reports rather than the reference and are marked so below:
``0x80060888`` for writing ``_x_value`` ("CRM do not support direct update of
Entity Reference properties…") and ``0x80048d19`` for a payload the OData
reader cannot take (unknown property, wrong JSON type)."""

from __future__ import annotations

from uuid import UUID

NOT_FOUND = "0x80040217"
DUPLICATE = "0x80040237"
CONCURRENCY = "0x80060882"
VALIDATION = "0x80044331"
REQUIRED = "0x80040200"
ACCESS_DENIED = "0x80048405"
NOT_AUTHENTICATED = "0x80044302"
QUERY = "0x80060888"  # also used for _x_value writes (community-reported)
PAYLOAD = "0x80048d19"  # community-reported
NOT_SUPPORTED = "0x80040315"
INVALID_ARGUMENT = "0x80040203"
REQUESTS_LIMIT = "0x80072322"
EXECUTION_TIME_LIMIT = "0x80072321"
CONCURRENCY_LIMIT = "0x80072326"
PRODUCT_NUMBER_EXISTS = "0x80043b06"
DUPLICATE_PRICE = "0x80043b08"
PRICE_LIST_CURRENCY = "0x80048cf6"
DUPLICATE_CURRENCY = "0x80048cf3"
UNIT_GROUP_FIXED = "0x800422fe"


class DataverseFault(Exception):
    """An error answer; raising it anywhere in a request rolls the request back."""

    def __init__(self, status: int, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after

    def body(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


def not_found(entity: str, row_id: UUID | str) -> DataverseFault:
    return DataverseFault(404, NOT_FOUND, f"{entity} With Id = {row_id} Does Not Exist")


def bad_request(message: str, code: str = INVALID_ARGUMENT) -> DataverseFault:
    return DataverseFault(400, code, message)


def payload_error(message: str) -> DataverseFault:
    return DataverseFault(400, PAYLOAD, message)


def query_error(message: str) -> DataverseFault:
    return DataverseFault(400, QUERY, message)


def access_denied(user_id: UUID | str, privilege: str) -> DataverseFault:
    return DataverseFault(
        403,
        ACCESS_DENIED,
        f"Access is denied. Principal user (Id={user_id}) is missing {privilege} privilege "
        "(held by the System Administrator role).",
    )


def unauthorized(message: str = "The user is not authenticated.") -> DataverseFault:
    return DataverseFault(401, NOT_AUTHENTICATED, message)
