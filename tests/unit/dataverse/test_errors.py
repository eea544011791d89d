"""Failed responses become the domain's classed errors, with status, code and message."""

from __future__ import annotations

import httpx
import pytest

from adapters.dataverse._errors import map_error
from domain.crm import (
    CrmAuthError,
    CrmConcurrencyError,
    CrmDuplicateError,
    CrmError,
    CrmErrorClass,
    CrmNotFoundError,
    CrmPermanentError,
    CrmPermissionError,
    CrmThrottledError,
    CrmTransientError,
    CrmValidationError,
)
from tests.unit.dataverse.fakes import error

CASES = [
    (400, "0x80044331", CrmValidationError, CrmErrorClass.PERMANENT),
    (401, "0x80044302", CrmAuthError, CrmErrorClass.PERMANENT),
    (403, "0x80048405", CrmPermissionError, CrmErrorClass.PERMANENT),
    (404, "0x80040217", CrmNotFoundError, CrmErrorClass.NOT_FOUND),
    (404, "", CrmNotFoundError, CrmErrorClass.NOT_FOUND),
    (412, "0x80060882", CrmConcurrencyError, CrmErrorClass.CONFLICT),
    (412, "0x80040237", CrmDuplicateError, CrmErrorClass.CONFLICT),
    (429, "0x80072322", CrmThrottledError, CrmErrorClass.TRANSIENT),
    (429, "0x80072326", CrmThrottledError, CrmErrorClass.TRANSIENT),
    (503, "0x80072321", CrmThrottledError, CrmErrorClass.TRANSIENT),
    (500, "", CrmTransientError, CrmErrorClass.TRANSIENT),
    (502, "", CrmTransientError, CrmErrorClass.TRANSIENT),
    (503, "", CrmTransientError, CrmErrorClass.TRANSIENT),
    (504, "", CrmTransientError, CrmErrorClass.TRANSIENT),
    (501, "0x80040315", CrmPermanentError, CrmErrorClass.PERMANENT),
]


@pytest.mark.parametrize(("status", "code", "kind", "error_class"), CASES)
def test_status_and_code_decide_the_error_class(
    status: int, code: str, kind: type[CrmError], error_class: CrmErrorClass
) -> None:
    mapped = map_error(error(status, code, "Adatum Corporation could not be saved"))
    assert type(mapped) is kind
    assert mapped.error_class is error_class
    assert (mapped.status, mapped.code, mapped.message) == (
        status,
        code,
        "Adatum Corporation could not be saved",
    )


def test_a_429_carries_the_retry_after_seconds() -> None:
    mapped = map_error(error(429, "0x80072322", "Number of requests exceeded", {"Retry-After": "7"}))
    assert mapped.retry_after == 7.0


def test_a_gateway_page_without_json_keeps_its_first_line_as_the_message() -> None:
    mapped = map_error(httpx.Response(502, text="Bad Gateway\n<html>…</html>"))
    assert (type(mapped), mapped.code, mapped.message) == (CrmTransientError, "", "Bad Gateway")


def test_the_error_text_names_status_and_code() -> None:
    mapped = map_error(error(412, "0x80060882", "The version of the existing record doesn't match"))
    assert str(mapped) == "The version of the existing record doesn't match (HTTP 412 0x80060882)"
