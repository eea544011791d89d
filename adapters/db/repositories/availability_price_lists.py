"""A customer price group with its lines valid on a date, a page at a time
(for CRM plugins that cache prices): three statements per page."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.models.financials import CustomerPriceGroup, SalesPrice
from adapters.db.repositories.availability_prices import price_line
from domain.financials.enums import SalesType
from domain.pricing import PriceLine
from domain.sales_line_reads import PriceGroup


def _valid_lines(code: str, on: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        SalesPrice.sales_type == SalesType.CUSTOMER_PRICE_GROUP.value,
        SalesPrice.sales_code == code,
        sa.or_(SalesPrice.starting_date.is_(None), SalesPrice.starting_date <= on),
        sa.or_(SalesPrice.ending_date.is_(None), SalesPrice.ending_date >= on),
    )


async def read_price_group(conn: AsyncConnection, code: str) -> PriceGroup | None:
    statement = sa.select(CustomerPriceGroup.code, CustomerPriceGroup.description).where(
        CustomerPriceGroup.code == code
    )
    group = (await conn.execute(statement)).first()
    return None if group is None else PriceGroup(group.code, group.description)


async def read_price_list_lines(
    conn: AsyncConnection, code: str, on: date, offset: int, limit: int
) -> tuple[list[PriceLine], int]:
    """A page of the group's lines valid on `on` (by item/resource, unit, currency, start,
    minimum quantity) and how many there are."""
    where = _valid_lines(code, on)
    # explicit NULL order, so pages are the same on SQLite and PostgreSQL: items, then resources
    order: list[Any] = [
        SalesPrice.item_no.nulls_last(),
        SalesPrice.resource_no.nulls_last(),
        SalesPrice.unit_of_measure.nulls_first(),
        SalesPrice.currency_code.nulls_first(),
        SalesPrice.starting_date.nulls_first(),
        SalesPrice.minimum_quantity,
        SalesPrice.id,
    ]
    rows = await conn.execute(
        sa.select(*SalesPrice.__table__.columns).where(where).order_by(*order).offset(offset).limit(limit)
    )
    lines = [price_line(row) for row in rows]
    total = (await conn.execute(sa.select(sa.func.count()).select_from(SalesPrice).where(where))).scalar_one()
    return lines, int(total)
