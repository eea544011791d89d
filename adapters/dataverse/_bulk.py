"""CreateMultiple / UpdateMultiple / UpsertMultiple (reference §2.4, §2.6, [BULK]).

Rows go in chunks of `bulk_chunk_size`; on standard tables a chunk is all or
nothing. When a chunk is refused for its data (validation, conflict, missing
reference), its rows are written one at a time so one bad row costs only
itself: the result lists the rows written and the rows that failed, by index.
Transient failures that outlast the retries, and auth/permission errors, raise."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar
from uuid import UUID

from adapters.dataverse import _json
from adapters.dataverse._http import Attempts
from adapters.dataverse._schema import EntitySpec
from adapters.dataverse._writes import WritesMixin
from domain.crm import (
    Attributes,
    BulkResult,
    CrmAuthError,
    CrmDuplicateError,
    CrmError,
    CrmPermissionError,
    CrmTransientError,
    NewRow,
    RowChange,
    RowFailure,
)

R = TypeVar("R", NewRow, RowChange)


class BulkMixin(WritesMixin):
    async def create_multiple(self, entity: str, rows: Sequence[NewRow]) -> BulkResult:
        """CreateMultiple; answers ``{"Ids": [...]}``. Chunks where every row has a
        client-chosen id are retried like single creates (duplicate after an ambiguous
        failure = created)."""
        spec = await self._core.spec(entity)

        async def send(chunk: Sequence[NewRow]) -> list[UUID]:
            targets = [await self._target(spec, row.attributes, row.id) for row in chunk]
            chosen = all(row.id is not None for row in chunk)
            attempts = Attempts()
            try:
                response = await self._core.send(
                    "POST",
                    f"{spec.entity_set}/Microsoft.Dynamics.CRM.CreateMultiple",
                    {"Targets": targets},
                    idempotent=chosen,
                    attempts=attempts,
                )
            except CrmDuplicateError:
                if chosen and attempts.ambiguous:
                    return [row.id for row in chunk if row.id is not None]
                raise
            return [UUID(str(value)) for value in _json.loads(response.content)["Ids"]]

        async def one(row: NewRow) -> UUID:
            return await self.create(entity, row.attributes, id=row.id)

        return await self._chunked(rows, send, one)

    async def update_multiple(self, entity: str, rows: Sequence[RowChange]) -> BulkResult:
        """UpdateMultiple (204); every row must exist."""
        spec = await self._core.spec(entity)

        async def send(chunk: Sequence[RowChange]) -> list[UUID]:
            targets = [await self._target(spec, row.attributes, row.id) for row in chunk]
            await self._core.send(
                "POST",
                f"{spec.entity_set}/Microsoft.Dynamics.CRM.UpdateMultiple",
                {"Targets": targets},
                idempotent=True,
            )
            return [row.id for row in chunk]

        async def one(row: RowChange) -> UUID:
            await self.update(entity, row.id, row.attributes)
            return row.id

        return await self._chunked(rows, send, one)

    async def upsert_multiple(self, entity: str, rows: Sequence[RowChange]) -> BulkResult:
        """UpsertMultiple by primary key: each target carries ``@odata.id`` = ``<set>(<id>)``."""
        spec = await self._core.spec(entity)

        async def send(chunk: Sequence[RowChange]) -> list[UUID]:
            targets = []
            for row in chunk:
                target = await self._target(spec, row.attributes, row.id)
                target["@odata.id"] = f"{spec.entity_set}({row.id})"
                targets.append(target)
            await self._core.send(
                "POST",
                f"{spec.entity_set}/Microsoft.Dynamics.CRM.UpsertMultiple",
                {"Targets": targets},
                idempotent=True,
            )
            return [row.id for row in chunk]

        async def one(row: RowChange) -> UUID:
            await self.upsert(entity, row.id, row.attributes)
            return row.id

        return await self._chunked(rows, send, one)

    async def _target(
        self, spec: EntitySpec, attributes: Attributes, row_id: UUID | None
    ) -> dict[str, object]:
        spec, body = await self._core.encode(spec, attributes)
        body["@odata.type"] = f"Microsoft.Dynamics.CRM.{spec.logical_name}"
        if row_id is not None:
            body[spec.primary_id] = str(row_id)
        return body

    async def _chunked(
        self,
        rows: Sequence[R],
        send: Callable[[Sequence[R]], Awaitable[list[UUID]]],
        one: Callable[[R], Awaitable[UUID]],
    ) -> BulkResult:
        result = BulkResult()
        size = self._core.config.bulk_chunk_size
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            try:
                result.ids.extend(await send(chunk))
            except (CrmTransientError, CrmAuthError, CrmPermissionError):
                raise
            except CrmError:
                await self._one_by_one(chunk, start, one, result)
        return result

    @staticmethod
    async def _one_by_one(
        chunk: Sequence[R], offset: int, one: Callable[[R], Awaitable[UUID]], result: BulkResult
    ) -> None:
        for index, row in enumerate(chunk, start=offset):
            try:
                result.ids.append(await one(row))
            except (CrmTransientError, CrmAuthError, CrmPermissionError):
                raise
            except CrmError as error:
                result.failures.append(RowFailure(index, row.id, error))
