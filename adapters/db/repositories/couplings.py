"""Couplings: which ERP record is which CRM row, per table mapping."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import is_unique_violation
from adapters.db.models import CouplingRow, SyncOutcomeRow
from adapters.db.repositories.coupling_records import SqlDeletionMarks
from domain.clock import IdFactory
from domain.couplings.model import Coupling, CouplingSide, MissingPrerequisite, Side, SyncResult
from domain.couplings.ports import (
    CouplingFigureReader,
    CouplingFigures,
    CouplingStore,
    DuplicateCouplingError,
)
from domain.mappings.model import SyncDirection

IN_CHUNK = 500


FAILED = SyncResult.FAILURE.value


def _coupling(row: CouplingRow) -> Coupling:
    return Coupling(
        id=row.id,
        mapping=row.mapping_name,
        erp_id=row.erp_id,
        crm_id=row.crm_id,
        crm_option=row.crm_option,
        pending=row.pending,
        erp_modified_at=row.erp_modified_at,
        crm_modified_at=row.crm_modified_at,
        snapshot=row.snapshot,
        to_crm=CouplingSide(
            SyncResult(row.last_result_to_crm) if row.last_result_to_crm else None, row.last_job_to_crm
        ),
        from_crm=CouplingSide(
            SyncResult(row.last_result_from_crm) if row.last_result_from_crm else None, row.last_job_from_crm
        ),
        last_synced_at=row.last_synced_at,
        skipped=row.skipped,
        last_error=row.last_error,
        last_error_class=row.last_error_class,
        last_error_at=row.last_error_at,
        repeated_failures=row.repeated_failures,
        conflict=row.conflict,
        missing_prerequisites=[MissingPrerequisite(**m) for m in row.missing_prerequisites or []],
        sync_after=SyncDirection(row.sync_after) if row.sync_after else None,
        merge_pending=row.merge_pending,
        created_at=row.created_at,
        modified_at=row.modified_at,
    )


def _columns(c: Coupling) -> dict[str, Any]:
    return {
        "id": c.id,
        "mapping_name": c.mapping,
        "erp_id": c.erp_id,
        "crm_id": c.crm_id,
        "crm_option": c.crm_option,
        "pending": c.pending,
        "erp_modified_at": c.erp_modified_at,
        "crm_modified_at": c.crm_modified_at,
        "snapshot": c.snapshot,
        "last_result_to_crm": c.to_crm.result.value if c.to_crm.result else None,
        "last_job_to_crm": c.to_crm.job,
        "last_result_from_crm": c.from_crm.result.value if c.from_crm.result else None,
        "last_job_from_crm": c.from_crm.job,
        "last_synced_at": c.last_synced_at,
        "skipped": c.skipped,
        "last_error": c.last_error,
        "last_error_class": c.last_error_class,
        "last_error_at": c.last_error_at,
        "repeated_failures": c.repeated_failures,
        "conflict": c.conflict,
        "missing_prerequisites": [
            {"mapping": m.mapping, "field": m.field, "key": m.key} for m in c.missing_prerequisites
        ]
        or None,
        "sync_after": c.sync_after.value if c.sync_after else None,
        "merge_pending": c.merge_pending,
        "created_at": c.created_at,
        "modified_at": c.modified_at,
    }


class SqlCouplingStore:
    """`CouplingStore` on the caller's session."""

    def __init__(self, session: AsyncSession, ids: IdFactory) -> None:
        self.session = session
        self._ids = ids
        self._marks = SqlDeletionMarks(session, ids)  # coupling a record forgets its mark

    async def _one(self, *where: sa.ColumnElement[bool]) -> Coupling | None:
        row = (await self.session.execute(sa.select(CouplingRow).where(*where))).scalar_one_or_none()
        return None if row is None else _coupling(row)

    async def get(self, coupling_id: UUID) -> Coupling | None:
        return await self._one(CouplingRow.id == coupling_id)

    async def by_erp(self, mapping: str, erp_id: UUID) -> Coupling | None:
        return await self._one(CouplingRow.mapping_name == mapping, CouplingRow.erp_id == erp_id)

    async def by_crm(self, mapping: str, crm_id: UUID) -> Coupling | None:
        return await self._one(CouplingRow.mapping_name == mapping, CouplingRow.crm_id == crm_id)

    async def by_option(self, mapping: str, value: int) -> Coupling | None:
        return await self._one(CouplingRow.mapping_name == mapping, CouplingRow.crm_option == value)

    async def many(self, coupling_ids: Collection[UUID]) -> list[Coupling]:
        found: list[Coupling] = []
        items = list(coupling_ids)
        for start in range(0, len(items), IN_CHUNK):
            stmt = sa.select(CouplingRow).where(CouplingRow.id.in_(items[start : start + IN_CHUNK]))
            found += [_coupling(r) for r in (await self.session.execute(stmt)).scalars()]
        return found

    async def by_erp_ids(self, erp_ids: Collection[UUID]) -> dict[UUID, Coupling]:
        """The coupling of each of these ERP records, in whichever mapping (first by name)."""
        found: dict[UUID, Coupling] = {}
        items = list(erp_ids)
        for start in range(0, len(items), IN_CHUNK):
            stmt = (
                sa.select(CouplingRow)
                .where(CouplingRow.erp_id.in_(items[start : start + IN_CHUNK]))
                .order_by(CouplingRow.mapping_name)
            )
            for row in (await self.session.execute(stmt)).scalars():
                found.setdefault(row.erp_id, _coupling(row))
        return found

    async def _in_mapping(self, mapping: str, column: Any, wanted: Collection[UUID]) -> dict[UUID, Coupling]:
        found: dict[UUID, Coupling] = {}
        items = list(wanted)
        for start in range(0, len(items), IN_CHUNK):
            stmt = sa.select(CouplingRow).where(
                CouplingRow.mapping_name == mapping, column.in_(items[start : start + IN_CHUNK])
            )
            for row in (await self.session.execute(stmt)).scalars():
                found[getattr(row, column.key)] = _coupling(row)
        return found

    async def in_mapping_by_erp(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, Coupling]:
        return await self._in_mapping(mapping, CouplingRow.erp_id, erp_ids)

    async def in_mapping_by_crm(self, mapping: str, crm_ids: Collection[UUID]) -> dict[UUID, Coupling]:
        return await self._in_mapping(mapping, CouplingRow.crm_id, crm_ids)

    async def retry_candidates(self, mapping: str, direction: SyncDirection, *, limit: int) -> list[Coupling]:
        failed = sa.and_(
            CouplingRow.skipped.is_(False),
            (
                CouplingRow.last_result_to_crm
                if direction is SyncDirection.TO_CRM
                else CouplingRow.last_result_from_crm
            )
            == FAILED,
        )
        extra = (
            CouplingRow.pending.is_(True)
            if direction is SyncDirection.TO_CRM
            else sa.and_(CouplingRow.merge_pending.is_(True), CouplingRow.skipped.is_(False))
        )
        stmt = (
            sa.select(CouplingRow)
            .where(CouplingRow.mapping_name == mapping, sa.or_(failed, extra))
            .order_by(CouplingRow.id)
            .limit(limit)
        )
        return [_coupling(r) for r in (await self.session.execute(stmt)).scalars()]

    async def skipped_of(self, mapping: str) -> list[Coupling]:
        stmt = sa.select(CouplingRow).where(
            CouplingRow.mapping_name == mapping, CouplingRow.skipped.is_(True)
        )
        return [_coupling(r) for r in (await self.session.execute(stmt)).scalars()]

    async def add(self, coupling: Coupling) -> None:
        await self.add_many([coupling])

    async def add_many(self, couplings: Sequence[Coupling]) -> None:
        """Insert in one statement per chunk; any side already coupled refuses the lot."""
        if not couplings:
            return
        try:
            async with self.session.begin_nested():
                for start in range(0, len(couplings), IN_CHUNK):
                    await self.session.execute(
                        sa.insert(CouplingRow), [_columns(c) for c in couplings[start : start + IN_CHUNK]]
                    )
        except IntegrityError as error:
            if is_unique_violation(error):
                raise DuplicateCouplingError(str(error.orig)) from error
            raise
        await self._forget_coupled(couplings)

    async def add_new(self, couplings: Sequence[Coupling]) -> set[UUID]:
        if not couplings:
            return set()
        try:
            await self.add_many(couplings)
            return set()
        except DuplicateCouplingError:
            pass
        clashed: set[UUID] = set()
        for coupling in couplings:  # one by one, so only the clashing ones are left out
            try:
                await self.add_many([coupling])
            except DuplicateCouplingError:
                clashed.add(coupling.id)
        return clashed

    async def _forget_coupled(self, couplings: Sequence[Coupling]) -> None:
        by_mapping: dict[str, tuple[list[UUID], list[UUID]]] = {}
        for c in couplings:
            erp, crm = by_mapping.setdefault(c.mapping, ([], []))
            erp.append(c.erp_id)
            if c.crm_id is not None:
                crm.append(c.crm_id)
        for mapping, (erp, crm) in by_mapping.items():
            await self._marks.forget_deleted_counterparts(mapping, Side.ERP, erp)
            await self._marks.forget_deleted_counterparts(mapping, Side.CRM, crm)

    async def save(self, coupling: Coupling) -> None:
        await self.save_many([coupling])

    async def save_many(self, couplings: Sequence[Coupling]) -> None:
        """Update by primary key, many rows per statement."""
        if couplings:
            await self.session.execute(sa.update(CouplingRow), [_columns(c) for c in couplings])

    async def remove(self, coupling_ids: Collection[UUID]) -> int:
        removed = 0
        items = list(coupling_ids)
        for start in range(0, len(items), IN_CHUNK):
            chunk = items[start : start + IN_CHUNK]
            await self.session.execute(sa.delete(SyncOutcomeRow).where(SyncOutcomeRow.coupling_id.in_(chunk)))
            result = await self.session.execute(sa.delete(CouplingRow).where(CouplingRow.id.in_(chunk)))
            removed += int(result.rowcount)  # type: ignore[attr-defined]
        return removed

    async def page_of_mapping(self, mapping: str, *, limit: int) -> list[Coupling]:
        stmt = (
            sa.select(CouplingRow)
            .where(CouplingRow.mapping_name == mapping)
            .order_by(CouplingRow.id)
            .limit(limit)
        )
        return [_coupling(r) for r in (await self.session.execute(stmt)).scalars()]

    async def coupled_erp_ids(self, mapping: str) -> set[UUID]:
        stmt = sa.select(CouplingRow.erp_id).where(CouplingRow.mapping_name == mapping)
        return set((await self.session.execute(stmt)).scalars())

    async def coupled_crm_ids(self, mapping: str) -> set[UUID]:
        stmt = sa.select(CouplingRow.crm_id).where(
            CouplingRow.mapping_name == mapping, CouplingRow.crm_id.isnot(None)
        )
        return {v for v in (await self.session.execute(stmt)).scalars() if v is not None}

    async def coupled_options(self, mapping: str) -> set[int]:
        stmt = sa.select(CouplingRow.crm_option).where(
            CouplingRow.mapping_name == mapping, CouplingRow.crm_option.isnot(None)
        )
        return {v for v in (await self.session.execute(stmt)).scalars() if v is not None}

    async def _pairs(self, mapping: str, key: Any, value: Any, wanted: Collection[Any]) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
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

    async def crm_ids_for(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, UUID]:
        return await self._pairs(mapping, CouplingRow.erp_id, CouplingRow.crm_id, erp_ids)

    async def erp_ids_for(self, mapping: str, crm_ids: Collection[UUID]) -> dict[UUID, UUID]:
        return await self._pairs(mapping, CouplingRow.crm_id, CouplingRow.erp_id, crm_ids)

    async def options_for(self, mapping: str, erp_ids: Collection[UUID]) -> dict[UUID, int]:
        return await self._pairs(mapping, CouplingRow.erp_id, CouplingRow.crm_option, erp_ids)

    async def erp_ids_for_options(self, mapping: str, values: Collection[int]) -> dict[int, UUID]:
        return await self._pairs(mapping, CouplingRow.crm_option, CouplingRow.erp_id, values)


