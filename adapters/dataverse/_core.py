"""What every part of the client shares: the HTTP plumbing and the entity registry,
including learning unknown entities from their table definitions."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

import httpx

from adapters.dataverse import _json
from adapters.dataverse._auth import TokenProvider
from adapters.dataverse._config import DataverseConfig
from adapters.dataverse._http import Attempts, Requester
from adapters.dataverse._schema import EntityRegistry, EntitySpec, spec_from_definition
from adapters.dataverse._values import (
    decode_row,
    encode_attributes,
    lookups_needing_definitions,
    needs_definitions,
)
from domain.crm import Attributes, CrmNotFoundError, CrmRow, CrmValidationError, Lookup

T = TypeVar("T")

_DEFINITION_QUERY = {
    "$select": "LogicalName,EntitySetName,PrimaryIdAttribute",
    "$expand": "Attributes($select=LogicalName,AttributeType),ManyToOneRelationships("
    "$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName)",
}


class Core:
    def __init__(
        self,
        config: DataverseConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.http = httpx.AsyncClient(
            transport=transport,
            base_url=config.api_url,
            limits=httpx.Limits(max_connections=config.max_concurrency + 2),
        )
        self.tokens = TokenProvider(config, self.http, clock=clock)
        self.requester = Requester(config, self.http, self.tokens, sleep=sleep, jitter=jitter, clock=clock)
        self.registry = EntityRegistry()
        self._learning = asyncio.Lock()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def get(
        self, url: str, params: Mapping[str, str] | None = None, *, prefer: str | None = None
    ) -> Any:
        headers = {"Prefer": prefer} if prefer else None
        response = await self.requester.send("GET", url, params=params, headers=headers, idempotent=True)
        return _json.loads(response.content)

    async def send(
        self,
        method: str,
        url: str,
        body: object | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        idempotent: bool,
        attempts: Attempts | None = None,
        http_timeout: float | None = None,
    ) -> httpx.Response:
        return await self.requester.send(
            method,
            url,
            params=params,
            content=None if body is None else _json.dumps(body),
            headers=headers,
            idempotent=idempotent,
            attempts=attempts,
            http_timeout=http_timeout,
        )

    async def spec(self, entity: str) -> EntitySpec:
        return self.registry.get(entity) or await self.learn(entity)

    async def learn(self, entity: str) -> EntitySpec:
        """Read the table definition of `entity` and remember it complete."""
        async with self._learning:
            known = self.registry.get(entity)
            if known is not None and known.complete:
                return known
            try:
                definition = await self.get(f"EntityDefinitions(LogicalName='{entity}')", _DEFINITION_QUERY)
            except CrmNotFoundError as exc:
                raise CrmValidationError(
                    f"the CRM has no entity named {entity!r}", status=exc.status
                ) from exc
            spec = spec_from_definition(definition, known)
            self.registry.add(spec)
            return spec

    async def reading(self, entity: str, read: Callable[[EntitySpec], Awaitable[T]]) -> T:
        """Run `read`; when the CRM refuses it and the spec may be missing a custom
        column (a lookup named in ``$select``), learn the definition and try once more."""
        spec = await self.spec(entity)
        try:
            return await read(spec)
        except CrmValidationError:
            if spec.complete:
                raise
        return await read(await self.learn(entity))

    async def encode(self, spec: EntitySpec, attributes: Attributes) -> tuple[EntitySpec, dict[str, object]]:
        if lookups_needing_definitions(spec, attributes):
            spec = await self.learn(spec.logical_name)
        sets = {}
        for value in attributes.values():
            if isinstance(value, Lookup) and value.entity not in sets:
                sets[value.entity] = (await self.spec(value.entity)).entity_set
        return spec, encode_attributes(spec, attributes, sets.__getitem__)

    async def decode(self, spec: EntitySpec, payloads: Iterable[Mapping[str, Any]]) -> list[CrmRow]:
        payloads = list(payloads)
        if any(needs_definitions(spec, payload) for payload in payloads):
            spec = await self.learn(spec.logical_name)
        return [decode_row(spec, payload) for payload in payloads]
