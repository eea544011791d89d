"""The best price for one sales line (DOMAIN.md "Serving CRM sales lines"), as
Business Central's price calculation decides it.

A sales price applies when it is for the customer, the customer's price group
or all customers, is valid on the date, is for the line's unit (a price with no
unit is for the base unit only; prices are never converted between units) and
its minimum quantity is met. The lowest applicable price wins; on equal prices
customer beats price group beats all customers, then the later starting date,
the higher minimum quantity and the older price line (UUIDv7 ids are
time-ordered).

Currency: prices in the requested currency compete; only when the currency is
foreign and none applies do local-currency prices compete, each converted
(LCY ÷ exchange rate, half-even to 5 places, as a sales order line's default
price). A third currency never applies. Without any applicable price the line
gets the asset's unit price × qty per unit, converted the same way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from uuid import UUID

from domain.financials.enums import SalesType
from domain.sales_lines import Asset, AssetKind, trim

PRICE_PLACES = Decimal("0.00001")
AMOUNT_PLACES = Decimal("0.01")
_RANK = {SalesType.CUSTOMER: 0, SalesType.CUSTOMER_PRICE_GROUP: 1, SalesType.ALL_CUSTOMERS: 2}


class PriceSourceKind(StrEnum):
    SALES_PRICE = "SALES_PRICE"
    UNIT_PRICE = "UNIT_PRICE"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class PriceLine:
    """One sales price line; `currency_code` None is the local currency."""

    id: UUID
    asset_kind: AssetKind
    asset_no: str
    sales_type: SalesType
    sales_code: str | None
    currency_code: str | None
    starting_date: date | None
    ending_date: date | None
    unit_of_measure: str | None
    minimum_quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    exchange_rate: Decimal  # LCY per unit
    is_local: bool


@dataclass(frozen=True, slots=True)
class PricingTerms:
    """Who buys, in which currency, when: the same for every line of a request."""

    customer_no: str | None
    price_group: str | None
    currency: Currency  # the requested one (the local currency when none)
    local_currency_code: str | None
    date: date


@dataclass(frozen=True, slots=True)
class PriceSource:
    """Where a line's price came from."""

    kind: PriceSourceKind
    description: str
    price: PriceLine | None = None
    converted: bool = False
    exchange_rate: Decimal | None = None
    original_unit_price: Decimal | None = None
    original_currency_code: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    unit_price: Decimal
    source: PriceSource


def convert(lcy_price: Decimal, rate: Decimal) -> Decimal:
    return trim((lcy_price / rate).quantize(PRICE_PLACES, rounding=ROUND_HALF_EVEN))


def line_amount(unit_price: Decimal, quantity: Decimal) -> Decimal:
    return trim((unit_price * quantity).quantize(AMOUNT_PLACES, rounding=ROUND_HALF_UP))


def is_local(terms: PricingTerms, currency_code: str | None) -> bool:
    return currency_code is None or currency_code == terms.local_currency_code


def applies(price: PriceLine, asset: Asset, unit: str, quantity: Decimal, terms: PricingTerms) -> bool:
    """Whether the price is for this buyer, date, unit and quantity (currency aside)."""
    if price.sales_type is SalesType.CUSTOMER:
        buyer = terms.customer_no is not None and price.sales_code == terms.customer_no
    elif price.sales_type is SalesType.CUSTOMER_PRICE_GROUP:
        buyer = terms.price_group is not None and price.sales_code == terms.price_group
    else:
        buyer = True
    return (
        buyer
        and price.asset_kind is asset.kind
        and price.asset_no == asset.no
        and (price.starting_date is None or price.starting_date <= terms.date)
        and (price.ending_date is None or price.ending_date >= terms.date)
        and (price.unit_of_measure or asset.base_unit) == unit
        and price.minimum_quantity <= quantity
    )


def _rank(price: PriceLine, unit_price: Decimal) -> tuple[Decimal, int, int, Decimal, UUID]:
    start = price.starting_date.toordinal() if price.starting_date else 0
    return (unit_price, _RANK[price.sales_type], -start, -price.minimum_quantity, price.id)


def best(candidates: Iterable[tuple[PriceLine, Decimal]]) -> tuple[PriceLine, Decimal] | None:
    """The winner among (price line, its unit price in the requested currency)."""
    return min(candidates, key=lambda c: _rank(c[0], c[1]), default=None)


def describe(price: PriceLine, currency_shown: str) -> str:
    who = {
        SalesType.CUSTOMER: f"customer {price.sales_code}",
        SalesType.CUSTOMER_PRICE_GROUP: f"price group {price.sales_code}",
        SalesType.ALL_CUSTOMERS: "all customers",
    }[price.sales_type]
    parts = [f"sales price {price.unit_price} {currency_shown} for {who}"]
    if price.starting_date:
        parts.append(f"from {price.starting_date.isoformat()}")
    if price.ending_date:
        parts.append(f"to {price.ending_date.isoformat()}")
    if price.minimum_quantity:
        parts.append(f"min. quantity {price.minimum_quantity}")
    return " ".join(parts)


def quote(
    prices: Iterable[PriceLine],
    asset: Asset,
    unit: str,
    per_unit: Decimal,
    quantity: Decimal,
    terms: PricingTerms,
) -> Quote:
    """The best price for one line, and where it came from."""
    currency = terms.currency
    lcy = terms.local_currency_code or "LCY"
    applicable = [p for p in prices if applies(p, asset, unit, quantity, terms)]
    if currency.is_local:
        found = best((p, p.unit_price) for p in applicable if is_local(terms, p.currency_code))
        if found:
            return Quote(
                found[1], PriceSource(PriceSourceKind.SALES_PRICE, describe(found[0], lcy), found[0])
            )
    else:
        own = best((p, p.unit_price) for p in applicable if p.currency_code == currency.code)
        if own:
            return Quote(
                own[1], PriceSource(PriceSourceKind.SALES_PRICE, describe(own[0], currency.code), own[0])
            )
        rate = currency.exchange_rate
        converted = best(
            (p, convert(p.unit_price, rate)) for p in applicable if is_local(terms, p.currency_code)
        )
        if converted:
            price, unit_price = converted
            text = f"{describe(price, lcy)}, converted to {currency.code} at {rate} {lcy} per {currency.code}"
            source = PriceSource(PriceSourceKind.SALES_PRICE, text, price, True, rate, price.unit_price, lcy)
            return Quote(unit_price, source)
    return _unit_price(asset, unit, per_unit, terms)


def _unit_price(asset: Asset, unit: str, per_unit: Decimal, terms: PricingTerms) -> Quote:
    lcy = terms.local_currency_code or "LCY"
    lcy_price = trim((asset.unit_price * per_unit).quantize(PRICE_PLACES, rounding=ROUND_HALF_EVEN))
    text = f"{asset.kind.lower()} {asset.no} unit price {asset.unit_price} {lcy}"
    if per_unit != 1:
        text += f" × {per_unit} per {unit}"
    currency = terms.currency
    if currency.is_local:
        return Quote(lcy_price, PriceSource(PriceSourceKind.UNIT_PRICE, text))
    rate = currency.exchange_rate
    text += f", converted to {currency.code} at {rate} {lcy} per {currency.code}"
    source = PriceSource(PriceSourceKind.UNIT_PRICE, text, None, True, rate, lcy_price, lcy)
    return Quote(convert(asset.unit_price * per_unit, rate), source)
