"""The demo's connection, made by the same setup steps a user takes: configure,
test, import Couplet's solution with a one-time admin app, enable with item
availability — then the full-sync review is generated, ready to start."""

from __future__ import annotations

from adapters.dataverse.simulator import DEFAULT_TENANT
from api.bootstrap import Services
from api.demo.crm_data import ADMIN_APP, SYNC_APP
from domain.connection.enabling import enable
from domain.connection.model import AdminCredentials, ConnectionSettings, ConnectionStatus, EnableOptions
from domain.connection.solution_import import import_solution


async def connect_demo(container: Services, crm_url: str) -> None:
    service = container.connection
    current = await service.get()
    if current is not None and current.is_enabled:
        await container.full_sync.review()
        return
    client_id, secret = SYNC_APP
    await service.configure(
        ConnectionSettings(
            server_url=crm_url,
            tenant_id=DEFAULT_TENANT,
            client_id=client_id,
            client_secret=secret,
            authority_url=crm_url,
        )
    )
    tested = await service.test()
    if tested.status is ConnectionStatus.ERROR:
        raise RuntimeError(f"the demo CRM did not answer as expected: {tested.last_error}")
    if not tested.solution_installed:
        admin_id, admin_secret = ADMIN_APP
        await import_solution(service, AdminCredentials(admin_id, admin_secret, authority_url=crm_url))
        await service.test()
    await enable(service, EnableOptions(item_availability=True))
    await container.full_sync.review()
