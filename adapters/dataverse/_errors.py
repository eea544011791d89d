"""Turning Dataverse error responses into the domain's `CrmError` tree.

The body is ``{"error": {"code": "0x…", "message": "…"}}``; the code is often
empty and unrelated to the HTTP status, so the status decides the class and
the code refines it (reference §2.3, §2.12)."""

from __future__ import annotations

import email.utils
import json
import time

import httpx

from domain.crm import (
    CrmAuthError,
    CrmConcurrencyError,
    CrmConflictError,
    CrmDuplicateError,
    CrmError,
    CrmNotFoundError,
    CrmPermanentError,
    CrmPermissionError,
    CrmThrottledError,
    CrmTransientError,
    CrmValidationError,
)

REQUESTS_LIMIT = "0x80072322"
EXECUTION_TIME_LIMIT = "0x80072321"
CONCURRENCY_LIMIT = "0x80072326"
SERVICE_PROTECTION_CODES = frozenset({REQUESTS_LIMIT, EXECUTION_TIME_LIMIT, CONCURRENCY_LIMIT})

OBJECT_DOES_NOT_EXIST = "0x80040217"
DUPLICATE_RECORD = "0x80040237"
DUPLICATE_RECORD_ENTITY_KEY = "0x80060892"
CONCURRENCY_VERSION_MISMATCH = "0x80060882"
_DUPLICATE_CODES = frozenset({DUPLICATE_RECORD, DUPLICATE_RECORD_ENTITY_KEY})
TRANSIENT_STATUSES = frozenset({502, 503, 504})


def error_body(response: httpx.Response) -> tuple[str, str]:
    """The Dataverse error code and message of a failed response ("" when absent)."""
    try:
        payload = json.loads(response.content or b"{}")
    except ValueError:
        text = response.text.strip().splitlines()
        return "", (text[0][:200] if text else response.reason_phrase)
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return "", response.reason_phrase
    code = str(error.get("code") or "")
    message = str(error.get("message") or response.reason_phrase)
    return code, message


def retry_after(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def is_throttled(status: int, code: str) -> bool:
    return status == 429 or code.lower() in SERVICE_PROTECTION_CODES


def map_error(response: httpx.Response) -> CrmError:
    """The `CrmError` subclass for a failed response."""
    status = response.status_code
    code, message = error_body(response)
    kind = error_type(status, code)
    wait = retry_after(response) if issubclass(kind, CrmTransientError) else None
    return kind(message, status=status, code=code, retry_after=wait)


def error_type(status: int, code: str) -> type[CrmError]:
    lowered = code.lower()
    if is_throttled(status, lowered):
        return CrmThrottledError
    if status in TRANSIENT_STATUSES or status == 500:
        return CrmTransientError
    if status > 500:
        return CrmPermanentError
    if status == 401:
        return CrmAuthError
    if status == 403:
        return CrmPermissionError
    if status == 404 or lowered == OBJECT_DOES_NOT_EXIST:
        return CrmNotFoundError
    if lowered in _DUPLICATE_CODES:
        return CrmDuplicateError
    if status == 412:
        return CrmConcurrencyError if lowered in ("", CONCURRENCY_VERSION_MISMATCH) else CrmConflictError
    return CrmValidationError
