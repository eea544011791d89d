"""`POST /webhooks/dataverse`: a Dataverse service endpoint (webhook) tells Couplet
a row changed, so the change reaches the ERP within seconds.

Register the endpoint in Dataverse (Plugin Registration tool → Register New Web
Hook) with this URL and authentication "HttpHeader" `x-couplet-webhook-key:
<key>` (or "WebhookKey", sent as `?code=<key>`); steps for Create, Update and
Delete of the mapped entities. The key comes from `rotateWebhookKey`.

The body is the RemoteExecutionContext; Couplet reads MessageName,
PrimaryEntityName, PrimaryEntityId and InitiatingUserId. Changes made by the
integration user are its own echo and are ignored. A deleted row's couplings
follow their mapping's deletion policy (`SyncService.crm_row_deleted`); the ERP
record is never deleted."""

from __future__ import annotations

import hmac
import logging
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from adapters.crm_provider import CONNECTION_ID
from adapters.db.models import ConnectionRow
from api.container import Container

log = logging.getLogger("couplet.webhooks")
HEADER = "x-couplet-webhook-key"
router = APIRouter()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _authorized(container: Container, request: Request) -> tuple[bool, UUID | None]:
    given = request.headers.get(HEADER) or request.query_params.get("code")
    async with container.db.read() as session:
        row = await session.get(ConnectionRow, CONNECTION_ID)
    if row is None or not row.webhook_secret or not given:
        return False, None
    expected = container.crm.secrets.decrypt(row.webhook_secret)
    return hmac.compare_digest(given.encode(), expected.encode()), row.integration_user_id


@router.post("/webhooks/dataverse", status_code=202)
async def dataverse_webhook(request: Request) -> JSONResponse:
    container: Container = request.app.state.container
    ok, integration_user = await _authorized(container, request)
    if not ok:
        return _error(401, "a valid webhook key is required")
    try:
        context: dict[str, Any] = await request.json()
        message = str(context["MessageName"])
        entity = str(context["PrimaryEntityName"])
        row_id = UUID(str(context["PrimaryEntityId"]))
    except (ValueError, KeyError, TypeError):
        return _error(400, "the body is not a RemoteExecutionContext")
    initiator = context.get("InitiatingUserId")
    if integration_user is not None and initiator and str(initiator).lower() == str(integration_user).lower():
        return JSONResponse({"status": "ignored", "reason": "made by the integration user"}, status_code=202)
    if message == "Delete":
        touched = await container.sync.crm_row_deleted(entity, row_id)
        return JSONResponse({"status": "accepted", "uncoupled": touched}, status_code=202)
    if message not in ("Create", "Update"):
        return JSONResponse(
            {"status": "ignored", "reason": f"{message} is not synchronized"}, status_code=202
        )
    mappings = await container.triggers.crm_changed(entity, row_id)
    return JSONResponse({"status": "accepted", "mappings": mappings}, status_code=202)
