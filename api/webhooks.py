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

import logging
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.bootstrap import Services

log = logging.getLogger("couplet.webhooks")
HEADER = "x-couplet-webhook-key"
router = APIRouter()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/webhooks/dataverse", status_code=202)
async def dataverse_webhook(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    caller = await services.connection.webhook_caller(
        request.headers.get(HEADER) or request.query_params.get("code")
    )
    integration_user = caller.integration_user_id
    if not caller.authorized:
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
        touched = await services.sync.crm_row_deleted(entity, row_id)
        return JSONResponse({"status": "accepted", "uncoupled": touched}, status_code=202)
    if message not in ("Create", "Update"):
        return JSONResponse(
            {"status": "ignored", "reason": f"{message} is not synchronized"}, status_code=202
        )
    mappings = await services.triggers.crm_changed(entity, row_id)
    return JSONResponse({"status": "accepted", "mappings": mappings}, status_code=202)
