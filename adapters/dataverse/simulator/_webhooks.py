"""Webhooks: after a write commits, every registered endpoint interested in the
entity and message receives a POST with a RemoteExecutionContext-shaped JSON body
(MessageName Create/Update/Delete, PrimaryEntityName/Id, InitiatingUserId,
OperationCreatedOn, a minimal PostEntityImages) and the documented
``x-ms-dynamics-*`` headers, plus the registration's own auth header.

Delivery is asynchronous (an asynchronous step, Stage 40, Mode 1). As documented
for webhooks, a 502/503/504 answer gets exactly one more attempt; any other
failure is recorded and dropped. A delivery never affects the write itself."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog

from adapters.dataverse import _json
from adapters.dataverse.simulator._org import Change

log = structlog.get_logger("couplet.dataverse.simulator")
MESSAGES = frozenset({"Create", "Update", "Delete"})
_RETRIED = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    url: str
    entities: frozenset[str] | None
    messages: frozenset[str]
    headers: dict[str, str] = field(default_factory=dict)

    def wants(self, change: Change) -> bool:
        return change.message in self.messages and (self.entities is None or change.entity in self.entities)


@dataclass(slots=True)
class Delivery:
    webhook_id: str
    message: str
    entity: str
    row_id: str
    status: int | None = None
    attempts: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Webhooks:
    def __init__(
        self,
        *,
        organization: dict[str, str],
        timeout: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.organization = organization
        self.timeout = timeout
        self.transport = transport
        self.registrations: dict[str, Webhook] = {}
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    def register(
        self,
        url: str,
        *,
        entities: Iterable[str] | None = None,
        messages: Iterable[str] = MESSAGES,
        headers: dict[str, str] | None = None,
    ) -> str:
        unknown = set(messages) - MESSAGES
        if unknown:
            raise ValueError(f"webhooks report Create, Update and Delete, not {sorted(unknown)}")
        webhook_id = str(uuid.uuid4())
        self.registrations[webhook_id] = Webhook(
            webhook_id,
            url,
            frozenset(entities) if entities is not None else None,
            frozenset(messages),
            headers or {},
        )
        return webhook_id

    def dispatch(self, changes: list[Change]) -> None:
        """Start delivering; needs a running event loop (the ASGI app has one)."""
        if not changes or not self.registrations:
            return
        loop = asyncio.get_running_loop()
        for change in changes:
            for webhook in self.registrations.values():
                if webhook.wants(change):
                    task = loop.create_task(self._deliver(webhook, change))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every started delivery has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _deliver(self, webhook: Webhook, change: Change) -> None:
        delivery = Delivery(webhook.id, change.message, change.entity, change.row_id)
        self.deliveries.append(delivery)
        client = self._client or httpx.AsyncClient(transport=self.transport, timeout=self.timeout)
        self._client = client
        correlation = str(uuid.uuid4())
        body = _json.dumps(self.context(webhook, change, correlation))
        headers = {
            "Content-Type": "application/json",
            "x-ms-dynamics-organization": self.organization["host"],
            "x-ms-dynamics-entity-name": change.entity,
            "x-ms-dynamics-request-name": change.message,
            "x-ms-correlation-request-id": correlation,
            **webhook.headers,
        }
        while delivery.attempts < 2:
            delivery.attempts += 1
            try:
                response = await client.post(webhook.url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
                log.warning("webhook.failed", url=webhook.url, error=delivery.error)
                return
            delivery.status = response.status_code
            if response.status_code not in _RETRIED:
                break
        if not delivery.ok:
            delivery.error = f"HTTP {delivery.status}"
            log.warning("webhook.failed", url=webhook.url, status=delivery.status)

    def context(self, webhook: Webhook, change: Change, correlation: str) -> dict[str, Any]:
        """The RemoteExecutionContext JSON for one change."""
        reference: dict[str, Any] = {
            "Id": change.row_id,
            "KeyAttributes": [],
            "LogicalName": change.entity,
            "Name": None,
            "RowVersion": None,
        }
        image = {
            "Attributes": [{"key": key, "value": value} for key, value in change.image.items()],
            "EntityState": None,
            "FormattedValues": [],
            "Id": change.row_id,
            "KeyAttributes": [],
            "LogicalName": change.entity,
            "RelatedEntities": [],
            "RowVersion": None,
        }
        target = reference if change.message == "Delete" else {"__type": _ENTITY_TYPE, **image}
        return {
            "BusinessUnitId": self.organization["businessunitid"],
            "CorrelationId": correlation,
            "Depth": 1,
            "InitiatingUserId": change.user_id,
            "InputParameters": [{"key": "Target", "value": target}],
            "IsExecutingOffline": False,
            "IsInTransaction": False,
            "IsOfflinePlayback": False,
            "IsolationMode": 1,
            "MessageName": change.message,
            "Mode": 1,
            "OperationCreatedOn": _wcf_date(change.at),
            "OperationId": str(uuid.uuid4()),
            "OrganizationId": self.organization["organizationid"],
            "OrganizationName": self.organization["name"],
            "OutputParameters": [{"key": "id", "value": change.row_id}] if change.message == "Create" else [],
            "OwningExtension": {**reference, "Id": webhook.id, "LogicalName": "sdkmessageprocessingstep"},
            "ParentContext": None,
            "PostEntityImages": []
            if change.message == "Delete"
            else [{"key": "AsynchronousStepPrimaryName", "value": image}],
            "PreEntityImages": [],
            "PrimaryEntityId": change.row_id,
            "PrimaryEntityName": change.entity,
            "RequestId": None,
            "SecondaryEntityName": "none",
            "SharedVariables": [],
            "Stage": 40,
            "UserId": change.user_id,
        }


_ENTITY_TYPE = "Entity:http://schemas.microsoft.com/xrm/2011/Contracts"


def _wcf_date(moment: datetime) -> str:
    """``/Date(<ms since epoch>)/``, the WCF JSON date form of the documented example."""
    return f"/Date({int(moment.astimezone(UTC).timestamp() * 1000)})/"


def host_of(url: str) -> str:
    return urlsplit(url).hostname or "localhost"