class SqlCouplingFigures:
    """`CouplingFigureReader` on the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def figures(self, mappings: Sequence[str]) -> dict[str, CouplingFigures]:
        failed = sa.or_(CouplingRow.last_result_to_crm == FAILED, CouplingRow.last_result_from_crm == FAILED)
        stmt = (
            sa.select(
                CouplingRow.mapping_name,
                sa.func.count(),
                sa.func.sum(sa.case((sa.and_(failed, CouplingRow.skipped.is_(False)), 1), else_=0)),
                sa.func.sum(sa.case((CouplingRow.skipped, 1), else_=0)),
            )
            .where(CouplingRow.mapping_name.in_(list(mappings)))
            .group_by(CouplingRow.mapping_name)
        )
        found = {
            name: CouplingFigures(int(n), int(f or 0), int(s or 0))
            for name, n, f, s in (await self.session.execute(stmt)).all()
        }
        return {name: found.get(name, CouplingFigures()) for name in mappings}


class CouplingLookups(SqlCouplingStore):
    """Set-based translation between ERP ids and CRM ids (kept for readers that
    only translate)."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, ids=_NoIds())


class _NoIds:
    def new_id(self) -> UUID:
        raise RuntimeError("CouplingLookups only reads")


def _implements_the_ports(
    store: SqlCouplingStore, figures: SqlCouplingFigures
) -> tuple[CouplingStore, CouplingFigureReader]:
    return store, figures  # mypy checks the SQL stores against their ports here
