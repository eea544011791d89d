"""itemAvailability, salesLinePrices, priceList: the only fields an AVAILABILITY key reads."""

from __future__ import annotations

import datetime

import strawberry

from api.auth import requires
from api.context import Info
from api.errors import BadUserInput
from api.graphql.availability.types import (
    AvailabilityLineInput,
    ItemAvailability,
    LinePrice,
    PriceListLine,
    SalesLinePricesInput,
)
from api.graphql.common import Connection, page_size
from api.graphql.cursors import offset_cursor, read_offset
from domain.auth import Role
from domain.availability import AvailabilityRequest, item_availability
from domain.pricing_service import SalesLinePricesRequest, sales_line_prices
from domain.sales_lines import RequestRefused
from domain.sales_lines import code as to_code


def _refused(error: RequestRefused) -> BadUserInput:
    refused = BadUserInput(error.message)
    refused.extensions = {**(refused.extensions or {}), "reason": error.reason.value, "field": error.field}
    return refused


@strawberry.type(description="A customer price group with its sales price lines valid on a date")
class PriceList:
    code: str
    description: str | None
    date: datetime.date

    @strawberry.field(description="The group's lines valid on `date`, by item/resource, unit, currency")
    async def lines(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PriceListLine]:
        services = info.context.services
        size = page_size(first, services.settings.max_page_size)
        offset = read_offset(after)
        async with services.reads.sales_lines.open() as reads:
            lines, total = await reads.price_list_lines(self.code, self.date, offset, size)
        cursors = [offset_cursor(offset + i) for i in range(len(lines))]
        return Connection.of(
            lines,
            cursors,
            has_next=offset + len(lines) < total,
            has_previous=offset > 0,
            total=total,
            convert=PriceListLine.of,
        )


@strawberry.type
class AvailabilityQuery:
    @strawberry.field(
        extensions=requires(Role.AVAILABILITY),
        description="Stock per sales line: by item no. or coupled CRM product, in the line's unit",
    )
    async def item_availability(
        self, info: Info, lines: list[AvailabilityLineInput]
    ) -> list[ItemAvailability]:
        services = info.context.services
        requests: list[AvailabilityRequest] = lines  # type: ignore[assignment]  # built by the input's hook
        try:
            async with services.reads.sales_lines.open() as reads:
                answers = await item_availability(reads, requests, services.clock.now())
        except RequestRefused as error:
            raise _refused(error) from None
        return [ItemAvailability.of(a) for a in answers]

    @strawberry.field(
        extensions=requires(Role.AVAILABILITY),
        description="The best price per sales line for a customer, currency and date, with its source",
    )
    async def sales_line_prices(self, info: Info, input: SalesLinePricesInput) -> list[LinePrice]:
        services = info.context.services
        request = SalesLinePricesRequest(
            lines=input.lines,  # type: ignore[arg-type]  # PriceRequestLines, built by the input's hook
            customer_no=input.customer_no,
            crm_account_id=input.crm_account_id,
            currency_code=input.currency_code,
            date=input.date,
        )
        try:
            async with services.reads.sales_lines.open() as reads:
                answers = await sales_line_prices(reads, request, services.clock.now().date())
        except RequestRefused as error:
            raise _refused(error) from None
        return [LinePrice.of(p) for p in answers]

    @strawberry.field(
        extensions=requires(Role.AVAILABILITY),
        description="A customer price group and its lines valid on `date` (default today), for caching",
    )
    async def price_list(self, info: Info, code: str, date: datetime.date | None = None) -> PriceList | None:
        services = info.context.services
        wanted = to_code(code)
        if wanted is None:
            return None
        async with services.reads.sales_lines.open() as reads:
            group = await reads.price_group(wanted)
        if group is None:
            return None
        return PriceList(
            code=group.code, description=group.description, date=date or services.clock.now().date()
        )
