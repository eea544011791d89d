"""What hangs off couplings: parked records, deleted-counterpart marks and the
outcome history, each on the caller's session."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.models import DeletedCounterpartRow, ParkedRecordRow, SyncOutcomeRow
from domain.clock import IdFactory
from domain.couplings.model import OutcomeEntry, ParkedRecord, Side
from domain.couplings.ports import DeletionMarks, OutcomeHistory, ParkedRecords
from domain.mappings.model import SyncDirection

IN_CHUNK = 500


def _now() -> datetime:
    return datetime.now(UTC)


class SqlParkedRecords:
    """`ParkedRecords` on the caller's session."""

    def __init__(self, session: AsyncSession, ids: IdFactory) -> None:
        self.session = session
        self._ids = ids

    async def park(self, records: Sequence[ParkedRecord]) -> None:
        for r in records:
            exists = await self.session.execute(
                sa.select(ParkedRecordRow.id).where(
                    ParkedRecordRow.mapping_name == r.mapping,
                    ParkedRecordRow.direction == r.direction.value,
                    ParkedRecordRow.record_id == r.record_id,
                    ParkedRecordRow.waiting_for == r.waiting_for,
                )
            )
            if exists.first() is None:
                await self.session.execute(
                    sa.insert(ParkedRecordRow).values(
                        id=self._ids.new_id(),
                        mapping_name=r.mapping,
                        direction=r.direction.value,
                        record_id=r.record_id,
                        waiting_for=r.waiting_for,
                        key=r.key[:200],
                        parked_at=_now(),
                        create=r.create,
                    )
                )
            elif r.create:
                await self.session.execute(
                    sa.update(ParkedRecordRow)
                    .where(
                        ParkedRecordRow.mapping_name == r.mapping,
                        ParkedRecordRow.direction == r.direction.value,
                        ParkedRecordRow.record_id == r.record_id,
                        ParkedRecordRow.waiting_for == r.waiting_for,
                    )
                    .values(create=True)
                )

    async def parked_waiting_for(self, mapping: str) -> list[ParkedRecord]:
        stmt = sa.select(ParkedRecordRow).where(ParkedRecordRow.waiting_for == mapping)
        return [
            ParkedRecord(
                r.mapping_name, SyncDirection(r.direction), r.record_id, r.waiting_for, r.key, r.create
            )
            for r in (await self.session.execute(stmt)).scalars()
        ]

    async def unpark(self, mapping: str, direction: SyncDirection, record_ids: Collection[UUID]) -> None:
        items = list(record_ids)
        for start in range(0, len(items), IN_CHUNK):
            await self.session.execute(
                sa.delete(ParkedRecordRow).where(
                    ParkedRecordRow.mapping_name == mapping,
                    ParkedRecordRow.direction == direction.value,
                    ParkedRecordRow.record_id.in_(items[start : start + IN_CHUNK]),
                )
            )


class SqlDeletionMarks:
    """`DeletionMarks` on the caller's session."""

    def __init__(self, session: AsyncSession, ids: IdFactory) -> None:
        self.session = session
        self._ids = ids

    async def mark_deleted_counterparts(
        self, mapping: str, side: Side, records: Sequence[tuple[UUID, str]]
    ) -> None:
        if not records:
            return
        await self.forget_deleted_counterparts(mapping, side, [r for r, _ in records])
        await self.session.execute(
            sa.insert(DeletedCounterpartRow),
            [
                {
                    "id": self._ids.new_id(),
                    "mapping_name": mapping,
                    "side": side.value,
                    "record_id": record_id,
                    "counterpart": counterpart[:200],
                    "deleted_at": _now(),
                }
                for record_id, counterpart in dict(records).items()
            ],
        )

    async def deleted_counterparts(self, mapping: str, side: Side, record_ids: Collection[UUID]) -> set[UUID]:
        found: set[UUID] = set()
        items = list(record_ids)
        for start in range(0, len(items), IN_CHUNK):
            stmt = sa.select(DeletedCounterpartRow.record_id).where(
                DeletedCounterpartRow.mapping_name == mapping,
                DeletedCounterpartRow.side == side.value,
                DeletedCounterpartRow.record_id.in_(items[start : start + IN_CHUNK]),
            )
            found.update((await self.session.execute(stmt)).scalars())
        return found

    async def forget_deleted_counterparts(
        self, mapping: str, side: Side, record_ids: Collection[UUID]
    ) -> None:
        items = list(record_ids)
        for start in range(0, len(items), IN_CHUNK):
            await self.session.execute(
                sa.delete(DeletedCounterpartRow).where(
                    DeletedCounterpartRow.mapping_name == mapping,
                    DeletedCounterpartRow.side == side.value,
                    DeletedCounterpartRow.record_id.in_(items[start : start + IN_CHUNK]),
                )
            )


class SqlOutcomeHistory:
    """`OutcomeHistory` on the caller's session."""

    def __init__(self, session: AsyncSession, ids: IdFactory) -> None:
        self.session = session
        self._ids = ids

    async def add_history(self, entries: Sequence[OutcomeEntry]) -> None:
        if entries:
            await self.session.execute(
                sa.insert(SyncOutcomeRow),
                [
                    {
                        "id": self._ids.new_id(),
                        "coupling_id": e.coupling_id,
                        "job_id": e.job_id,
                        "direction": e.direction.value,
                        "outcome": e.outcome.value,
                        "message": e.message,
                        "at": e.at,
                    }
                    for e in entries
                ],
            )


def _implements_the_ports(
    parked: SqlParkedRecords, marks: SqlDeletionMarks, history: SqlOutcomeHistory
) -> tuple[ParkedRecords, DeletionMarks, OutcomeHistory]:
    return parked, marks, history  # mypy checks the SQL stores against their ports here
