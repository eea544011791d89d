"""The retry policy: Retry-After on 429, jittered bounded backoff, idempotency, timeouts."""

from __future__ import annotations

import asyncio
from uuid import UUID

import httpx
import pytest

from adapters.dataverse import (
    CrmDuplicateError,
    CrmThrottledError,
    CrmTimeoutError,
    CrmTransientError,
    CrmValidationError,
)
from tests.unit.dataverse.fakes import (
    ACCOUNT_ID,
    FakeDataverse,
    FakeTime,
    account_json,
    client,
    error,
    no_content,
)

ADATUM = UUID(ACCOUNT_ID)


def ok() -> httpx.Response:
    return httpx.Response(200, json=account_json(name="Adatum Corporation"))


def throttled(seconds: str, code: str = "0x80072322", status: int = 429) -> httpx.Response:
    return error(status, code, "Number of requests exceeded the limit", {"Retry-After": seconds})


@pytest.mark.parametrize("code", ["0x80072322", "0x80072321", "0x80072326"])
async def test_a_429_waits_exactly_the_retry_after_seconds(code: str) -> None:
    time = FakeTime()
    fake = FakeDataverse().answer(throttled("12", code), ok())
    async with client(fake, time) as crm:
        row = await crm.get("account", ADATUM)
    assert row is not None
    assert row.get("name") == "Adatum Corporation"
    assert time.sleeps == [12.0]


async def test_a_service_protection_code_is_honoured_under_any_status() -> None:
    time = FakeTime()
    fake = FakeDataverse().answer(throttled("3", "0x80072321", status=503), ok())
    async with client(fake, time) as crm:
        await crm.get("account", ADATUM)
    assert time.sleeps == [3.0]


async def test_a_retry_after_beyond_the_ceiling_is_raised_at_once_for_the_job_to_defer() -> None:
    time = FakeTime()
    fake = FakeDataverse().answer(throttled("900"))
    async with client(fake, time, max_retry_after=300) as crm:
        with pytest.raises(CrmThrottledError) as raised:
            await crm.get("account", ADATUM)
    assert raised.value.retry_after == 900.0
    assert time.sleeps == []


async def test_after_a_429_every_call_of_the_client_waits_out_the_throttle() -> None:
    time = FakeTime()
    fake = FakeDataverse().answer(throttled("10"), ok(), ok())
    async with client(fake, time) as crm:
        await crm.get("account", ADATUM)
        await crm.get("account", ADATUM)
    assert time.sleeps == [10.0]
    assert crm.stats.throttled == 1


async def test_503_is_retried_with_exponential_backoff_and_jitter() -> None:
    time = FakeTime()
    fake = FakeDataverse().answer(error(503), error(503), error(503), ok())
    async with client(fake, time, backoff_base=1.0) as crm:
        await crm.get("account", ADATUM)
    # jitter is 0.5 here: half the ceiling fixed plus half of the random half
    assert time.sleeps == [0.75, 1.5, 3.0]


async def test_backoff_is_capped_and_retries_are_bounded() -> None:
    time = FakeTime()
    fake = FakeDataverse().answer(*[error(503)] * 10)
    async with client(fake, time, backoff_base=1.0, backoff_max=4.0, max_retries=4) as crm:
        with pytest.raises(CrmTransientError) as raised:
            await crm.get("account", ADATUM)
    assert raised.value.status == 503
    assert time.sleeps == [0.75, 1.5, 3.0, 3.0]
    assert len(fake.api_requests) == 5


async def test_a_create_without_a_chosen_id_is_repeated_after_a_503() -> None:
    fake = FakeDataverse().answer(error(503), no_content(ACCOUNT_ID))
    async with client(fake) as crm:
        assert await crm.create("account", {"name": "Adatum Corporation"}) == ADATUM
    assert len(fake.api_requests) == 2


@pytest.mark.parametrize("status", [502, 504])
async def test_502_and_504_are_retried_for_reads(status: int) -> None:
    fake = FakeDataverse().answer(error(status), ok())
    async with client(fake) as crm:
        assert await crm.get("account", ADATUM) is not None
    assert len(fake.api_requests) == 2


