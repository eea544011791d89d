"""Subscriptions over graphql-transport-ws through the real app (API.md
"Subscription"): the current state first, then every change, in order."""

from __future__ import annotations

import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from domain.auth import Role
from domain.jobs.model import JobKind, SyncJob
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection
from tests.e2e.test_full_sync import given_crm, given_erp
from tests.support.erp import seed_mappings
from tests.support.graphql import GraphQLClient
from tests.support.subscriptions import subscriptions

JOB = "id status sequence inserted processed message"
SYNC_JOB = f"subscription($id: ID!) {{ syncJob(id: $id) {{ {JOB} }} }}"


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str], crm: DataverseSimulator) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    return gql


async def recorded_job(container: Services) -> SyncJob:
    """A customer sync recorded but not handed to the workers yet."""
    return await container.jobs.start(
        JobKind.SYNC, "CUSTOMER", trigger=Trigger.MANUAL, direction=SyncDirection.TO_CRM, enqueue=False
    )


async def test_sync_job_sends_the_current_state_then_every_change_in_order_then_completes(
    integration: GraphQLClient, container: Services, api_url: str, keys: dict[Role, str]
) -> None:
    job = await recorded_job(container)
    async with subscriptions(api_url, keys[Role.INTEGRATION]) as ws:
        op = await ws.subscribe(SYNC_JOB, {"id": str(job.id)})
        first = (await ws.next_data(op))["syncJob"]
        assert (first["id"], first["status"], first["sequence"]) == (str(job.id), "QUEUED", 0)
        await container.jobs.enqueue([job])
        rest = [d["syncJob"] for d in await ws.until_complete(op)]
    sequences = [s["sequence"] for s in [first, *rest]]
    assert sequences == list(range(len(sequences)))
    assert rest[0]["status"] == "RUNNING"
    assert rest[-1]["status"] == "SUCCEEDED"


async def test_a_finished_job_is_sent_once_and_the_subscription_completes(
    integration: GraphQLClient, container: Services, api_url: str, keys: dict[Role, str]
) -> None:
    job = await recorded_job(container)
    await container.jobs.enqueue([job])
    await container.queue.drain()  # type: ignore[attr-defined]
    async with subscriptions(api_url, keys[Role.INTEGRATION]) as ws:
        op = await ws.subscribe(SYNC_JOB, {"id": str(job.id)})
        sent = await ws.until_complete(op)
    assert [d["syncJob"]["status"] for d in sent] == ["SUCCEEDED"]


async def test_a_queued_job_canceled_is_sent_canceled(
    integration: GraphQLClient, container: Services, api_url: str, keys: dict[Role, str]
) -> None:
    job = await recorded_job(container)
    async with subscriptions(api_url, keys[Role.INTEGRATION]) as ws:
        op = await ws.subscribe(SYNC_JOB, {"id": str(job.id)})
        assert (await ws.next_data(op))["syncJob"]["status"] == "QUEUED"
        await container.jobs.cancel(job.id)
        sent = await ws.until_complete(op)
    assert [(d["syncJob"]["status"], d["syncJob"]["sequence"]) for d in sent] == [("CANCELED", 1)]


async def test_an_unknown_job_is_not_found(api_url: str, keys: dict[Role, str], gql: GraphQLClient) -> None:
    async with subscriptions(api_url, keys[Role.INTEGRATION]) as ws:
        op = await ws.subscribe(SYNC_JOB, {"id": str(uuid.uuid4())})
        message = await ws.message(op)
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]


async def test_a_websocket_without_a_key_is_closed_with_4403(api_url: str) -> None:
    with pytest.raises(ConnectionClosed) as closed:
        async with subscriptions(api_url, None):
            pass
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_an_availability_key_may_not_watch_jobs(api_url: str, keys: dict[Role, str]) -> None:
    async with subscriptions(api_url, keys[Role.AVAILABILITY]) as ws:
        op = await ws.subscribe(SYNC_JOB, {"id": str(uuid.uuid4())})
        message = await ws.message(op)
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]


async def test_sync_activity_sends_new_jobs_and_their_changes(
    integration: GraphQLClient, container: Services, api_url: str, keys: dict[Role, str]
) -> None:
    async with subscriptions(api_url, keys[Role.INTEGRATION]) as ws:
        op = await ws.subscribe(
            f'subscription {{ syncActivity(mapping: "CUSTOMER") {{ {JOB} }} }}',
        )
        job = await recorded_job(container)
        queued = (await ws.next_data(op))["syncActivity"]
        assert (queued["id"], queued["status"]) == (str(job.id), "QUEUED")
        await container.jobs.enqueue([job])
        statuses = []
        while not statuses or statuses[-1] != "SUCCEEDED":
            statuses.append((await ws.next_data(op))["syncActivity"]["status"])
        await ws.stop(op)
    assert statuses[0] == "RUNNING"


async def test_full_sync_review_streams_line_changes_during_a_full_sync(
    integration: GraphQLClient,
    crm: DataverseSimulator,
    container: Services,
    api_url: str,
    keys: dict[Role, str],
) -> None:
    await given_erp(integration)
    given_crm(crm)
    crm.set_faults(latency=0.05)  # long enough a run that its intermediate states are seen
    query = "subscription { fullSyncReview { isRunning lines { mapping status } } }"
    async with subscriptions(api_url, keys[Role.INTEGRATION]) as ws:
        op = await ws.subscribe(query)
        first = (await ws.next_data(op))["fullSyncReview"]
        assert {line["status"] for line in first["lines"]} == {"BLANK"}
        await integration.mutate("mutation { p: startFullSync { userErrors { code } } }")
        seen = [first]
        while not all(line["status"] == "FINISHED" for line in seen[-1]["lines"]):
            seen.append((await ws.next_data(op, within=30))["fullSyncReview"])
        await ws.stop(op)
    statuses = [[line["status"] for line in r["lines"]] for r in seen]
    assert len(seen) >= 3
    assert any(set(s) - {"BLANK", "FINISHED"} for s in statuses[1:-1])  # lines seen on their way
    assert statuses[-1] == ["FINISHED"] * len(statuses[-1])
    assert not seen[-1]["isRunning"]
