"""The demo's connection: Couplet pointed at the simulated org, enabled, with the
default mappings and a full-sync review ready to start."""

from __future__ import annotations

from adapters.crm_provider import CONNECTION_ID
from adapters.dataverse.simulator import DEFAULT_TENANT
from adapters.db.models import ConnectionRow
from api.container import Container
from api.demo.crm_data import SYNC_APP
from domain.mappings.service import seed_mappings


async def connect_demo(container: Container, crm_url: str) -> None:
    client_id, secret = SYNC_APP
    now = container.clock.now()
    async with container.db.transaction() as session:
        row = await session.get(ConnectionRow, CONNECTION_ID)
        if row is None:
            row = ConnectionRow(
                id=CONNECTION_ID,
                created_at=now,
                status="ENABLED",
                tenant_id=DEFAULT_TENANT,
                server_url=crm_url,
                client_id=client_id,
            )
            session.add(row)
        row.server_url, row.authority_url, row.client_id = crm_url, crm_url, client_id
        row.client_secret = container.crm.secrets.encrypt(secret)
        row.is_enabled, row.status, row.modified_at = True, "ENABLED", now
    async with container.uow() as uow:
        await seed_mappings(uow.mappings, None)
    client = await container.crm.client()
    who = await client.who_am_i()
    async with container.db.transaction() as session:
        row = await session.get(ConnectionRow, CONNECTION_ID)
        assert row is not None
        row.integration_user_id, row.organization_id = who.user_id, who.organization_id
    await container.full_sync.review()