@pytest.mark.parametrize("status", [502, 504])
async def test_a_create_without_a_chosen_id_is_not_repeated_after_a_502_or_504(status: int) -> None:
    fake = FakeDataverse().answer(error(status), no_content(ACCOUNT_ID))
    async with client(fake) as crm:
        with pytest.raises(CrmTransientError):
            await crm.create("account", {"name": "Adatum Corporation"})
    assert len(fake.api_requests) == 1


async def test_connection_errors_before_sending_are_retried_for_any_call() -> None:
    fake = FakeDataverse().answer(httpx.ConnectError("refused"), no_content(ACCOUNT_ID))
    async with client(fake) as crm:
        created = await crm.create("account", {"name": "Adatum Corporation"})
    assert created == ADATUM
    assert len(fake.api_requests) == 2


async def test_a_dropped_connection_is_retried_for_reads() -> None:
    fake = FakeDataverse().answer(httpx.RemoteProtocolError("peer closed connection"), ok())
    async with client(fake) as crm:
        assert await crm.get("account", ADATUM) is not None


async def test_a_read_timeout_becomes_a_timeout_error_when_retries_run_out() -> None:
    fake = FakeDataverse().answer(*[httpx.ReadTimeout("slow")] * 3)
    async with client(fake, max_retries=2) as crm:
        with pytest.raises(CrmTimeoutError) as raised:
            await crm.get("account", ADATUM)
    assert raised.value.status is None
    assert len(fake.api_requests) == 3


async def test_network_failures_are_told_in_words_without_the_librarys_class_names() -> None:
    fake = FakeDataverse().answer(*[httpx.ReadTimeout("")] * 2, *[httpx.ConnectError("refused")] * 2)
    async with client(fake, max_retries=1) as crm:
        with pytest.raises(CrmTimeoutError) as timed_out:
            await crm.get("account", ADATUM)
        with pytest.raises(CrmTransientError) as refused:
            await crm.get("account", ADATUM)
    assert str(timed_out.value) == "GET timed out: no answer in time (no response)"
    assert str(refused.value) == "GET failed: could not connect (refused) (no response)"


async def test_a_create_with_a_chosen_id_that_landed_before_a_timeout_is_a_success() -> None:
    fake = FakeDataverse().answer(httpx.ReadTimeout("slow"), error(412, "0x80040237", "duplicate"))
    async with client(fake) as crm:
        created = await crm.create("account", {"name": "Adatum Corporation"}, id=ADATUM)
    assert created == ADATUM
    assert len(fake.api_requests) == 2


async def test_a_duplicate_on_the_first_attempt_is_a_real_duplicate() -> None:
    fake = FakeDataverse().answer(
        error(412, "0x80040237", "A record with matching key values already exists.")
    )
    async with client(fake) as crm:
        with pytest.raises(CrmDuplicateError, match="already exists"):
            await crm.create("account", {"name": "Adatum Corporation"}, id=ADATUM)


async def test_validation_errors_are_not_retried() -> None:
    fake = FakeDataverse().answer(error(400, "0x80044331", "too long"))
    async with client(fake) as crm:
        with pytest.raises(CrmValidationError):
            await crm.update("account", ADATUM, {"name": "x" * 200})
    assert len(fake.api_requests) == 1


async def test_every_call_passes_the_configured_timeout() -> None:
    seen: list[object] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return ok()

    fake = FakeDataverse().answer(answer)
    async with client(fake, timeout=7.5) as crm:
        await crm.get("account", ADATUM)
    assert seen == [{"connect": 7.5, "read": 7.5, "write": 7.5, "pool": 7.5}]


async def test_no_more_calls_are_in_flight_than_max_concurrency() -> None:
    in_flight = 0
    peak = 0
    release = asyncio.Event()
    full = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3599})
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight == 3:
            full.set()
        await release.wait()
        in_flight -= 1
        return ok()

    crm = client(FakeDataverse(), transport=httpx.MockTransport(handler), max_concurrency=3)
    calls = [asyncio.create_task(crm.get("account", ADATUM)) for _ in range(8)]
    await asyncio.wait_for(full.wait(), timeout=5)
    for _ in range(20):
        await asyncio.sleep(0)
    assert peak == 3
    release.set()
    await asyncio.gather(*calls)
    await crm.close()
