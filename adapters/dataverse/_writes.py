"""Writing rows one at a time: create, update, upsert, delete (reference §2.4-2.6, §2.9).

A create with a client-chosen id is safe to repeat: when a retry after an
ambiguous failure (timeout, dropped connection, 502/504) meets "duplicate", the
earlier attempt landed and the create has succeeded. Likewise a retried delete
that meets 404."""

from __future__ import annotations

from uuid import UUID

from adapters.dataverse._core import Core
from adapters.dataverse._http import Attempts
from adapters.dataverse._odata import entity_id, row_path
from domain.crm import Attributes, CrmDuplicateError, CrmNotFoundError, CrmValidationError


class WritesMixin:
    _core: Core

    async def create(self, entity: str, attributes: Attributes, *, id: UUID | None = None) -> UUID:
        spec, body = await self._core.encode(await self._core.spec(entity), attributes)
        if id is not None:
            body[spec.primary_id] = str(id)
        attempts = Attempts()
        try:
            response = await self._core.send(
                "POST", spec.entity_set, body, idempotent=id is not None, attempts=attempts
            )
        except CrmDuplicateError:
            if id is not None and attempts.ambiguous:
                return id
            raise
        created = entity_id(response.headers.get("OData-EntityId")) or id
        if created is None:
            raise CrmValidationError(f"the CRM created a {entity} without saying its id")
        return created

    async def update(self, entity: str, id: UUID, attributes: Attributes, *, etag: str | None = None) -> None:
        """PATCH with ``If-Match: <etag>``, or ``If-Match: *`` so a missing row is a 404, not a create."""
        if not attributes:
            return
        spec, body = await self._core.encode(await self._core.spec(entity), attributes)
        await self._core.send(
            "PATCH", row_path(spec, id), body, headers={"If-Match": etag or "*"}, idempotent=True
        )

    async def upsert(self, entity: str, id: UUID, attributes: Attributes) -> bool:
        """PATCH without ``If-Match``; ``return=representation`` makes the CRM answer
        201 when it created the row and 200 when it updated it (reference §2.6)."""
        spec, body = await self._core.encode(await self._core.spec(entity), attributes)
        response = await self._core.send(
            "PATCH",
            row_path(spec, id),
            body,
            params={"$select": spec.primary_id},
            headers={"Prefer": "return=representation"},
            idempotent=True,
        )
        return response.status_code == 201

    async def delete(self, entity: str, id: UUID, *, etag: str | None = None) -> None:
        spec = await self._core.spec(entity)
        attempts = Attempts()
        try:
            await self._core.send(
                "DELETE",
                row_path(spec, id),
                headers={"If-Match": etag} if etag else None,
                idempotent=True,
                attempts=attempts,
            )
        except CrmNotFoundError:
            if not attempts.ambiguous:
                raise
