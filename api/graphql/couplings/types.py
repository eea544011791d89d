"""The Coupling type."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Union

import strawberry
from strawberry.scalars import JSON

from api.context import Info
from api.graphql.common import Connection, UserError, page_size
from api.graphql.cursors import offset_cursor, read_offset
from api.graphql.enums import SyncDirection, SyncOutcome, SyncResult
from api.graphql.financials.operations import TYPES
from domain.couplings.model import Coupling as CouplingModel
from domain.financials.tables import table

ErpRecord = Annotated[Union[tuple(TYPES.outputs.values())], strawberry.union("ErpRecord")]  # type: ignore[valid-type]  # noqa: UP007


@strawberry.type(description="A record this one refers to that is not coupled yet: couple it first")
class MissingPrerequisite:
    mapping: str
    field: str
    key: str
    message: str


@strawberry.type(description="One line of a coupling's history")
class SyncOutcomeEntry:
    at: datetime.datetime
    job_id: strawberry.ID | None
    direction: SyncDirection
    outcome: SyncOutcome
    message: str | None


@strawberry.type(description="One ERP record ↔ one CRM row (or option value) in a mapping")
class Coupling:
    id: strawberry.ID
    mapping: str
    erp_id: strawberry.ID
    crm_id: uuid.UUID | None
    crm_option_value: int | None
    pending: bool = strawberry.field(description="A create in the CRM is in flight")
    last_synced_at: datetime.datetime | None
    last_result_to_crm: SyncResult | None
    last_result_from_crm: SyncResult | None
    skipped: bool
    last_error: str | None
    last_error_class: str | None
    missing_prerequisites: list[MissingPrerequisite]
    sync_after: SyncDirection | None = strawberry.field(description="The sync chosen to follow the coupling")
    conflict: JSON | None = strawberry.field(description="Both values of each field changed on both sides")
    created_at: datetime.datetime
    modified_at: datetime.datetime
    model: strawberry.Private[CouplingModel]

    @strawberry.field(description="The coupled ERP record")
    async def erp_record(self, info: Info) -> ErpRecord | None:  # type: ignore[valid-type]  # a union made at run time
        mapping = await info.context.loaders.mapping.load(self.mapping)
        if mapping is None:
            return None
        record = await info.context.services.reads.erp.get_by_id(table(mapping.erp_table), self.model.erp_id)
        return None if record is None else TYPES.output(record)

    @strawberry.field
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SyncOutcomeEntry]:
        size, offset = page_size(first, info.context.services.settings.max_page_size), read_offset(after)
        rows, total = await info.context.services.reads.couplings.history(
            self.model.id, first=size + 1, offset=offset
        )
        items = [
            SyncOutcomeEntry(
                at=r.at,
                job_id=strawberry.ID(str(r.job_id)) if r.job_id else None,
                direction=r.direction,
                outcome=r.outcome,
                message=r.message,
            )
            for r in rows[:size]
        ]
        cursors = [offset_cursor(offset + i) for i in range(len(items))]
        return Connection.of(
            items,
            cursors,
            has_next=len(rows) > size,
            has_previous=offset > 0,
            total=total,
            convert=lambda e: e,
        )

    @classmethod
    def of(cls, c: CouplingModel) -> Coupling:
        return cls(
            id=strawberry.ID(str(c.id)),
            mapping=c.mapping,
            erp_id=strawberry.ID(str(c.erp_id)),
            crm_id=c.crm_id,
            crm_option_value=c.crm_option,
            pending=c.pending,
            last_synced_at=c.last_synced_at,
            last_result_to_crm=c.to_crm.result,
            last_result_from_crm=c.from_crm.result,
            skipped=c.skipped,
            last_error=c.last_error,
            last_error_class=c.last_error_class,
            missing_prerequisites=[
                MissingPrerequisite(mapping=m.mapping, field=m.field, key=m.key, message=m.describe())
                for m in c.missing_prerequisites
            ],
            sync_after=c.sync_after,
            conflict=c.conflict,  # type: ignore[arg-type]  # JSON is a scalar over any JSON value
            created_at=c.created_at,
            modified_at=c.modified_at,
            model=c,
        )


@strawberry.type
class CouplingPayload:
    coupling: Coupling | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
