"""Item availability for CRM sales lines (DOMAIN.md "Serving CRM sales lines").

Stock is counted in base units: inventory is the sum of item ledger entries,
and quantity on sales orders the outstanding quantity (quantity − shipped) of
OPEN and RELEASED order lines, each converted to base units with its own unit.
Figures are shown in the line's unit, rounded half-even to 5 places, with
`available` taken from the two rounded figures so the three add up; whether the
requested quantity is covered is decided exactly, in base units."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol
from uuid import UUID

from domain.errors import ErrorCode
from domain.sales_lines import (
    QUANTITY_PLACES,
    Asset,
    AssetQuery,
    Catalog,
    LineError,
    check_line_count,
    check_quantities,
    code,
    trim,
    unit_of,
)

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class AvailabilityRequest:
    """One line: an item (by number or CRM product id), unit, optional location and quantity."""

    item_no: str | None = None
    crm_product_id: UUID | None = None
    unit_of_measure: str | None = None
    location_code: str | None = None
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Stock:
    """One item's stock at one location ("" = no location), in base units."""

    inventory: Decimal = ZERO
    on_sales_orders: Decimal = ZERO


StockKey = tuple[str, str]  # (item no., location code or "")


class AvailabilityStore(Protocol):
    """What availability reads: the named items and locations, then their stock."""

    async def catalog(self, query: AssetQuery) -> Catalog:
        """The items (by number and by coupled CRM product) and locations the query names."""
        ...

    async def stock(self, item_nos: frozenset[str]) -> Mapping[StockKey, Stock]:
        """Inventory and open sales-order quantity per item and location, base units."""
        ...


@dataclass(frozen=True, slots=True)
class ItemAvailability:
    item_no: str
    crm_product_id: UUID | None
    unit_of_measure: str
    location_code: str | None
    inventory: Decimal
    quantity_on_sales_orders: Decimal
    available: Decimal
    requested_quantity: Decimal | None
    is_sufficient: bool | None
    as_of: datetime
    error: LineError | None = None


def in_unit(base_quantity: Decimal, per_unit: Decimal) -> Decimal:
    return trim((base_quantity / per_unit).quantize(QUANTITY_PLACES, rounding=ROUND_HALF_EVEN))


def all_locations(stock: Mapping[StockKey, Stock]) -> dict[str, Stock]:
    """Each item's stock summed over its locations."""
    totals: dict[str, Stock] = {}
    for (item_no, _), s in stock.items():
        before = totals.get(item_no, Stock())
        totals[item_no] = Stock(before.inventory + s.inventory, before.on_sales_orders + s.on_sales_orders)
    return totals


def answer(
    asset: Asset, per_unit: Decimal, unit: str, line: AvailabilityRequest, stock: Stock, now: datetime
) -> ItemAvailability:
    inventory = in_unit(stock.inventory, per_unit)
    on_orders = in_unit(stock.on_sales_orders, per_unit)
    requested = line.quantity
    sufficient = (
        None if requested is None else requested * per_unit <= stock.inventory - stock.on_sales_orders
    )
    return ItemAvailability(
        item_no=asset.no,
        crm_product_id=asset.crm_product_id,
        unit_of_measure=unit,
        location_code=code(line.location_code),
        inventory=inventory,
        quantity_on_sales_orders=on_orders,
        available=trim(inventory - on_orders),
        requested_quantity=requested,
        is_sufficient=sufficient,
        as_of=now,
    )


def refused(line: AvailabilityRequest, error: LineError, now: datetime) -> ItemAvailability:
    """A line that cannot be answered keeps what it asked, with zero figures."""
    return ItemAvailability(
        item_no=line.item_no or "",
        crm_product_id=line.crm_product_id,
        unit_of_measure=line.unit_of_measure or "",
        location_code=line.location_code,
        inventory=ZERO,
        quantity_on_sales_orders=ZERO,
        available=ZERO,
        requested_quantity=line.quantity,
        is_sufficient=None,
        as_of=now,
        error=error,
    )


def _resolve(catalog: Catalog, line: AvailabilityRequest) -> tuple[Asset, str, Decimal] | LineError:
    if line.quantity is not None and line.quantity < 0:
        return LineError(ErrorCode.NEGATIVE_VALUE, "quantity", "the requested quantity is negative")
    found = catalog.resolve(item_no=code(line.item_no), crm_product_id=line.crm_product_id, items_only=True)
    if isinstance(found, LineError):
        return found
    unit = unit_of(found, code(line.unit_of_measure))
    if isinstance(unit, LineError):
        return unit
    location = code(line.location_code)
    if location is not None and location not in catalog.locations:
        return LineError(ErrorCode.UNKNOWN_REFERENCE, "locationCode", f"there is no location {location}")
    return found, unit[0], unit[1]


async def item_availability(
    store: AvailabilityStore, lines: Sequence[AvailabilityRequest], now: datetime
) -> list[ItemAvailability]:
    """Stock per line, in the line's unit; a line that cannot be answered says why
    and the others are still answered. Two reads whatever the number of lines."""
    check_line_count(len(lines), "lines")
    check_quantities([line.quantity for line in lines], "lines")
    query = AssetQuery(
        item_nos=frozenset(n for n in (code(line.item_no) for line in lines) if n),
        product_ids=frozenset(line.crm_product_id for line in lines if line.crm_product_id),
        location_codes=frozenset(c for c in (code(line.location_code) for line in lines) if c),
    )
    catalog = await store.catalog(query)
    resolved = [_resolve(catalog, line) for line in lines]
    wanted = frozenset(r[0].no for r in resolved if not isinstance(r, LineError))
    stock = await store.stock(wanted) if wanted else {}
    totals = all_locations(stock)
    answers = []
    for line, found in zip(lines, resolved, strict=True):
        if isinstance(found, LineError):
            answers.append(refused(line, found, now))
            continue
        asset, unit, per_unit = found
        location = code(line.location_code)
        figures = totals.get(asset.no) if location is None else stock.get((asset.no, location))
        answers.append(answer(asset, per_unit, unit, line, figures or Stock(), now))
    return answers
