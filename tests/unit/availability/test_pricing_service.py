"""Who buys, in which currency, on which date (domain.pricing_service), against a hand-written store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.errors import ErrorCode
from domain.financials.enums import SalesType
from domain.pricing import Currency, PriceLine
from domain.pricing_service import (
    PriceRequestLine,
    PricingBasis,
    PricingCustomer,
    SalesLinePricesRequest,
    sales_line_prices,
)
from domain.sales_lines import Asset, AssetKind, AssetQuery, Catalog, RequestRefused

TODAY = date(2026, 11, 25)
ADATUM = PricingCustomer("C10000", "RETAIL", None)
TREY = PricingCustomer("C20000", None, "EUR")
ACCOUNT = UUID(int=10000)
CURRENCIES = {"DKK": Currency("DKK", Decimal(1), True), "EUR": Currency("EUR", Decimal("7.46"), False)}
CHAIR = Asset(AssetKind.ITEM, "1000", "PCS", Decimal(746), False, {"PCS": Decimal(1)})


class FakeStore:
    def __init__(self, prices: Sequence[PriceLine] = ()) -> None:
        self._prices = list(prices)
        self.asked: list[tuple[str | None, str | None, date]] = []

    async def basis(self, customer_no: str | None, crm_account_id: UUID | None) -> PricingBasis:
        customers = {"C10000": ADATUM, "C20000": TREY}
        by_account = ADATUM if crm_account_id == ACCOUNT else None
        return PricingBasis(customers.get(customer_no or ""), by_account, CURRENCIES)

    async def catalog(self, query: AssetQuery) -> Catalog:
        return Catalog(items={"1000": CHAIR})

    async def prices(
        self, assets: Sequence[Asset], customer_no: str | None, price_group: str | None, on: date
    ) -> list[PriceLine]:
        self.asked.append((customer_no, price_group, on))
        return self._prices


LINE = [PriceRequestLine(Decimal(1), item_no="1000")]


async def test_the_customers_currency_applies_unless_another_is_given() -> None:
    (eur,) = await sales_line_prices(FakeStore(), SalesLinePricesRequest(LINE, customer_no="c20000"), TODAY)
    assert (eur.currency_code, eur.unit_price) == ("EUR", Decimal(100))
    request = SalesLinePricesRequest(LINE, customer_no="C20000", currency_code="DKK")
    (dkk,) = await sales_line_prices(FakeStore(), request, TODAY)
    assert (dkk.currency_code, dkk.unit_price) == ("DKK", Decimal(746))


async def test_the_customer_may_be_named_by_its_crm_account_and_the_date_defaults_to_today() -> None:
    store = FakeStore()
    await sales_line_prices(store, SalesLinePricesRequest(LINE, crm_account_id=ACCOUNT), TODAY)
    assert store.asked == [("C10000", "RETAIL", TODAY)]


async def test_without_a_customer_prices_are_asked_for_nobody_in_particular() -> None:
    store = FakeStore()
    await sales_line_prices(store, SalesLinePricesRequest(LINE, date=date(2027, 1, 1)), TODAY)
    assert store.asked == [(None, None, date(2027, 1, 1))]


@pytest.mark.parametrize(
    ("request_", "field", "reason"),
    [
        (SalesLinePricesRequest(LINE, customer_no="C99999"), "customerNo", ErrorCode.UNKNOWN_REFERENCE),
        (SalesLinePricesRequest(LINE, currency_code="XYZ"), "currencyCode", ErrorCode.UNKNOWN_REFERENCE),
        (SalesLinePricesRequest(LINE, crm_account_id=UUID(int=1)), "crmAccountId", ErrorCode.NOT_COUPLED),
        (
            SalesLinePricesRequest(LINE, customer_no="C20000", crm_account_id=ACCOUNT),
            "crmAccountId",
            ErrorCode.INVALID_VALUE,
        ),
        (SalesLinePricesRequest(LINE * 501), "lines", ErrorCode.INVALID_VALUE),
        (
            SalesLinePricesRequest([PriceRequestLine(Decimal("NaN"), item_no="1000")]),
            "lines.0.quantity",
            ErrorCode.INVALID_VALUE,
        ),
    ],
)
async def test_a_request_that_cannot_be_answered_is_refused_whole(
    request_: SalesLinePricesRequest, field: str, reason: ErrorCode
) -> None:
    with pytest.raises(RequestRefused) as refused:
        await sales_line_prices(FakeStore(), request_, TODAY)
    assert (refused.value.field, refused.value.reason) == (field, reason)


async def test_a_customer_price_in_the_currency_wins_and_names_its_line() -> None:
    price = PriceLine(
        UUID(int=5),
        AssetKind.ITEM,
        "1000",
        SalesType.CUSTOMER,
        "C20000",
        "EUR",
        None,
        None,
        "PCS",
        Decimal(0),
        Decimal(90),
    )
    (line,) = await sales_line_prices(
        FakeStore([price]), SalesLinePricesRequest(LINE, customer_no="C20000"), TODAY
    )
    assert (line.unit_price, line.source.price, line.line_amount) == (Decimal(90), price, Decimal(90))
