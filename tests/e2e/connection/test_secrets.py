"""Secrets go in and never come out: not in a response, not in a log line, not in
an error message - the integration app's secret, the admin app's secret (right
or wrong), nor the AVAILABILITY key written into the CRM."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from domain.auth import Role
from domain.connection.solution import CONNECTION_ROW_ID
from tests.e2e.connection.support import (
    ADMIN_APP,
    CONFIGURE,
    DISABLE,
    ENABLE,
    IMPORT,
    INTEGRATION_APP,
    READ,
    TEST,
    Dataverse,
    local_currency,
)
from tests.support.graphql import GraphQLClient

WRONG_SECRET = "wrong-integration-s3cret-Pq9"
WRONG_ADMIN_SECRET = "wrong-admin-s3cret-Vb2"


@pytest.fixture
async def recording_admin(
    api_url: str, keys: dict[Role, str]
) -> AsyncIterator[tuple[GraphQLClient, list[str]]]:
    """An ADMIN client that keeps the body of every response it gets."""
    bodies: list[str] = []

    async def keep(response: httpx.Response) -> None:
        bodies.append((await response.aread()).decode())

    async with httpx.AsyncClient(base_url=api_url, timeout=30, event_hooks={"response": [keep]}) as http:
        yield GraphQLClient(http, keys[Role.ADMIN]), bodies


async def test_secrets_never_appear_in_responses_or_logs(
    recording_admin: tuple[GraphQLClient, list[str]],
    dataverse: Dataverse,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    admin, bodies = recording_admin
    caplog.set_level(logging.DEBUG)
    await admin.mutate(CONFIGURE, {"i": dataverse.settings(clientSecret=WRONG_SECRET)})
    assert (await admin.mutate(TEST))["connection"]["status"] == "ERROR"
    await admin.mutate(CONFIGURE, {"i": dataverse.settings()})
    assert (await admin.mutate(TEST))["connection"]["status"] == "CONNECTED"
    await admin.refused(IMPORT, {"i": dataverse.admin_credentials(clientSecret=WRONG_ADMIN_SECRET)})
    await admin.mutate(IMPORT, {"i": dataverse.admin_credentials()})
    await local_currency(admin)
    await admin.mutate(ENABLE, {"i": {"itemAvailability": True}})
    await admin.data(READ)
    await admin.mutate(DISABLE)

    availability_key = (dataverse.simulator.row("couplet_connection", CONNECTION_ROW_ID) or {})[
        "couplet_accesskey"
    ]
    secrets = [INTEGRATION_APP[1], WRONG_SECRET, ADMIN_APP[1], WRONG_ADMIN_SECRET, availability_key]
    output = capfd.readouterr()
    logs = "\n".join([caplog.text, output.out, output.err])
    assert len(bodies) == 10
    assert "CRM connection test: ERROR (Sign-in refused" in logs  # the capture works
    for secret in secrets:
        assert not [body for body in bodies if secret in body], f"a response holds {secret[:6]}…"
        assert secret not in logs, f"a log line holds {secret[:6]}…"
