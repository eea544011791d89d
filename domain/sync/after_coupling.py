"""What follows a coupling (DOMAIN.md "Couplings"): the sync the user chose for
the pair, records parked for it released, and — after matching — counterparts
created where nothing matched. Coupling by hand, a MATCH job and a sync pass
that coupled records all end here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from uuid import UUID

from domain.couplings.model import Coupling
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection, TableMapping
from domain.sync.service import SyncService


class AfterCoupling:
    """The after-coupling rules over the sync service."""

    def __init__(self, sync: SyncService) -> None:
        self._sync = sync

    async def coupled(self, couplings: Sequence[Coupling]) -> None:
        """Couplings were made by hand: run the chosen sync-after, release parked records."""
        for coupling in couplings:
            if coupling.sync_after is not None:
                await self._sync.sync_record(
                    coupling.mapping,
                    erp_id=coupling.erp_id,
                    direction=coupling.sync_after,
                    trigger=Trigger.SYNC_AFTER_COUPLING,
                )
        for mapping in {c.mapping for c in couplings}:
            await self._sync.release_parked(mapping)

    async def matched(
        self, mapping: TableMapping, erp_ids: list[UUID], direction: SyncDirection | None
    ) -> None:
        """A MATCH job coupled these records: sync them as asked, release parked records."""
        if direction is not None:
            await self._sync.sync_coupled(
                mapping.name, erp_ids, direction, trigger=Trigger.SYNC_AFTER_COUPLING
            )
        await self._sync.release_parked(mapping.name)

    async def unmatched(self, mapping: TableMapping, erp_ids: list[UUID]) -> None:
        """A MATCH job with createIfNoMatch found nothing for these: create their CRM rows."""
        await self._sync.create_counterparts(
            mapping.name, SyncDirection.TO_CRM, erp_ids, trigger=Trigger.CREATED_WHEN_NO_MATCH
        )

    async def passed(self, mapping: str, from_crm: Collection[UUID]) -> None:
        """A sync pass coupled records (see `SyncService.after_coupling`)."""
        await self._sync.after_coupling(mapping, list(from_crm))
