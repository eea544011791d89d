"""`rotateWebhookKey` (ADMIN): the key Dataverse sends with its webhook calls."""

from __future__ import annotations

import strawberry

from api.auth import requires
from api.context import Info
from api.graphql.common import UserError, user_errors
from domain.auth import Role
from domain.errors import ValidationFailed


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
        try:
            key = await info.context.services.connection.rotate_webhook_key()
        except ValidationFailed as failed:
            return WebhookKeyPayload(user_errors=user_errors(failed))
        return WebhookKeyPayload(key=key)
