"""Financials writes as the API asks for them: each one its own unit of work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from domain.clock import Clock, IdFactory
from domain.financials.records import ErpRecord, Values
from domain.financials.service import FinancialsService
from domain.uow import UnitOfWorkFactory


class FinancialsWrites:
    """Runs a `FinancialsService` write in a new unit of work, committed when it succeeds."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    async def upsert(
        self, table_name: str, given: Values, children: Mapping[str, Sequence[Values]] | None = None
    ) -> ErpRecord:
        """See `FinancialsService.upsert`."""
        async with self._uow() as uow:
            return await FinancialsService(uow.erp, self._clock, self._ids).upsert(
                table_name, given, children
            )

    async def delete(self, table_name: str, *, key: Values | None, record_id: UUID | None) -> ErpRecord:
        """See `FinancialsService.delete`."""
        async with self._uow() as uow:
            service = FinancialsService(uow.erp, self._clock, self._ids)
            return await service.delete(table_name, key=key, record_id=record_id)

    async def post_item_journal(self, lines: Sequence[Values]) -> list[ErpRecord]:
        """See `FinancialsService.post_item_journal`."""
        async with self._uow() as uow:
            return await FinancialsService(uow.erp, self._clock, self._ids).post_item_journal(lines)
