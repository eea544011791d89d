"""`rotateWebhookKey` (ADMIN): the key Dataverse sends with its webhook calls."""

from __future__ import annotations

import secrets

import strawberry

from adapters.crm_provider import CONNECTION_ID
from adapters.db.models import ConnectionRow
from api.auth import requires
from api.context import Info
from api.graphql.common import UserError
from domain.auth import Role
from domain.errors import ErrorCode


@strawberry.type
class WebhookKeyPayload:
    key: str | None = strawberry.field(default=None, description="Shown this once: give it to Dataverse")
    url_path: str = "/webhooks/dataverse"
    header: str = "x-couplet-webhook-key"
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        extensions=requires(Role.ADMIN),
        description="A new key for Dataverse webhooks (the previous one stops working)",
    )
    async def rotate_webhook_key(self, info: Info) -> WebhookKeyPayload:
        services = info.context.services
        key = secrets.token_urlsafe(32)
        async with services.db.transaction() as session:
            row = await session.get(ConnectionRow, CONNECTION_ID)
            if row is None:
                return WebhookKeyPayload(
                    user_errors=[
                        UserError(
                            field=None,
                            message="configure the CRM connection first",
                            code=ErrorCode.NOT_CONFIGURED,
                        )
                    ]
                )
            row.webhook_secret = services.crm.secrets.encrypt(key)
            row.modified_at = services.clock.now()
        return WebhookKeyPayload(key=key)
