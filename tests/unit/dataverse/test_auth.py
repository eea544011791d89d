"""Client credentials: one token request, cached, renewed early, refreshed once on 401."""

from __future__ import annotations

from urllib.parse import parse_qs
from uuid import UUID

import httpx
import pytest

from adapters.dataverse import CrmAuthError, CrmErrorClass
from tests.unit.dataverse.fakes import TENANT, URL, FakeDataverse, FakeTime, account_json, client, error


def who_am_i() -> httpx.Response:
    ids = {"UserId": "11111111-1111-1111-1111-111111111111"}
    ids |= {"BusinessUnitId": "22222222-2222-2222-2222-222222222222"}
    ids |= {"OrganizationId": "33333333-3333-3333-3333-333333333333"}
    return httpx.Response(200, json=ids)


async def test_the_token_request_is_a_client_credentials_form_for_the_environment_scope() -> None:
    fake = FakeDataverse().answer(who_am_i())
    async with client(fake) as crm:
        await crm.who_am_i()
    token_request = fake.token_requests[0]
    assert str(token_request.url) == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
    assert parse_qs(token_request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["couplet-app"],
        "client_secret": ["s3cret-value"],
        "scope": [f"{URL}/.default"],
    }
    assert fake.api_requests[0].headers["Authorization"] == "Bearer token-1"


async def test_the_token_endpoint_is_configurable_for_the_simulator() -> None:
    fake = FakeDataverse().answer(who_am_i())
    async with client(fake, authority_url="http://127.0.0.1:8081") as crm:
        await crm.who_am_i()
    assert str(fake.token_requests[0].url) == f"http://127.0.0.1:8081/{TENANT}/oauth2/v2.0/token"


async def test_a_token_is_reused_until_five_minutes_before_it_expires() -> None:
    time = FakeTime()
    fake = FakeDataverse(token_lifetime=3600).answer(who_am_i(), who_am_i(), who_am_i())
    async with client(fake, time) as crm:
        await crm.who_am_i()
        time.now += 3600 - 301
        await crm.who_am_i()
        time.now += 2
        await crm.who_am_i()
    assert [r.headers["Authorization"] for r in fake.api_requests] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]


async def test_a_401_refreshes_the_token_once_and_repeats_the_call() -> None:
    fake = FakeDataverse().answer(error(401, "0x80044302", "ExpiredAuthTicket"), who_am_i())
    async with client(fake) as crm:
        me = await crm.who_am_i()
    assert str(me.user_id) == "11111111-1111-1111-1111-111111111111"
    assert [r.headers["Authorization"] for r in fake.api_requests] == ["Bearer token-1", "Bearer token-2"]


async def test_a_second_401_in_a_row_is_an_auth_error() -> None:
    fake = FakeDataverse().answer(error(401, "", "InvalidAuthTicket"), error(401, "", "InvalidAuthTicket"))
    async with client(fake) as crm:
        with pytest.raises(CrmAuthError) as raised:
            await crm.who_am_i()
    assert raised.value.status == 401
    assert raised.value.error_class is CrmErrorClass.PERMANENT
    assert len(fake.token_requests) == 2


async def test_refused_credentials_are_a_permanent_auth_error_with_entras_reason() -> None:
    refusal = httpx.Response(
        401,
        json={
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided.",
        },
    )
    fake = FakeDataverse(token_answer=refusal)
    async with client(fake) as crm:
        with pytest.raises(CrmAuthError, match="invalid_client: AADSTS7000215"):
            await crm.get("account", UUID(account_json()["accountid"]))
    assert fake.api_requests == []


def test_the_client_secret_is_not_in_the_configs_repr() -> None:
    crm = client(FakeDataverse())
    assert "s3cret-value" not in repr(crm.config)
