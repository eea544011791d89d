"""Reading rows: by id, by query (paged), changed since a watermark, many ids at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from adapters.dataverse._core import Core
from adapters.dataverse._odata import (
    ANNOTATIONS,
    changed_since_filter,
    id_chunks,
    ids_filter,
    query_params,
    row_path,
)
from adapters.dataverse._schema import EntitySpec
from domain.crm import CrmNotFoundError, CrmRow, CrmValidationError


class ReadsMixin:
    _core: Core

    async def get(self, entity: str, id: UUID, select: Sequence[str] | None = None) -> CrmRow | None:
        async def read(spec: EntitySpec) -> CrmRow | None:
            try:
                payload = await self._core.get(
                    row_path(spec, id), query_params(spec, select=select), prefer=ANNOTATIONS
                )
            except CrmNotFoundError:
                return None
            return (await self._core.decode(spec, [payload]))[0]

        return await self._core.reading(entity, read)

    async def query(
        self,
        entity: str,
        *,
        filter: str | None = None,
        select: Sequence[str] | None = None,
        orderby: Sequence[str] | None = None,
        top: int | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[list[CrmRow]]:
        """Pages of rows. With `top` within one page, ``$top`` is sent alone (Dataverse
        ignores ``$top`` next to ``odata.maxpagesize``); otherwise pages are cut here."""
        size = page_size or self._core.config.page_size
        single_page = top is not None and top <= size

        async def first_page(spec: EntitySpec) -> tuple[EntitySpec, dict[str, Any]]:
            params = query_params(
                spec, filter=filter, select=select, orderby=orderby, top=top if single_page else None
            )
            return spec, await self._core.get(spec.entity_set, params, prefer=self._prefer(size, single_page))

        spec, payload = await self._core.reading(entity, first_page)
        remaining = top
        seen: set[str] = set()
        while True:
            rows = await self._core.decode(spec, payload.get("value", []))
            if remaining is not None:
                rows = rows[:remaining]
                remaining -= len(rows)
            if rows:
                yield rows
            next_link = payload.get("@odata.nextLink")
            if not next_link or remaining == 0:
                return
            if next_link in seen:
                raise CrmValidationError(f"the CRM returned the same nextLink twice while paging {entity}")
            seen.add(next_link)
            payload = await self._core.get(next_link, prefer=self._prefer(size, single_page))

    def changed_since(
        self,
        entity: str,
        since: datetime | None,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[list[CrmRow]]:
        return self._changed_since(entity, since, select=select, filter=filter, page_size=page_size)

    async def _changed_since(
        self,
        entity: str,
        since: datetime | None,
        *,
        select: Sequence[str] | None,
        filter: str | None,
        page_size: int | None,
    ) -> AsyncIterator[list[CrmRow]]:
        spec = await self._core.spec(entity)
        pages = self.query(
            entity,
            filter=changed_since_filter(since, filter),
            select=select,
            orderby=["modifiedon asc", f"{spec.primary_id} asc"],
            page_size=page_size,
        )
        async for page in pages:
            yield page

    async def get_many(
        self, entity: str, ids: Collection[UUID], select: Sequence[str] | None = None
    ) -> list[CrmRow]:
        """Rows for `ids` by ``pk eq … or …`` filters, in as many requests as the URL limit needs."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return []
        spec = await self._core.spec(entity)
        base = f"{self._core.config.api_url}{spec.entity_set}?{urlencode(query_params(spec, select=select))}"
        rows: list[CrmRow] = []
        for chunk in id_chunks(
            spec, unique, base_length=len(base), max_url_length=self._core.config.max_url_length
        ):
            async for page in self.query(entity, filter=ids_filter(spec, chunk), select=select):
                rows.extend(page)
        return rows

    @staticmethod
    def _prefer(size: int, single_page: bool) -> str:
        return ANNOTATIONS if single_page else f"odata.maxpagesize={size},{ANNOTATIONS}"
