"""Service protection limits (429 + Retry-After + documented codes) and injected faults,
seen raw and through the client (reference §3)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.dataverse import CrmThrottledError, CrmTimeoutError, CrmTransientError, DataverseClient
from adapters.dataverse.simulator import DataverseSimulator
from tests.integration.dataverse.conftest import ADMIN_APP, config_for
from tests.unit.dataverse.fakes import FakeTime


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def simulator(time: FakeTime) -> DataverseSimulator:
    """A simulator whose limits run on the same fake time as the client's waits."""
    sim = DataverseSimulator(clock=time.clock)
    sim.register_app(*ADMIN_APP, roles=["System Administrator"])
    return sim


@pytest.fixture
async def patient_crm(
    crm_url: str, simulator: DataverseSimulator, time: FakeTime
) -> AsyncIterator[DataverseClient]:
    config = config_for(crm_url, simulator, ADMIN_APP, max_retries=3, backoff_base=0.01)
    async with DataverseClient(config, sleep=time.sleep, clock=time.clock) as client:
        yield client


async def test_over_the_request_limit_is_429_with_retry_after_and_its_code(
    api: httpx.AsyncClient, simulator: DataverseSimulator, time: FakeTime
) -> None:
    simulator.set_limits(requests_per_window=3, window_seconds=60)
    for _ in range(3):
        assert (await api.get("WhoAmI")).status_code == 200
    time.now += 20
    response = await api.get("WhoAmI")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "40"
    assert response.json()["error"] == {
        "code": "0x80072322",
        "message": "Number of requests exceeded the limit of 3 over time window of 60 seconds.",
    }
    time.now += 40
    assert (await api.get("WhoAmI")).status_code == 200


async def test_over_the_execution_time_limit_is_429_0x80072321(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    simulator.set_limits(execution_ms_per_window=0.0001)
    await api.get("WhoAmI")
    response = await api.get("WhoAmI")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "0x80072321"
    assert int(response.headers["Retry-After"]) >= 1


async def test_over_the_concurrency_limit_is_429_0x80072326(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    simulator.set_limits(concurrent_requests=0)
    response = await api.get("WhoAmI")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "0x80072326"
    assert response.json()["error"]["message"] == "Number of concurrent requests exceeded the limit of 0."


async def test_the_client_waits_out_the_limit_and_succeeds(
    patient_crm: DataverseClient, simulator: DataverseSimulator, time: FakeTime
) -> None:
    simulator.set_limits(requests_per_window=2, window_seconds=30)
    for n in range(4):
        await patient_crm.create("account", {"name": f"Customer {n}"})
    assert len(simulator.rows("account")) == 4
    assert patient_crm.stats.throttled >= 1
    assert 30 in [round(s) for s in time.sleeps]


async def test_the_client_gives_up_when_the_limit_outlasts_its_retries(
    patient_crm: DataverseClient, simulator: DataverseSimulator
) -> None:
    simulator.fail_next(429, 429, 429, 429)
    with pytest.raises(CrmThrottledError) as raised:
        await patient_crm.who_am_i()
    assert raised.value.code == "0x80072322"
    assert raised.value.retry_after == 1


async def test_injected_503s_are_retried_by_the_client(
    patient_crm: DataverseClient, simulator: DataverseSimulator
) -> None:
    simulator.fail_next(503, 503)
    assert (await patient_crm.who_am_i()).user_id
    assert simulator.stats.statuses[200] >= 1


async def test_a_dropped_connection_is_retried_for_a_read(
    patient_crm: DataverseClient, simulator: DataverseSimulator
) -> None:
    simulator.fail_next("reset")
    assert (await patient_crm.who_am_i()).user_id
    assert patient_crm.stats.retries == 1


async def test_a_dropped_connection_during_a_create_without_id_is_not_repeated(
    patient_crm: DataverseClient, simulator: DataverseSimulator
) -> None:
    await patient_crm.who_am_i()
    simulator.fail_next("reset")
    with pytest.raises(CrmTransientError):
        await patient_crm.create("account", {"name": "Adatum Corporation"})
    assert patient_crm.stats.retries == 0


async def test_a_hanging_request_times_out(
    crm_url: str, simulator: DataverseSimulator, time: FakeTime
) -> None:
    config = config_for(crm_url, simulator, ADMIN_APP, timeout=0.2, max_retries=1)
    async with DataverseClient(config, sleep=time.sleep, clock=time.clock) as client:
        await client.who_am_i()
        simulator.fail_next("timeout", "timeout")
        with pytest.raises(CrmTimeoutError):
            await client.who_am_i()


async def test_error_rates_inject_failures_at_random(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    simulator.set_faults(error_rates={503: 1.0}, seed=7)
    assert (await api.get("WhoAmI")).status_code == 503
    simulator.set_faults()
    assert (await api.get("WhoAmI")).status_code == 200
