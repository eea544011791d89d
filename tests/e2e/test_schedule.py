"""The schedule (DOMAIN.md "Schedules"): each due mapping's modified records,
prerequisites first; nothing while the connection is off; jobs left behind by a
stopped process are queued again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.crm_provider import CONNECTION_ID
from adapters.dataverse.simulator import DataverseSimulator
from adapters.db.models import ConnectionRow, SyncJobRow
from adapters.db.repositories.jobs import job_from_row
from api.app import create_app
from api.bootstrap import Services, bootstrap
from domain.auth import Role
from domain.jobs.model import JobKind, JobStatus, SyncJob
from domain.mappings.dag import effective_dependencies
from domain.mappings.model import SyncDirection
from tests.support.erp import seed_mappings
from tests.support.graphql import GraphQLClient
from tests.support.servers import serve_asgi
from tests.support.waiting import eventually


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str], crm: DataverseSimulator) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    return gql


async def all_jobs(container: Services) -> list[SyncJob]:
    async with container.db.read() as session:
        rows = (await session.execute(sa.select(SyncJobRow).order_by(SyncJobRow.id))).scalars()
        return [job_from_row(r) for r in rows]


async def test_a_tick_syncs_every_due_mapping_after_its_prerequisites(
    integration: GraphQLClient, container: Services
) -> None:
    started = await container.scheduler.tick()
    await container.queue.drain()  # type: ignore[attr-defined]
    by_mapping: dict[str, list[SyncJob]] = {}
    for job in started:
        by_mapping.setdefault(job.mapping or "", []).append(job)
    async with container.uow() as uow:
        mappings = {m.name: m for m in await uow.mappings.all() if m.enabled and m.parent is None}
    assert set(by_mapping) == set(mappings)
    customer_to_crm = next(j for j in by_mapping["CUSTOMER"] if j.direction is SyncDirection.TO_CRM)
    prerequisites = {
        str(j.id) for dep in effective_dependencies(mappings["CUSTOMER"], mappings) for j in by_mapping[dep]
    }
    assert prerequisites
    assert prerequisites <= {str(i) for i in customer_to_crm.params.after_jobs}
    assert {j.trigger for j in started} == {"schedule"}
    assert [j.mapping for j in started if j.kind is JobKind.STOCK] == ["ITEM-PRODUCT"]


async def test_a_mapping_synced_within_its_interval_is_not_started_again(
    integration: GraphQLClient, container: Services
) -> None:
    assert await container.scheduler.tick()
    await container.queue.drain()  # type: ignore[attr-defined]
    assert await container.scheduler.tick() == []


async def test_nothing_is_scheduled_while_the_connection_is_disabled(
    integration: GraphQLClient, container: Services
) -> None:
    async with container.db.transaction() as session:
        await session.execute(
            sa.update(ConnectionRow).where(ConnectionRow.id == CONNECTION_ID).values(is_enabled=False)
        )
    assert await container.scheduler.tick() == []
    assert await all_jobs(container) == []


async def given_left_behind(container: Services, *, minutes_ago: float) -> SyncJob:
    """A job a stopped process recorded but never ran."""
    job = SyncJob(
        id=container.ids.new_id(),
        kind=JobKind.SYNC,
        trigger="manual",
        queued_at=container.clock.now() - timedelta(minutes=minutes_ago),
        mapping="CUSTOMER",
        direction=SyncDirection.TO_CRM,
    )
    async with container.uow() as uow:
        await uow.jobs.add(job)
    return job


async def test_a_tick_first_requeues_active_jobs_left_behind_over_two_minutes_ago(
    integration: GraphQLClient, container: Services
) -> None:
    async with container.db.transaction() as session:
        await session.execute(
            sa.update(ConnectionRow).where(ConnectionRow.id == CONNECTION_ID).values(is_enabled=False)
        )
    old = await given_left_behind(container, minutes_ago=3)
    young = await given_left_behind(container, minutes_ago=0.5)
    await container.scheduler.tick()
    await container.queue.drain()  # type: ignore[attr-defined]
    statuses: dict[Any, JobStatus] = {j.id: j.status for j in await all_jobs(container)}
    assert statuses[old.id] is JobStatus.SUCCEEDED
    assert statuses[young.id] is JobStatus.QUEUED


async def test_the_embedded_timer_starts_scheduled_jobs_and_a_restart_requeues_left_jobs(
    integration: GraphQLClient, container: Services
) -> None:
    left = await given_left_behind(container, minutes_ago=0)
    settings = container.settings.model_copy(update={"schedule_enabled": True, "schedule_tick_seconds": 0.1})
    embedded = bootstrap(settings, db=container.db)
    try:
        async with serve_asgi(create_app(services=embedded)):

            async def scheduled() -> list[SyncJob]:
                return [j for j in await all_jobs(container) if j.trigger == "schedule"]

            await eventually(scheduled)
        await embedded.queue.drain()  # type: ignore[attr-defined]
    finally:
        await embedded.queue.close()  # type: ignore[attr-defined]
        await embedded.crm.close()
    statuses = {j.id: j.status for j in await all_jobs(container)}
    assert statuses[left.id] is JobStatus.SUCCEEDED
