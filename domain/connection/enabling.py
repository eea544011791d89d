"""Enabling the connection (BC ref §7.1 EnableCRMConnection): the ERP's local
currency must exist in the CRM; the chosen default mappings are seeded; item
availability gets a fresh AVAILABILITY key, written with Couplet's endpoint into
the CRM's ``couplet_connection`` row (where CRM plugins read it); sales order
integration is switched on with its user. All of it, or nothing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from uuid import UUID

from domain.auth import Role
from domain.connection.messages import explain
from domain.connection.model import ConnectionStatus, CrmConnection, EnableOptions
from domain.connection.plan import EnablePlan, plan_enable
from domain.connection.ports import SetupUnitOfWork
from domain.connection.solution import (
    CONNECTION_ACCESS_KEY,
    CONNECTION_AVAILABILITY_URL,
    CONNECTION_ENTITY,
    CONNECTION_NAME,
    CONNECTION_ROW_ID,
    CONNECTION_SERVICE_URL,
    enable_erp_number_fields,
)
from domain.connection.state import require_connection, require_tested
from domain.connection.users import CheckFailed, find_user
from domain.crm import CrmError, CrmRows, odata_literal
from domain.crm_admin import CrmAdmin
from domain.errors import ErrorCode, ValidationFailed
from domain.financials.tables import table
from domain.mappings.service import seed_mappings

if TYPE_CHECKING:
    from domain.connection.service import ConnectionService

log = logging.getLogger("couplet.connection")
AVAILABILITY_KEY_NAME = "CRM item availability plugin"


async def enable(service: ConnectionService, options: EnableOptions) -> CrmConnection:
    async with service.uow() as uow:
        connection = await require_connection(uow)
        require_tested(connection, "enabling it")
        credentials = await uow.connection.credentials()
        existing = {mapping.name: mapping for mapping in await uow.mappings.all()}
        local = await uow.erp.find(table("currency"), {"is_local": True})
    plan = plan_enable(connection, options, existing)
    if not local:
        raise ValidationFailed.single(
            None,
            "the ERP has no local currency: mark one with upsertCurrency(input: {code: …, isLocal: true})",
            ErrorCode.NOT_CONFIGURED,
        )
    assert credentials is not None  # a tested connection has its secret
    try:
        async with service.crm.connect(credentials) as crm:
            await _require_currency(crm, str(local[0]["code"]))
            order_user = await _sales_order_user(crm, connection, plan)
            async with service.uow() as uow:
                await seed_mappings(uow.mappings, plan.mappings)
                if connection.solution_installed:
                    await enable_erp_number_fields(uow.mappings)
                key_id = await _item_availability(uow, crm, connection, plan, service.public_url)
                enabled = connection.with_changes(
                    is_enabled=True,
                    status=ConnectionStatus.ENABLED,
                    enabled_mappings=plan.mappings,
                    item_availability_enabled=plan.item_availability,
                    availability_key_id=key_id,
                    sales_order_integration_enabled=plan.sales_order_integration,
                    sales_order_user=order_user[0],
                    sales_order_user_id=order_user[1],
                )
                await uow.connection.save(enabled)
    except CrmError as error:
        raise ValidationFailed.single(None, explain(error, credentials), ErrorCode.CRM_ERROR) from None
    except CheckFailed as failed:
        raise ValidationFailed.single("sales_order_user", failed.message, ErrorCode.INVALID_VALUE) from None
    log.info("CRM connection enabled: %s", ", ".join(plan.mappings))
    return enabled


async def _require_currency(crm: CrmRows, code: str) -> None:
    where = f"isocurrencycode eq {odata_literal(code)}"
    async for page in crm.query("transactioncurrency", filter=where, select=["isocurrencycode"], top=1):
        if page:
            return
    raise ValidationFailed.single(
        None,
        f"the CRM has no currency with ISO code {code!r}, the ERP's local currency: add it in "
        "Dynamics 365 (Settings › Business Management › Currencies) and enable again",
        ErrorCode.UNKNOWN_REFERENCE,
    )


async def _sales_order_user(
    crm: CrmAdmin, connection: CrmConnection, plan: EnablePlan
) -> tuple[str | None, UUID | None]:
    """The CRM user handling sales order integration: the one named, else the one
    chosen before, else the integration user."""
    if not plan.sales_order_integration:
        return None, None
    if plan.sales_order_user is None:
        if connection.sales_order_user_id is not None:
            return connection.sales_order_user, connection.sales_order_user_id
        return connection.integration_user, connection.integration_user_id
    user = await find_user(crm, plan.sales_order_user)
    if user is None:
        raise ValidationFailed.single(
            "sales_order_user",
            f"no CRM user matches {plan.sales_order_user!r} (by email, domain name or user id)",
            ErrorCode.NOT_FOUND,
        )
    if user.is_disabled:
        raise ValidationFailed.single(
            "sales_order_user", f"the CRM user {plan.sales_order_user!r} is disabled", ErrorCode.INVALID_VALUE
        )
    return plan.sales_order_user, user.id


async def _item_availability(
    uow: SetupUnitOfWork, crm: CrmRows, connection: CrmConnection, plan: EnablePlan, public_url: str
) -> UUID | None:
    """A fresh AVAILABILITY key in the CRM's connection row (the previous key is
    revoked), or, when switched off, no key and an empty row."""
    if connection.availability_key_id is not None:
        await uow.keys.revoke(connection.availability_key_id)
    if not plan.item_availability:
        if connection.item_availability_enabled and connection.solution_installed:
            await crm.upsert(
                CONNECTION_ENTITY,
                CONNECTION_ROW_ID,
                {CONNECTION_AVAILABILITY_URL: None, CONNECTION_ACCESS_KEY: None},
            )
        return None
    key_id, secret = await uow.keys.issue(AVAILABILITY_KEY_NAME, Role.AVAILABILITY)
    base = public_url.rstrip("/")
    await crm.upsert(
        CONNECTION_ENTITY,
        CONNECTION_ROW_ID,
        {
            CONNECTION_NAME: "Couplet",
            CONNECTION_SERVICE_URL: base,
            CONNECTION_AVAILABILITY_URL: f"{base}/graphql",
            CONNECTION_ACCESS_KEY: secret,
        },
    )
    return key_id
