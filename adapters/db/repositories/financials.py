"""The SQL `ErpStore`: Financials rows by table declaration, plus the
paged, searchable reads the API serves."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import is_foreign_key_violation, is_unique_violation
from adapters.db.filters_sql import compile_filter
from adapters.db.models import FINANCIALS_MODELS, Tombstone
from adapters.db.models.availability import ItemInventory
from domain.filters import Node
from domain.financials.ports import DuplicateKeyError, ErpStore, ReferenceViolationError
from domain.financials.records import ErpRecord, Values
from domain.financials.records import Tombstone as DomainTombstone
from domain.financials.tables import TableSpec, table

IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Page:
    records: list[ErpRecord]
    has_next: bool
    total: int
    cursors: list[str]


def _table(spec: TableSpec) -> sa.Table:
    return FINANCIALS_MODELS[spec.name].__table__  # type: ignore[return-value]


def _where(t: sa.Table, criteria: Mapping[str, object]) -> list[sa.ColumnElement[bool]]:
    return [t.c[name].is_(None) if value is None else t.c[name] == value for name, value in criteria.items()]


def _record(spec: TableSpec, row: sa.RowMapping) -> ErpRecord:
    return ErpRecord(
        table=spec.name,
        id=row["id"],
        values={f.name: row[f.name] for f in spec.fields},
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


class SqlErpStore:
    """`ErpStore` on the caller's session; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _rows(self, stmt: sa.Select[Any]) -> Sequence[sa.RowMapping]:
        result: sa.Result[Any] = await self.session.execute(stmt)
        return result.mappings().all()

    async def get(self, spec: TableSpec, key: Mapping[str, object]) -> ErpRecord | None:
        t = _table(spec)
        rows = await self._rows(sa.select(t).where(*_where(t, key)).limit(1))
        return _record(spec, rows[0]) if rows else None

    async def get_by_id(self, spec: TableSpec, record_id: UUID) -> ErpRecord | None:
        t = _table(spec)
        rows = await self._rows(sa.select(t).where(t.c.id == record_id))
        return _record(spec, rows[0]) if rows else None

    async def get_many(self, spec: TableSpec, field: str, values: Collection[object]) -> list[ErpRecord]:
        """Rows whose `field` is one of `values` (chunked to stay under parameter limits)."""
        t = _table(spec)
        found: list[ErpRecord] = []
        items = list(values)
        for start in range(0, len(items), IN_CHUNK):
            chunk = items[start : start + IN_CHUNK]
            found += [_record(spec, r) for r in await self._rows(sa.select(t).where(t.c[field].in_(chunk)))]
        return found

    async def highest_key(self, spec: TableSpec, prefix: str) -> str | None:
        column = _table(spec).c[spec.key_field]
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = sa.select(sa.func.max(column)).where(column.like(escaped + "%", escape="\\"))
        value = (await self.session.execute(stmt)).scalar_one_or_none()
        t = Tombstone.__table__
        deleted = (
            await self.session.execute(
                sa.select(sa.func.max(t.c.record_key)).where(
                    t.c.table_name == spec.name, t.c.record_key.like(escaped + "%", escape="\\")
                )
            )
        ).scalar_one_or_none()
        highest = max((str(v) for v in (value, deleted) if v is not None), default=None)
        return highest

    async def existing_keys(self, table_name: str, keys: Collection[str]) -> set[str]:
        spec = table(table_name)
        return {str(r[spec.key_field]) for r in await self.get_many(spec, spec.key_field, keys)}

    async def find(self, spec: TableSpec, criteria: Mapping[str, object]) -> list[ErpRecord]:
        t = _table(spec)
        order = [t.c[k] for k in spec.key] if not spec.by_id else [t.c.id]
        return [
            _record(spec, r)
            for r in await self._rows(sa.select(t).where(*_where(t, criteria)).order_by(*order))
        ]

    async def count(self, spec: TableSpec, criteria: Mapping[str, object]) -> int:
        t = _table(spec)
        stmt = sa.select(sa.func.count()).select_from(t).where(*_where(t, criteria))
        return int((await self.session.execute(stmt)).scalar_one())

    async def changed_since(
        self,
        spec: TableSpec,
        since: datetime | None,
        until: datetime,
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[ErpRecord]:
        t = _table(spec)
        stmt = sa.select(t).where(t.c.modified_at <= until)
        if since is not None:
            stmt = stmt.where(t.c.modified_at > since)
        if after is not None:
            stmt = stmt.where(
                sa.or_(t.c.modified_at > after[0], sa.and_(t.c.modified_at == after[0], t.c.id > after[1]))
            )
        stmt = stmt.order_by(t.c.modified_at, t.c.id).limit(limit)
        return [_record(spec, r) for r in await self._rows(stmt)]

    async def deleted_since(
        self, table_name: str, since: datetime | None, until: datetime
    ) -> list[DomainTombstone]:
        t = Tombstone.__table__
        stmt = sa.select(t).where(t.c.table_name == table_name, t.c.deleted_at <= until)
        if since is not None:
            stmt = stmt.where(t.c.deleted_at > since)
        return [
            DomainTombstone(table_name, r["record_id"], r["record_key"], r["deleted_at"])
            for r in await self._rows(stmt.order_by(t.c.deleted_at))
        ]

    async def tombstones_of(
        self, table_name: str, record_ids: Collection[UUID]
    ) -> dict[UUID, DomainTombstone]:
        t = Tombstone.__table__
        found: dict[UUID, DomainTombstone] = {}
        items = list(record_ids)
        for start in range(0, len(items), 500):
            stmt = sa.select(t).where(
                t.c.table_name == table_name, t.c.record_id.in_(items[start : start + 500])
            )
            for r in await self._rows(stmt.order_by(t.c.deleted_at)):
                found[r["record_id"]] = DomainTombstone(
                    table_name, r["record_id"], r["record_key"], r["deleted_at"]
                )
        return found

    async def scan(self, spec: TableSpec, *, after: UUID | None, limit: int) -> list[ErpRecord]:
        t = _table(spec)
        stmt = sa.select(t).order_by(t.c.id).limit(limit)
        if after is not None:
            stmt = stmt.where(t.c.id > after)
        return [_record(spec, r) for r in await self._rows(stmt)]

    async def count_matching(self, spec: TableSpec, condition: Node | None) -> int:
        t = _table(spec)
        stmt = sa.select(sa.func.count()).select_from(t)
        if condition is not None:
            stmt = stmt.where(compile_filter(condition, t))
        return int((await self.session.execute(stmt)).scalar_one())

    async def insert(self, spec: TableSpec, record_id: UUID, values: Values, at: datetime) -> ErpRecord:
        t = _table(spec)
        row = {k: v for k, v in values.items() if not (k == "entry_no" and v is None)}
        stmt = sa.insert(t).values(**row, id=record_id, created_at=at, modified_at=at).returning(*t.c)
        return _record(spec, (await self._write(stmt)).mappings().one())

    async def update(self, spec: TableSpec, record_id: UUID, changes: Values, at: datetime) -> ErpRecord:
        t = _table(spec)
        stmt = sa.update(t).where(t.c.id == record_id).values(**changes, modified_at=at).returning(*t.c)
        return _record(spec, (await self._write(stmt)).mappings().one())

    async def delete(self, spec: TableSpec, record: ErpRecord, at: datetime) -> None:
        t = _table(spec)
        await self._write(sa.delete(t).where(t.c.id == record.id))
        await self.session.execute(
            sa.insert(Tombstone).values(
                id=record.id,
                table_name=spec.name,
                record_id=record.id,
                record_key=spec.key_of(record.values),
                deleted_at=at,
            )
        )

    async def _write(self, stmt: sa.Executable) -> sa.Result[Any]:
        try:
            return await self.session.execute(stmt)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise DuplicateKeyError(str(error.orig)) from error
            if is_foreign_key_violation(error):
                raise ReferenceViolationError(str(error.orig)) from error
            raise

    # --- reads for the API -------------------------------------------------------------

    async def page(
        self,
        spec: TableSpec,
        *,
        first: int,
        after: str | None = None,
        search: str | None = None,
        filters: Mapping[str, object] | None = None,
    ) -> Page:
        """One page in business-key order (id order for tables read by id)."""
        t = _table(spec)
        order_col = t.c.id if spec.by_id else t.c[spec.key_field]
        conditions = _where(t, filters or {})
        if search:
            pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(
                sa.or_(
                    *(
                        sa.func.lower(sa.cast(t.c[f.name], sa.String)).like(pattern, escape="\\")
                        for f in spec.fields
                        if f.searchable
                    )
                )
            )
        total = int(
            (
                await self.session.execute(sa.select(sa.func.count()).select_from(t).where(*conditions))
            ).scalar_one()
        )
        stmt = sa.select(t).where(*conditions)
        if after is not None:
            stmt = stmt.where(order_col > decode_cursor(after, order_col.type.python_type))
        rows = await self._rows(stmt.order_by(order_col).limit(first + 1))
        records = [_record(spec, r) for r in rows[:first]]
        cursors = [encode_cursor(r.id if spec.by_id else r[spec.key_field]) for r in records]
        return Page(records, len(rows) > first, total, cursors)

    async def children_of(
        self, spec: TableSpec, parent_field: str, parent_keys: Iterable[str]
    ) -> dict[str, list[ErpRecord]]:
        grouped: dict[str, list[ErpRecord]] = defaultdict(list)
        for record in sorted(
            await self.get_many(spec, parent_field, set(parent_keys)), key=lambda r: spec.key_of(r.values)
        ):
            grouped[str(record[parent_field])].append(record)
        return grouped

    async def inventory(self, item_nos: Collection[str]) -> dict[str, Decimal]:
        """Sum of item ledger entries per item, in base units (read from the
        `item_inventory` summary the ledger's triggers keep exact)."""
        t = ItemInventory.__table__
        stmt = (
            sa.select(t.c.item_no, sa.func.sum(t.c.quantity).label("inventory"))
            .where(t.c.item_no.in_(list(item_nos)))
            .group_by(t.c.item_no)
        )
        found = {r["item_no"]: r["inventory"] for r in await self._rows(stmt)}
        return {no: found.get(no, Decimal(0)) for no in item_nos}


def encode_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(str(value)).encode()).decode()


def decode_cursor(cursor: str, python_type: type) -> object:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return python_type(raw)
    except (ValueError, TypeError) as error:
        raise ValueError(f"invalid cursor {cursor!r}") from error


def _implements_the_port(store: SqlErpStore) -> ErpStore:
    return store  # mypy checks SqlErpStore against the ErpStore port here
