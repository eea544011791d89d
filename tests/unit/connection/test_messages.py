"""A failed CRM call told as what to fix."""

from __future__ import annotations

import pytest

from domain.connection.messages import explain
from domain.connection.model import CrmCredentials
from domain.crm import (
    CrmAuthError,
    CrmError,
    CrmNotFoundError,
    CrmPermissionError,
    CrmThrottledError,
    CrmTimeoutError,
    CrmTransientError,
)

CREDENTIALS = CrmCredentials(
    server_url="https://contoso.crm4.dynamics.com",
    tenant_id="contoso.onmicrosoft.com",
    client_id="couplet",
    client_secret="s3cret",
    authority_url="https://login.microsoftonline.com",
)


@pytest.mark.parametrize(
    ("error", "beginning"),
    [
        (
            CrmAuthError("token request refused: invalid_client: bad secret.", status=401),
            "Sign-in refused for",
        ),
        (
            CrmTransientError("token endpoint unreachable: ConnectError"),
            "Cannot reach the sign-in endpoint at",
        ),
        (CrmTimeoutError("GET timed out: ReadTimeout"), "Cannot reach the CRM at https://contoso.crm4"),
        (CrmThrottledError("Too many requests", status=429), "The CRM is unavailable right now"),
        (
            CrmNotFoundError("Resource not found", status=404),
            "https://contoso.crm4.dynamics.com did not answer",
        ),
        (CrmPermissionError("Principal user is missing prvImportSolution", status=403), "The CRM refused"),
    ],
)
def test_each_kind_of_failure_names_its_likely_cause(error: CrmError, beginning: str) -> None:
    message = explain(error, CREDENTIALS)
    assert message.startswith(beginning)
    assert "s3cret" not in message
    assert "Traceback" not in message
