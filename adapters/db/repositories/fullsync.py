"""The full-sync review's lines, and its version counter."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.models import FullSyncLineRow, SettingRow
from domain.clock import Clock
from domain.fullsync.model import LineStatus, PassStatus, Recommendation, ReviewLine
from domain.fullsync.ports import FullSyncStore

VERSION = "full_sync_review_version"


def _line(row: FullSyncLineRow) -> ReviewLine:
    return ReviewLine(
        mapping=row.mapping_name,
        position=row.position,
        recommendation=Recommendation(row.recommendation),
        modified_at=row.modified_at,
        status=LineStatus(row.status),
        to_crm_status=PassStatus(row.to_crm_status),
        from_crm_status=PassStatus(row.from_crm_status),
        to_crm_job_id=row.to_crm_job_id,
        from_crm_job_id=row.from_crm_job_id,
        message=row.message,
    )


def _columns(line: ReviewLine) -> dict[str, object]:
    return {
        "mapping_name": line.mapping,
        "position": line.position,
        "recommendation": line.recommendation.value,
        "status": line.status.value,
        "to_crm_status": line.to_crm_status.value,
        "from_crm_status": line.from_crm_status.value,
        "to_crm_job_id": line.to_crm_job_id,
        "from_crm_job_id": line.from_crm_job_id,
        "message": line.message,
        "modified_at": line.modified_at,
    }


class SqlFullSyncStore:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self._clock = clock

    async def lines(self, *, for_update: bool = False) -> list[ReviewLine]:
        stmt = sa.select(FullSyncLineRow).order_by(FullSyncLineRow.position)
        if for_update:
            stmt = stmt.with_for_update()
        rows = (await self.session.execute(stmt.execution_options(populate_existing=True))).scalars()
        return [_line(r) for r in rows]

    async def replace(self, lines: Sequence[ReviewLine]) -> None:
        await self.session.execute(sa.delete(FullSyncLineRow))
        if lines:
            await self.session.execute(sa.insert(FullSyncLineRow), [_columns(line) for line in lines])

    async def save(self, line: ReviewLine) -> None:
        values = _columns(line)
        del values["mapping_name"]
        await self.session.execute(
            sa.update(FullSyncLineRow).where(FullSyncLineRow.mapping_name == line.mapping).values(**values)
        )

    async def version(self) -> int:
        row = await self.session.get(SettingRow, VERSION)
        return int(row.value) if row is not None else 0

    async def bump(self) -> int:
        row = await self.session.get(SettingRow, VERSION, with_for_update=True)
        if row is None:
            self.session.add(SettingRow(name=VERSION, value=1, modified_at=self._clock.now()))
            await self.session.flush()
            return 1
        row.value, row.modified_at = int(row.value) + 1, self._clock.now()
        await self.session.flush()
        return int(row.value)


def _implements_the_port(store: SqlFullSyncStore) -> FullSyncStore:
    return store  # mypy checks SqlFullSyncStore against the FullSyncStore port here
