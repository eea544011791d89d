"""An in-memory CRM (`CrmRows`): rows per entity, modifiedon stamped on every write.

Filters are not parsed: `query` hands out every row of the entity unless a test
installs a predicate for that entity with `where` (the sync's own queries are by
id and by modifiedon, which `get_many` and `changed_since` serve). Failures are
scripted with `fail_next`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from domain.crm import (
    Attributes,
    BatchOperation,
    BatchResult,
    BulkResult,
    Create,
    CrmDuplicateError,
    CrmError,
    CrmNotFoundError,
    CrmRow,
    CrmRows,
    Delete,
    NewRow,
    OptionValue,
    RowChange,
    RowFailure,
    Update,
    Upsert,
    WhoAmI,
)

INTEGRATION_USER = UUID("00000000-0000-0000-0000-0000000000aa")
"""The user the fake CRM says the caller is (a sync's own writes carry it)."""


class FakeCrm:
    def __init__(self, *, now: Callable[[], datetime] | None = None) -> None:
        self.rows: dict[str, dict[UUID, CrmRow]] = {}
        self.options: dict[tuple[str, str], list[OptionValue]] = {}
        self.writes: list[tuple[str, str, UUID]] = []  # (verb, entity, id), in call order
        self._now = now or _ticking()
        self._failures: list[CrmError] = []
        self._filters: dict[str, Callable[[CrmRow], bool]] = {}

    # -- test helpers ---------------------------------------------------------

    def add_row(
        self, entity: str, attributes: Attributes, *, id: UUID | None = None, by: UUID | None = None
    ) -> UUID:
        """A row that was already in the CRM (changed by `by`, another user by default)."""
        row_id = id or uuid4()
        self.rows.setdefault(entity, {})[row_id] = CrmRow(
            entity, row_id, dict(attributes), etag=_etag(), modified_on=self._now(), modified_by=by or uuid4()
        )
        return row_id

    def row(self, entity: str, id: UUID) -> CrmRow:
        return self.rows[entity][id]

    def fail_next(self, error: CrmError) -> None:
        """The next call (of any kind) raises `error`."""
        self._failures.append(error)

    def where(self, entity: str, predicate: Callable[[CrmRow], bool]) -> None:
        self._filters[entity] = predicate

    def _call(self) -> None:
        if self._failures:
            raise self._failures.pop(0)

    def _write(self, verb: str, entity: str, id: UUID, attributes: Attributes, *, new: bool) -> None:
        table = self.rows.setdefault(entity, {})
        old = table.get(id)
        if new and old is not None:
            raise CrmDuplicateError(f"{entity} {id} exists", status=412)
        if not new and old is None:
            raise CrmNotFoundError(f"{entity} {id} does not exist", status=404)
        values = {**(old.attributes if old else {}), **attributes}
        table[id] = CrmRow(
            entity, id, values, etag=_etag(), modified_on=self._now(), modified_by=INTEGRATION_USER
        )
        self.writes.append((verb, entity, id))

    # -- CrmRows --------------------------------------------------------------

    async def who_am_i(self) -> WhoAmI:
        self._call()
        return WhoAmI(INTEGRATION_USER, UUID(int=1), UUID(int=2))

    async def get(self, entity: str, id: UUID, select: Sequence[str] | None = None) -> CrmRow | None:
        self._call()
        return self.rows.get(entity, {}).get(id)

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
        self._call()
        keep = self._filters.get(entity)
        rows = [r for r in self.rows.get(entity, {}).values() if keep is None or keep(r)][:top]
        for start in range(0, len(rows), page_size or 100):
            yield rows[start : start + (page_size or 100)]

    async def changed_since(
        self,
        entity: str,
        since: datetime | None,
        *,
        select: Sequence[str] | None = None,
        filter: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[list[CrmRow]]:
        self._call()
        rows = sorted(
            (
                r
                for r in self.rows.get(entity, {}).values()
                if since is None or (r.modified_on or since) > since
            ),
            key=lambda r: (r.modified_on, r.id),
        )
        for start in range(0, len(rows), page_size or 100):
            yield rows[start : start + (page_size or 100)]

    async def get_many(
        self, entity: str, ids: Collection[UUID], select: Sequence[str] | None = None
    ) -> list[CrmRow]:
        self._call()
        table = self.rows.get(entity, {})
        return [table[i] for i in ids if i in table]

    async def create(self, entity: str, attributes: Attributes, *, id: UUID | None = None) -> UUID:
        self._call()
        row_id = id or uuid4()
        self._write("create", entity, row_id, attributes, new=True)
        return row_id

    async def update(self, entity: str, id: UUID, attributes: Attributes, *, etag: str | None = None) -> None:
        self._call()
        self._write("update", entity, id, attributes, new=False)

    async def upsert(self, entity: str, id: UUID, attributes: Attributes) -> bool:
        self._call()
        created = id not in self.rows.get(entity, {})
        self._write("upsert", entity, id, attributes, new=created)
        return created

    async def delete(self, entity: str, id: UUID, *, etag: str | None = None) -> None:
        self._call()
        if self.rows.get(entity, {}).pop(id, None) is None:
            raise CrmNotFoundError(f"{entity} {id} does not exist", status=404)
        self.writes.append(("delete", entity, id))

    def _bulk(self, verb: str, entity: str, rows: Sequence[tuple[UUID, Attributes]]) -> BulkResult:
        result = BulkResult()
        table = self.rows.setdefault(entity, {})
        for index, (row_id, attributes) in enumerate(rows):
            new = verb == "create" or (verb == "upsert" and row_id not in table)
            try:
                self._write(verb, entity, row_id, attributes, new=new)
                result.ids.append(row_id)
            except CrmError as error:
                result.failures.append(RowFailure(index, row_id, error))
        return result

    async def create_multiple(self, entity: str, rows: Sequence[NewRow]) -> BulkResult:
        self._call()
        return self._bulk("create", entity, [(r.id or uuid4(), r.attributes) for r in rows])

    async def update_multiple(self, entity: str, rows: Sequence[RowChange]) -> BulkResult:
        self._call()
        return self._bulk("update", entity, [(r.id, r.attributes) for r in rows])

    async def upsert_multiple(self, entity: str, rows: Sequence[RowChange]) -> BulkResult:
        self._call()
        return self._bulk("upsert", entity, [(r.id, r.attributes) for r in rows])

    async def batch(self, operations: Sequence[BatchOperation], *, atomic: bool = True) -> list[BatchResult]:
        self._call()
        before = {entity: dict(table) for entity, table in self.rows.items()}
        results: list[BatchResult] = []
        for op in operations:
            try:
                results.append(BatchResult(await self._one(op)))
            except CrmError as error:
                if atomic:
                    self.rows = before
                    raise
                results.append(BatchResult(getattr(op, "id", None), error))
        return results

    async def _one(self, op: BatchOperation) -> UUID:
        if isinstance(op, Create):
            row_id = op.id or uuid4()
            self._write("create", op.entity, row_id, op.attributes, new=True)
            return row_id
        if isinstance(op, Update):
            self._write("update", op.entity, op.id, op.attributes, new=False)
        elif isinstance(op, Upsert):
            self._write(
                "upsert", op.entity, op.id, op.attributes, new=op.id not in self.rows.get(op.entity, {})
            )
        elif isinstance(op, Delete):
            if self.rows.get(op.entity, {}).pop(op.id, None) is None:
                raise CrmNotFoundError(f"{op.entity} {op.id} does not exist", status=404)
            self.writes.append(("delete", op.entity, op.id))
        return op.id

    async def option_set(self, entity: str, attribute: str) -> list[OptionValue]:
        self._call()
        return list(self.options.get((entity, attribute), []))

    async def insert_option_value(self, entity: str, attribute: str, label: str) -> int:
        self._call()
        options = self.options.setdefault((entity, attribute), [])
        value = max((o.value for o in options), default=100_000_000) + 1
        options.append(OptionValue(value, label))
        return value


def _ticking() -> Callable[[], datetime]:
    """A clock a second further on each call (Dataverse's modifiedon resolution)."""
    at = [datetime(2026, 1, 5, 9, 0, tzinfo=UTC)]

    def now() -> datetime:
        at[0] += timedelta(seconds=1)
        return at[0]

    return now


_etags = iter(range(1, 10**9))


def _etag() -> str:
    return f'W/"{next(_etags)}"'


def _implements_the_port(crm: FakeCrm) -> CrmRows:
    return crm  # mypy checks the fake against the row-access port here
