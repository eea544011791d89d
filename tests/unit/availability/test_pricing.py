"""The best price for one line (domain.pricing): rules by example, then properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.financials.enums import SalesType
from domain.pricing import Currency, PriceLine, PriceSourceKind, PricingTerms, convert, line_amount, quote
from domain.sales_lines import Asset, AssetKind

CHAIR = Asset(AssetKind.ITEM, "1000", "PCS", Decimal("120"), False, {"PCS": Decimal(1), "BOX": Decimal(12)})
DKK = Currency("DKK", Decimal(1), True)
EUR = Currency("EUR", Decimal("7.46"), False)
TODAY = date(2026, 11, 25)


def terms(
    currency: Currency = DKK, customer: str | None = "C10000", group: str | None = "RETAIL"
) -> PricingTerms:
    return PricingTerms(customer, group, currency, "DKK", TODAY)


def price(
    unit_price: str,
    *,
    n: int = 1,
    sales_type: SalesType = SalesType.ALL_CUSTOMERS,
    code: str | None = None,
    currency: str | None = None,
    start: date | None = None,
    end: date | None = None,
    unit: str | None = "PCS",
    minimum: str = "0",
) -> PriceLine:
    return PriceLine(
        UUID(int=n),
        AssetKind.ITEM,
        "1000",
        sales_type,
        code,
        currency,
        start,
        end,
        unit,
        Decimal(minimum),
        Decimal(unit_price),
    )


def best(prices: list[PriceLine], *, qty: str = "1", unit: str = "PCS", t: PricingTerms | None = None):  # type: ignore[no-untyped-def]
    return quote(prices, CHAIR, unit, CHAIR.units[unit], Decimal(qty), t or terms())


def test_the_lowest_applicable_price_wins() -> None:
    won = best([price("110", n=1), price("99", n=2, sales_type=SalesType.CUSTOMER, code="C10000")])
    assert won.unit_price == Decimal("99")
    assert won.source.kind is PriceSourceKind.SALES_PRICE


def test_another_customers_price_does_not_apply() -> None:
    won = best([price("110", n=1), price("50", n=2, sales_type=SalesType.CUSTOMER, code="C20000")])
    assert won.unit_price == Decimal("110")


def test_a_price_outside_its_dates_does_not_apply() -> None:
    prices = [
        price("90", n=1, start=date(2026, 12, 1)),
        price("95", n=2, end=date(2026, 11, 24)),
        price("115", n=3),
    ]
    assert best(prices).unit_price == Decimal("115")


def test_an_unmet_minimum_quantity_does_not_apply() -> None:
    prices = [price("100", n=1), price("80", n=2, minimum="10")]
    assert best(prices, qty="9").unit_price == Decimal("100")
    assert best(prices, qty="10").unit_price == Decimal("80")


def test_a_price_without_unit_is_for_the_base_unit_only() -> None:
    prices = [price("100", unit=None)]
    assert best(prices).unit_price == Decimal("100")
    boxed = best(prices, unit="BOX")
    assert boxed.source.kind is PriceSourceKind.UNIT_PRICE
    assert boxed.unit_price == Decimal("1440")  # never 100 × 12: prices are not converted between units


def test_on_equal_prices_customer_beats_group_beats_all_customers() -> None:
    prices = [
        price("100", n=1),
        price("100", n=2, sales_type=SalesType.CUSTOMER_PRICE_GROUP, code="RETAIL"),
        price("100", n=3, sales_type=SalesType.CUSTOMER, code="C10000"),
    ]
    assert best(prices).source.price == prices[2]
    assert best(prices[:2]).source.price == prices[1]


def test_on_equal_prices_the_later_start_then_higher_minimum_then_older_line_wins() -> None:
    later = price("100", n=5, start=date(2026, 6, 1))
    assert best([price("100", n=1, start=date(2026, 1, 1)), later]).source.price == later
    higher = price("100", n=6, minimum="5")
    assert best([price("100", n=2, minimum="1"), higher], qty="5").source.price == higher
    assert best([price("100", n=8), price("100", n=7)]).source.price == price("100", n=7)


def test_a_price_in_the_requested_currency_beats_a_cheaper_converted_one() -> None:
    won = best([price("10", n=1), price("20", n=2, currency="EUR")], t=terms(EUR))
    assert won.unit_price == Decimal("20")
    assert not won.source.converted


def test_local_prices_are_converted_when_none_is_in_the_currency() -> None:
    won = best([price("746", n=1), price("5", n=2, currency="USD")], t=terms(EUR))
    assert won.unit_price == Decimal("100")
    assert won.source.converted
    assert won.source.exchange_rate == Decimal("7.46")
    assert won.source.original_unit_price == Decimal("746")


def test_a_third_currency_never_applies() -> None:
    won = best([price("5", n=2, currency="USD")], t=terms(EUR))
    assert won.source.kind is PriceSourceKind.UNIT_PRICE


def test_without_prices_the_unit_price_in_the_unit_and_currency_applies() -> None:
    won = best([], unit="BOX", t=terms(EUR))
    assert won.unit_price == convert(Decimal(1440), Decimal("7.46"))
    assert won.source.kind is PriceSourceKind.UNIT_PRICE
    assert won.source.converted


def test_line_amounts_round_half_up_to_cents() -> None:
    assert line_amount(Decimal("0.125"), Decimal(1)) == Decimal("0.13")


money = st.decimals(min_value=0, max_value=100000, places=2)


@given(st.lists(st.tuples(money, st.sampled_from(list(SalesType)), st.integers(0, 3)), max_size=8))
def test_the_winner_is_never_dearer_than_any_applicable_price(
    rows: list[tuple[Decimal, SalesType, int]],
) -> None:
    codes = {
        SalesType.CUSTOMER: "C10000",
        SalesType.CUSTOMER_PRICE_GROUP: "RETAIL",
        SalesType.ALL_CUSTOMERS: None,
    }
    prices = [
        price(str(p), n=i + 1, sales_type=t, code=codes[t], minimum=str(m))
        for i, (p, t, m) in enumerate(rows)
    ]
    won = best(prices, qty="2")
    applicable = [p.unit_price for p in prices if p.minimum_quantity <= 2]
    if applicable:
        assert won.unit_price == min(applicable)
    else:
        assert won.source.kind is PriceSourceKind.UNIT_PRICE


@given(st.lists(money, min_size=1, max_size=6), st.randoms())
def test_the_winner_does_not_depend_on_the_order_of_the_lines(amounts: list[Decimal], rnd) -> None:  # type: ignore[no-untyped-def]
    prices = [price(str(a), n=i + 1) for i, a in enumerate(amounts)]
    shuffled = list(prices)
    rnd.shuffle(shuffled)
    assert best(prices).source.price == best(shuffled).source.price


@given(money, st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3))
def test_a_converted_price_has_at_most_five_places(amount: Decimal, rate: Decimal) -> None:
    converted = convert(amount, rate)
    assert converted == converted.quantize(Decimal("0.00001"))
    assert abs(converted - amount / rate) <= Decimal("0.000005")
