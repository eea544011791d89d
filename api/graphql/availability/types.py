"""Types of itemAvailability, salesLinePrices and priceList (API.md)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import strawberry

import api.graphql.financials.types  # noqa: F401  (makes the Financials enums strawberry enums)
from api.graphql.common import UserErrorCode
from domain import availability, pricing, pricing_service
from domain.financials.enums import SalesType
from domain.sales_lines import LineError as DomainLineError

T = TypeVar("T")

strawberry.enum(pricing.PriceSourceKind, name="PriceSourceKind")
PriceSourceKind = pricing.PriceSourceKind


def builds(factory: Callable[[Mapping[str, Any]], object]) -> Callable[[type[T]], type[T]]:
    """Line inputs become domain requests straight from GraphQL's coerced values
    (strawberry's `from_input` hook): building strawberry input objects field by
    field was a fifth of a 50-line request's time."""

    def decorate(cls: type[T]) -> type[T]:
        cls.__strawberry_definition__.from_input = lambda _cls, value, _context: factory(value)  # type: ignore[attr-defined]
        return cls

    return decorate


def _availability_request(v: Mapping[str, Any]) -> availability.AvailabilityRequest:
    return availability.AvailabilityRequest(
        v.get("itemNo"),
        v.get("crmProductId"),
        v.get("unitOfMeasure"),
        v.get("locationCode"),
        v.get("quantity"),
    )


def _price_request_line(v: Mapping[str, Any]) -> pricing_service.PriceRequestLine:
    return pricing_service.PriceRequestLine(
        v["quantity"], v.get("itemNo"), v.get("resourceNo"), v.get("crmProductId"), v.get("unitOfMeasure")
    )


@builds(_availability_request)
@strawberry.input
class AvailabilityLineInput:
    item_no: str | None = None
    crm_product_id: uuid.UUID | None = None
    unit_of_measure: str | None = strawberry.field(default=None, description="Default: the base unit")
    location_code: str | None = strawberry.field(default=None, description="Default: all locations")
    quantity: Decimal | None = strawberry.field(default=None, description="Requested, in the line's unit")


@builds(_price_request_line)
@strawberry.input
class PriceLineInput:
    item_no: str | None = None
    resource_no: str | None = None
    crm_product_id: uuid.UUID | None = None
    unit_of_measure: str | None = strawberry.field(default=None, description="Default: the base unit")
    quantity: Decimal


@strawberry.input
class SalesLinePricesInput:
    customer_no: str | None = strawberry.field(default=None, description="None: all-customers prices only")
    crm_account_id: uuid.UUID | None = None
    currency_code: str | None = strawberry.field(
        default=None, description="Default: the customer's currency; null or the LCY code: local currency"
    )
    date: datetime.date | None = strawberry.field(default=None, description="Default: today (UTC)")
    lines: list[PriceLineInput]


@strawberry.type(description="Why one line could not be answered; the other lines are.")
class LineError:
    code: UserErrorCode
    field: str | None = strawberry.field(description="The line input's field, e.g. `unitOfMeasure`")
    message: str

    @classmethod
    def of(cls, error: DomainLineError | None) -> LineError | None:
        return None if error is None else cls(code=error.code, field=error.field, message=error.message)


@strawberry.type
class ItemAvailability:
    item_no: str
    crm_product_id: uuid.UUID | None
    unit_of_measure: str
    location_code: str | None
    inventory: Decimal = strawberry.field(description="Sum of item ledger entries, in the line's unit")
    quantity_on_sales_orders: Decimal = strawberry.field(
        description="Outstanding quantity on OPEN and RELEASED sales orders, in the line's unit"
    )
    available: Decimal = strawberry.field(description="inventory − quantityOnSalesOrders; may be negative")
    requested_quantity: Decimal | None
    is_sufficient: bool | None
    as_of: datetime.datetime
    error: LineError | None

    @classmethod
    def of(cls, a: availability.ItemAvailability) -> ItemAvailability:
        return cls(
            item_no=a.item_no,
            crm_product_id=a.crm_product_id,
            unit_of_measure=a.unit_of_measure,
            location_code=a.location_code,
            inventory=a.inventory,
            quantity_on_sales_orders=a.quantity_on_sales_orders,
            available=a.available,
            requested_quantity=a.requested_quantity,
            is_sufficient=a.is_sufficient,
            as_of=a.as_of,
            error=LineError.of(a.error),
        )


@strawberry.type(description="Where a line's price came from")
class PriceSource:
    kind: PriceSourceKind
    description: str
    price_id: strawberry.ID | None = strawberry.field(description="The winning sales price line")
    sales_type: SalesType | None
    sales_code: str | None
    currency_code: str | None = strawberry.field(description="The winning line's currency; null: local")
    starting_date: datetime.date | None
    ending_date: datetime.date | None
    unit_of_measure: str | None
    minimum_quantity: Decimal | None
    converted: bool = strawberry.field(description="Converted from the local currency")
    exchange_rate: Decimal | None = strawberry.field(description="LCY per unit of the requested currency")
    original_unit_price: Decimal | None = strawberry.field(description="Before conversion")
    original_currency_code: str | None

    @classmethod
    def of(cls, s: pricing.PriceSource) -> PriceSource:
        p = s.price
        return cls(
            kind=s.kind,
            description=s.description,
            price_id=strawberry.ID(str(p.id)) if p else None,
            sales_type=p.sales_type if p else None,
            sales_code=p.sales_code if p else None,
            currency_code=p.currency_code if p else None,
            starting_date=p.starting_date if p else None,
            ending_date=p.ending_date if p else None,
            unit_of_measure=p.unit_of_measure if p else None,
            minimum_quantity=p.minimum_quantity if p else None,
            converted=s.converted,
            exchange_rate=s.exchange_rate,
            original_unit_price=s.original_unit_price,
            original_currency_code=s.original_currency_code,
        )


@strawberry.type
class LinePrice:
    item_no: str | None
    resource_no: str | None
    crm_product_id: uuid.UUID | None
    unit_of_measure: str
    quantity: Decimal
    unit_price: Decimal
    line_amount: Decimal = strawberry.field(description="unitPrice × quantity, half-up to 2 places")
    currency_code: str | None
    source: PriceSource
    error: LineError | None

    @classmethod
    def of(cls, p: pricing_service.LinePrice) -> LinePrice:
        return cls(
            item_no=p.item_no,
            resource_no=p.resource_no,
            crm_product_id=p.crm_product_id,
            unit_of_measure=p.unit_of_measure,
            quantity=p.quantity,
            unit_price=p.unit_price,
            line_amount=p.line_amount,
            currency_code=p.currency_code,
            source=PriceSource.of(p.source),
            error=LineError.of(p.error),
        )


@strawberry.type(description="One sales price line of a customer price group")
class PriceListLine:
    id: strawberry.ID
    item_no: str | None
    resource_no: str | None
    unit_of_measure: str | None
    currency_code: str | None = strawberry.field(description="Null: the local currency")
    starting_date: datetime.date | None
    ending_date: datetime.date | None
    minimum_quantity: Decimal
    unit_price: Decimal

    @classmethod
    def of(cls, p: pricing.PriceLine) -> PriceListLine:
        item = p.asset_kind.value == "ITEM"
        return cls(
            id=strawberry.ID(str(p.id)),
            item_no=p.asset_no if item else None,
            resource_no=None if item else p.asset_no,
            unit_of_measure=p.unit_of_measure,
            currency_code=p.currency_code,
            starting_date=p.starting_date,
            ending_date=p.ending_date,
            minimum_quantity=p.minimum_quantity,
            unit_price=p.unit_price,
        )
