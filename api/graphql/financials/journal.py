"""Posting item journals: stock moves become item ledger entries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import strawberry

from api.auth import requires
from api.context import Info
from api.graphql.common import UserError, user_errors
from api.graphql.financials.operations import TYPES
from domain.auth import Role
from domain.errors import ValidationFailed

ItemLedgerEntry = TYPES.outputs["item_ledger_entry"]


@strawberry.input
class ItemJournalLineInput:
    item_no: str
    quantity: Decimal = strawberry.field(description="Base units; positive adds stock, negative removes it")
    location_code: str | None = None
    posting_date: datetime.date | None = strawberry.field(default=None, description="Default: today")
    entry_type: str | None = strawberry.field(
        default=None,
        description="PURCHASE, SALE, POSITIVE_ADJMT, NEGATIVE_ADJMT or TRANSFER; default by sign",
    )
    document_no: str | None = None


@strawberry.input
class ItemJournalInput:
    lines: list[ItemJournalLineInput]


@strawberry.type
class ItemJournalPayload:
    entries: list[ItemLedgerEntry] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class JournalMutation:
    @strawberry.mutation(
        extensions=requires(Role.INTEGRATION),
        description="Post stock moves atomically: all lines become ledger entries, or none",
    )
    async def post_item_journal(self, info: Info, input: ItemJournalInput) -> ItemJournalPayload:
        services = info.context.services
        lines: list[dict[str, Any]] = [
            {k: v for k, v in vars(line).items() if v is not None} for line in input.lines
        ]
        try:
            entries = await services.financials.post_item_journal(lines)
        except ValidationFailed as failed:
            return ItemJournalPayload(user_errors=user_errors(failed))
        await services.erp_changed("item_ledger_entry")
        return ItemJournalPayload(entries=[TYPES.output(e) for e in entries])
