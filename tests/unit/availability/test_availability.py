"""Stock per sales line (domain.availability), against a hand-written store."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.availability import AvailabilityRequest, Stock, StockKey, item_availability
from domain.errors import ErrorCode
from domain.sales_lines import Asset, AssetKind, AssetQuery, Catalog

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
PRODUCT = UUID(int=7)
CHAIR = Asset(
    AssetKind.ITEM, "1000", "PCS", Decimal(120), False, {"PCS": Decimal(1), "BOX": Decimal(3)}, PRODUCT
)
ROOM = Asset(AssetKind.RESOURCE, "R1", "HOUR", Decimal(50), False, {"HOUR": Decimal(1)}, UUID(int=8))


class FakeStore:
    def __init__(self, stock: Mapping[StockKey, Stock]) -> None:
        self._stock = stock
        self.reads = 0
        self.item = CHAIR

    async def catalog(self, query: AssetQuery) -> Catalog:
        self.reads += 1
        return Catalog(
            items={"1000": self.item},
            products={PRODUCT: CHAIR, ROOM.crm_product_id: ROOM},
            locations=frozenset({"BLUE"}),  # type: ignore[dict-item]
        )

    async def stock(self, item_nos: frozenset[str]) -> Mapping[StockKey, Stock]:
        self.reads += 1
        return self._stock


STOCK = {("1000", "BLUE"): Stock(Decimal(10), Decimal(2)), ("1000", ""): Stock(Decimal(1), Decimal(0))}


async def test_stock_is_summed_over_locations_unless_one_is_named() -> None:
    store = FakeStore(STOCK)
    every, blue = await item_availability(
        store, [AvailabilityRequest("1000"), AvailabilityRequest("1000", location_code="blue")], NOW
    )
    assert (every.inventory, every.quantity_on_sales_orders, every.available) == (11, 2, 9)
    assert (blue.inventory, blue.available, blue.location_code) == (10, 8, "BLUE")
    assert store.reads == 2


async def test_figures_in_another_unit_add_up_and_sufficiency_is_exact() -> None:
    (boxes,) = await item_availability(
        FakeStore(STOCK),
        [AvailabilityRequest(crm_product_id=PRODUCT, unit_of_measure="BOX", quantity=Decimal(3))],
        NOW,
    )
    assert boxes.inventory == Decimal("3.66667")
    assert boxes.quantity_on_sales_orders == Decimal("0.66667")
    assert boxes.available == boxes.inventory - boxes.quantity_on_sales_orders
    assert boxes.is_sufficient is True  # 9 PCS requested, 9 available
    (more,) = await item_availability(
        FakeStore(STOCK),
        [AvailabilityRequest("1000", unit_of_measure="BOX", quantity=Decimal("3.00001"))],
        NOW,
    )
    assert more.is_sufficient is False


async def test_available_can_go_negative() -> None:
    (line,) = await item_availability(
        FakeStore({("1000", ""): Stock(Decimal(1), Decimal(4))}), [AvailabilityRequest("1000")], NOW
    )
    assert line.available == -3


async def test_a_bad_line_says_why_and_the_others_are_answered() -> None:
    lines = [
        AvailabilityRequest("9999"),
        AvailabilityRequest(crm_product_id=UUID(int=99)),
        AvailabilityRequest(crm_product_id=ROOM.crm_product_id),
        AvailabilityRequest("1000", unit_of_measure="PALLET"),
        AvailabilityRequest("1000", location_code="RED"),
        AvailabilityRequest(),
        AvailabilityRequest("1000", crm_product_id=ROOM.crm_product_id),
        AvailabilityRequest("1000", quantity=Decimal(-1)),
        AvailabilityRequest("1000"),
    ]
    answers = await item_availability(FakeStore(STOCK), lines, NOW)
    assert [(a.error.code, a.error.field) if a.error else None for a in answers] == [
        (ErrorCode.UNKNOWN_REFERENCE, "itemNo"),
        (ErrorCode.NOT_COUPLED, "crmProductId"),
        (ErrorCode.NOT_COUPLED, "crmProductId"),
        (ErrorCode.UNKNOWN_REFERENCE, "unitOfMeasure"),
        (ErrorCode.UNKNOWN_REFERENCE, "locationCode"),
        (ErrorCode.REQUIRED, "itemNo"),
        (ErrorCode.NOT_COUPLED, "crmProductId"),
        (ErrorCode.NEGATIVE_VALUE, "quantity"),
        None,
    ]
    assert answers[0].item_no == "9999"
    assert answers[0].inventory == 0


quantities = st.decimals(min_value=-100000, max_value=100000, places=5)


@given(quantities, quantities.filter(lambda q: q >= 0), st.sampled_from(["1", "3", "12", "0.5", "7.25"]))
async def test_figures_always_add_up_and_have_five_places(
    inventory: Decimal, on_orders: Decimal, per: str
) -> None:
    units = {"PCS": Decimal(1), "X": Decimal(per)}
    item = Asset(AssetKind.ITEM, "1000", "PCS", Decimal(1), False, units)
    store = FakeStore({("1000", ""): Stock(inventory, on_orders)})
    store.item = item
    (line,) = await item_availability(store, [AvailabilityRequest("1000", unit_of_measure="X")], NOW)
    assert line.available == line.inventory - line.quantity_on_sales_orders
    for figure in (line.inventory, line.quantity_on_sales_orders, line.available):
        assert figure == figure.quantize(Decimal("0.00001"))
    assert abs(line.inventory - inventory / Decimal(per)) <= Decimal("0.000005")


@given(quantities.filter(lambda q: q >= 0), quantities, st.sampled_from(["1", "3", "12", "0.5"]))
async def test_sufficiency_is_decided_exactly_in_base_units(
    requested: Decimal, free: Decimal, per: str
) -> None:
    units = {"PCS": Decimal(1), "X": Decimal(per)}
    store = FakeStore({("1000", ""): Stock(free, Decimal(0))})
    store.item = Asset(AssetKind.ITEM, "1000", "PCS", Decimal(1), False, units)
    (line,) = await item_availability(
        store, [AvailabilityRequest("1000", unit_of_measure="X", quantity=requested)], NOW
    )
    assert line.is_sufficient is (requested * Decimal(per) <= free)
