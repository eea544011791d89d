"""Couplings: which ERP record is which CRM row, per table mapping."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.models import CouplingRow

IN_CHUNK = 500


class CouplingLookups:
    """Set-based translation between ERP ids and CRM ids through one mapping's
    couplings (pending couplings — creates in flight — are not yet usable)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def erp_ids_for(self, mapping: str, crm_ids: Collection[UUID]) -> dict[UUID, UUID]:
        """crm id → erp id, for the CRM ids that are coupled."""
        return await self._pairs(mapping, CouplingRow.crm_id, CouplingRow.erp_id, crm_ids)

    async def crm_ids_for(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, UUID]:
        """erp id → crm id, for the ERP ids that are coupled."""
        return await self._pairs(mapping, CouplingRow.erp_id, CouplingRow.crm_id, erp_ids)

    async def _pairs(
        self,
        mapping: str,
        key: sa.orm.InstrumentedAttribute[UUID | None] | sa.orm.InstrumentedAttribute[UUID],
        value: sa.orm.InstrumentedAttribute[UUID | None] | sa.orm.InstrumentedAttribute[UUID],
        wanted: Collection[UUID],
    ) -> dict[UUID, UUID]:
        found: dict[UUID, UUID] = {}
        items = list(wanted)
        for start in range(0, len(items), IN_CHUNK):
            stmt = sa.select(key, value).where(
                CouplingRow.mapping_name == mapping,
                CouplingRow.pending.is_(False),
                key.in_(items[start : start + IN_CHUNK]),
            )
            for k, v in (await self.session.execute(stmt)).all():
                if k is not None and v is not None:
                    found[k] = v
        return found
