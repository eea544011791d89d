"""The preconditions setup steps share."""

from __future__ import annotations

from domain.connection.model import CrmConnection
from domain.connection.ports import SetupUnitOfWork
from domain.errors import ErrorCode, ValidationFailed


async def require_connection(uow: SetupUnitOfWork) -> CrmConnection:
    connection = await uow.connection.get()
    if connection is None:
        raise ValidationFailed.single(
            None,
            "the CRM connection is not configured: run configureConnection first",
            ErrorCode.NOT_CONFIGURED,
        )
    return connection


def require_tested(connection: CrmConnection, step: str) -> None:
    if not connection.tested_ok or connection.integration_user_id is None:
        raise ValidationFailed.single(
            None,
            f"test the connection first (testConnection) before {step}; "
            f"its status is {connection.status.value}",
            ErrorCode.INVALID_STATE,
        )
