"""Importing Couplet's solution (BC ref §7.2 ImportCRMSolution).

The admin is an app registration (client id + secret) whose application user
holds System Administrator: Dataverse offers no username/password sign-in worth
supporting (ROPC is deprecated and fails under MFA). Its credentials are used
for this one call, in memory, and forgotten: they are never stored or logged."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from domain.connection.messages import explain
from domain.connection.model import AdminCredentials, CrmConnection, CrmCredentials
from domain.connection.solution import VERSION, enable_erp_number_fields
from domain.connection.state import require_connection, require_tested
from domain.connection.users import CheckFailed, assign_integration_roles
from domain.connection.validation import clean_admin
from domain.crm import CrmError, CrmPermissionError
from domain.errors import ErrorCode, ValidationFailed

if TYPE_CHECKING:
    from domain.connection.service import ConnectionService

log = logging.getLogger("couplet.connection")
ADMIN = "the admin app"
ADMIN_HINT = " Its application user needs System Administrator."


async def import_solution(service: ConnectionService, admin: AdminCredentials) -> CrmConnection:
    async with service.uow() as uow:
        connection = await require_connection(uow)
    admin = clean_admin(admin, integration_client_id=connection.client_id)
    require_tested(connection, "importing the solution")
    assert connection.integration_user_id is not None  # require_tested checks it
    credentials = CrmCredentials(
        server_url=connection.server_url,
        tenant_id=admin.tenant_id or connection.tenant_id,
        client_id=admin.client_id,
        client_secret=admin.client_secret,
        authority_url=admin.authority_url or connection.authority_url,
    )
    try:
        async with service.crm.connect(credentials) as crm:
            await crm.import_solution(service.solution_package())
            await assign_integration_roles(crm, connection.integration_user_id)
    except CrmError as error:
        hint = ADMIN_HINT if isinstance(error, CrmPermissionError) else ""
        raise ValidationFailed.single(
            None, explain(error, credentials, role=ADMIN) + hint, ErrorCode.CRM_ERROR
        ) from None
    except CheckFailed as failed:
        raise ValidationFailed.single(None, failed.message, ErrorCode.CRM_ERROR) from None
    async with service.uow() as uow:
        current = await require_connection(uow)
        installed = current.with_changes(solution_installed=True, solution_version=VERSION)
        await uow.connection.save(installed)
        await enable_erp_number_fields(uow.mappings)
    await service.crm.reset()
    log.info("Couplet's CRM solution %s imported; integration roles assigned", VERSION)
    return installed
