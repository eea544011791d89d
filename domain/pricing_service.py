"""Prices for CRM sales lines: who the customer is (ERP number or coupled CRM
account), which currency (given, else the customer's, else the local one) and
which date (given, else today), then the best price per line (domain.pricing).

Three reads whatever the number of lines: the customer and currencies, the
named assets, their candidate prices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.errors import ErrorCode
from domain.pricing import (
    Currency,
    PriceLine,
    PriceSource,
    PriceSourceKind,
    PricingTerms,
    line_amount,
    quote,
)
from domain.sales_lines import (
    Asset,
    AssetKind,
    AssetQuery,
    Catalog,
    LineError,
    RequestRefused,
    check_line_count,
    check_quantities,
    code,
    unit_of,
)

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PriceRequestLine:
    quantity: Decimal
    item_no: str | None = None
    resource_no: str | None = None
    crm_product_id: UUID | None = None
    unit_of_measure: str | None = None


@dataclass(frozen=True, slots=True)
class SalesLinePricesRequest:
    lines: Sequence[PriceRequestLine]
    customer_no: str | None = None
    crm_account_id: UUID | None = None
    currency_code: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class PricingCustomer:
    no: str
    price_group: str | None
    currency_code: str | None


@dataclass(frozen=True, slots=True)
class PricingBasis:
    """The first read: the customer by number and by CRM account, and every currency."""

    by_no: PricingCustomer | None = None
    by_account: PricingCustomer | None = None
    currencies: Mapping[str, Currency] = field(default_factory=dict)


class PriceStore(Protocol):
    """What pricing reads."""

    async def basis(self, customer_no: str | None, crm_account_id: UUID | None) -> PricingBasis:
        """The customer (by number; by the CRM account coupled through CUSTOMER) and all currencies."""
        ...

    async def catalog(self, query: AssetQuery) -> Catalog:
        """The items and resources the query names, by number and by coupled CRM product."""
        ...

    async def prices(
        self, assets: Sequence[Asset], customer_no: str | None, price_group: str | None, on: date
    ) -> list[PriceLine]:
        """Sales prices of these assets for the customer, its group or all customers, valid on the date."""
        ...


@dataclass(frozen=True, slots=True)
class LinePrice:
    item_no: str | None
    resource_no: str | None
    crm_product_id: UUID | None
    unit_of_measure: str
    quantity: Decimal
    unit_price: Decimal
    line_amount: Decimal
    currency_code: str | None
    source: PriceSource
    error: LineError | None = None


def customer_of(basis: PricingBasis, request: SalesLinePricesRequest) -> PricingCustomer | None:
    no = code(request.customer_no)
    if no is not None and basis.by_no is None:
        raise RequestRefused("customerNo", ErrorCode.UNKNOWN_REFERENCE, f"there is no customer {no}")
    if request.crm_account_id is not None:
        if basis.by_account is None:
            raise RequestRefused(
                "crmAccountId",
                ErrorCode.NOT_COUPLED,
                f"CRM account {request.crm_account_id} is not coupled to a customer",
            )
        if basis.by_no is not None and basis.by_no.no != basis.by_account.no:
            raise RequestRefused(
                "crmAccountId",
                ErrorCode.INVALID_VALUE,
                f"CRM account {request.crm_account_id} is coupled to customer "
                f"{basis.by_account.no}, not {no}",
            )
        return basis.by_account
    return basis.by_no


def currency_of(basis: PricingBasis, customer: PricingCustomer | None, given: str | None) -> Currency:
    local = next((c for c in basis.currencies.values() if c.is_local), None)
    wanted = code(given) if given is not None else (customer.currency_code if customer else None)
    if wanted is None or (local is not None and wanted == local.code):
        return local or Currency("", Decimal(1), True)
    currency = basis.currencies.get(wanted)
    if currency is None:
        raise RequestRefused("currencyCode", ErrorCode.UNKNOWN_REFERENCE, f"there is no currency {wanted}")
    if currency.exchange_rate <= 0:
        raise RequestRefused(
            "currencyCode", ErrorCode.INVALID_VALUE, f"currency {wanted} has no exchange rate"
        )
    return currency


def _refused(line: PriceRequestLine, error: LineError, currency: str | None) -> LinePrice:
    return LinePrice(
        item_no=line.item_no,
        resource_no=line.resource_no,
        crm_product_id=line.crm_product_id,
        unit_of_measure=line.unit_of_measure or "",
        quantity=line.quantity,
        unit_price=ZERO,
        line_amount=ZERO,
        currency_code=currency,
        source=PriceSource(PriceSourceKind.NONE, error.message),
        error=error,
    )


def _resolve(catalog: Catalog, line: PriceRequestLine) -> tuple[Asset, str, Decimal] | LineError:
    if line.quantity < 0:
        return LineError(ErrorCode.NEGATIVE_VALUE, "quantity", "the quantity is negative")
    found = catalog.resolve(
        item_no=code(line.item_no), resource_no=code(line.resource_no), crm_product_id=line.crm_product_id
    )
    if isinstance(found, LineError):
        return found
    if found.blocked:
        field_name = "itemNo" if found.kind is AssetKind.ITEM else "resourceNo"
        return LineError(ErrorCode.BLOCKED, field_name, f"{found.kind.lower()} {found.no} is blocked")
    unit = unit_of(found, code(line.unit_of_measure))
    if isinstance(unit, LineError):
        return unit
    return found, unit[0], unit[1]


async def sales_line_prices(
    store: PriceStore, request: SalesLinePricesRequest, today: date
) -> list[LinePrice]:
    """The best price per line; a line that cannot be priced says why, the others are answered."""
    check_line_count(len(request.lines), "lines")
    check_quantities([line.quantity for line in request.lines], "lines")
    basis = await store.basis(code(request.customer_no), request.crm_account_id)
    customer = customer_of(basis, request)
    currency = currency_of(basis, customer, request.currency_code)
    local = next((c.code for c in basis.currencies.values() if c.is_local), None)
    terms = PricingTerms(
        customer_no=customer.no if customer else None,
        price_group=customer.price_group if customer else None,
        currency=currency,
        local_currency_code=local,
        date=request.date or today,
    )
    lines = request.lines
    catalog = await store.catalog(
        AssetQuery(
            item_nos=frozenset(n for n in (code(line.item_no) for line in lines) if n),
            resource_nos=frozenset(n for n in (code(line.resource_no) for line in lines) if n),
            product_ids=frozenset(line.crm_product_id for line in lines if line.crm_product_id),
        )
    )
    resolved = [_resolve(catalog, line) for line in lines]
    assets = list({(r[0].kind, r[0].no): r[0] for r in resolved if not isinstance(r, LineError)}.values())
    prices = await store.prices(assets, terms.customer_no, terms.price_group, terms.date) if assets else []
    by_asset: dict[tuple[AssetKind, str], list[PriceLine]] = {}
    for price in prices:
        by_asset.setdefault((price.asset_kind, price.asset_no), []).append(price)
    shown = currency.code or None
    answers = []
    for line, found in zip(lines, resolved, strict=True):
        if isinstance(found, LineError):
            answers.append(_refused(line, found, shown))
            continue
        asset, unit, per_unit = found
        result = quote(by_asset.get((asset.kind, asset.no), []), asset, unit, per_unit, line.quantity, terms)
        answers.append(
            LinePrice(
                item_no=asset.no if asset.kind is AssetKind.ITEM else None,
                resource_no=asset.no if asset.kind is AssetKind.RESOURCE else None,
                crm_product_id=asset.crm_product_id,
                unit_of_measure=unit,
                quantity=line.quantity,
                unit_price=result.unit_price,
                line_amount=line_amount(result.unit_price, line.quantity),
                currency_code=shown,
                source=result.source,
            )
        )
    return answers
