"""itemAvailability over HTTP: stock per sales line from the ledger and open
sales orders, in the line's unit, with per-line errors."""

from __future__ import annotations

from typing import Any

from api.bootstrap import Services
from tests.e2e.availability.support import (
    AVAILABILITY,
    CHAIR_PRODUCT,
    ROOM_PRODUCT,
    catalog,
    couple_products,
    order,
    post,
)
from tests.support.graphql import GraphQLClient, error_codes


async def lines(plugin: GraphQLClient, *wanted: dict[str, Any]) -> list[dict[str, Any]]:
    return list((await plugin.data(AVAILABILITY, {"l": list(wanted)}))["itemAvailability"])


def figures(line: dict[str, Any]) -> tuple[str, str, str]:
    return line["inventory"], line["quantityOnSalesOrders"], line["available"]


async def test_inventory_is_the_ledger_sum_less_open_sales_orders(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    await post(
        gql, {"itemNo": "1000", "quantity": "30", "locationCode": "BLUE"}, {"itemNo": "1000", "quantity": "6"}
    )
    await post(gql, {"itemNo": "1000", "quantity": "-4", "locationCode": "BLUE"})
    await order(gql, "SO-1", {"no": "1000", "quantity": "5", "quantityShipped": "2", "locationCode": "BLUE"})
    await order(gql, "SO-2", {"no": "1000", "quantity": "1", "unitOfMeasure": "BOX"}, status="RELEASED")
    (line,) = await lines(plugin, {"itemNo": "1000"})
    assert figures(line) == ("32", "15", "17")  # 3 outstanding PCS + 1 BOX of 12
    assert line["unitOfMeasure"] == "PCS"
    assert line["crmProductId"] is None
    assert line["asOf"].endswith("+00:00")


async def test_a_location_narrows_the_figures(gql: GraphQLClient, plugin: GraphQLClient) -> None:
    await catalog(gql)
    await post(
        gql, {"itemNo": "1000", "quantity": "30", "locationCode": "BLUE"}, {"itemNo": "1000", "quantity": "6"}
    )
    await order(gql, "SO-1", {"no": "1000", "quantity": "5", "locationCode": "BLUE"})
    blue, red = await lines(
        plugin, {"itemNo": "1000", "locationCode": "blue"}, {"itemNo": "1000", "locationCode": "RED"}
    )
    assert (figures(blue), blue["locationCode"]) == (("30", "5", "25"), "BLUE")
    assert figures(red) == ("0", "0", "0")


async def test_figures_are_in_the_lines_unit_and_add_up(gql: GraphQLClient, plugin: GraphQLClient) -> None:
    await catalog(gql)
    await post(gql, {"itemNo": "1000", "quantity": "25"})
    await order(gql, "SO-1", {"no": "1000", "quantity": "1"})
    (boxes,) = await lines(plugin, {"itemNo": "1000", "unitOfMeasure": "BOX", "quantity": "2"})
    assert figures(boxes) == ("2.08333", "0.08333", "2")
    assert boxes["isSufficient"] is True  # 24 PCS wanted, 24 available
    (more,) = await lines(plugin, {"itemNo": "1000", "unitOfMeasure": "BOX", "quantity": "2.00001"})
    assert more["isSufficient"] is False


async def test_available_goes_negative_when_orders_exceed_stock(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    await post(gql, {"itemNo": "1001", "quantity": "1"})
    await order(gql, "SO-1", {"no": "1001", "quantity": "3"})
    (line,) = await lines(plugin, {"itemNo": "1001", "quantity": "1"})
    assert figures(line) == ("1", "3", "-2")
    assert line["isSufficient"] is False


async def test_a_line_by_crm_product_goes_through_the_coupling(
    gql: GraphQLClient, plugin: GraphQLClient, container: Services
) -> None:
    await catalog(gql)
    await couple_products(container)
    await post(gql, {"itemNo": "1000", "quantity": "7"})
    by_product, both = await lines(
        plugin, {"crmProductId": str(CHAIR_PRODUCT)}, {"crmProductId": str(CHAIR_PRODUCT), "itemNo": "1000"}
    )
    assert (by_product["itemNo"], by_product["crmProductId"], by_product["inventory"]) == (
        "1000",
        str(CHAIR_PRODUCT),
        "7",
    )
    assert both["error"] is None


async def test_a_bad_line_says_why_and_the_others_are_answered(
    gql: GraphQLClient, plugin: GraphQLClient, container: Services
) -> None:
    await catalog(gql)
    await couple_products(container)
    await post(gql, {"itemNo": "1000", "quantity": "7"})
    answered = await lines(
        plugin,
        {"itemNo": "9999"},
        {"crmProductId": "00000000-0000-4000-8000-000000000099"},
        {"crmProductId": str(ROOM_PRODUCT)},
        {"itemNo": "1000", "unitOfMeasure": "PALLET"},
        {"itemNo": "1000", "locationCode": "GREEN"},
        {},
        {"itemNo": "1001", "crmProductId": str(CHAIR_PRODUCT)},
        {"itemNo": "1000", "quantity": "-1"},
        {"itemNo": "1000"},
    )
    assert [(a["error"] or {}).get("code") for a in answered] == [
        "UNKNOWN_REFERENCE",
        "NOT_COUPLED",
        "NOT_COUPLED",
        "UNKNOWN_REFERENCE",
        "UNKNOWN_REFERENCE",
        "REQUIRED",
        "INVALID_VALUE",
        "NEGATIVE_VALUE",
        None,
    ]
    assert answered[3]["error"]["field"] == "unitOfMeasure"
    assert (answered[0]["itemNo"], figures(answered[0])) == ("9999", ("0", "0", "0"))
    assert answered[-1]["inventory"] == "7"


async def test_a_blocked_item_still_has_availability(gql: GraphQLClient, plugin: GraphQLClient) -> None:
    await catalog(gql)
    await post(gql, {"itemNo": "1001", "quantity": "2"})
    await gql.mutate('mutation { p: upsertItem(input: {no: "1001", blocked: true}) { userErrors { code } } }')
    (line,) = await lines(plugin, {"itemNo": "1001"})
    assert (line["error"], line["inventory"]) == (None, "2")


async def test_too_many_lines_or_a_nan_quantity_refuse_the_request(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    body = await plugin.execute(AVAILABILITY, {"l": [{"itemNo": "1000"}] * 501})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "lines"
    body = await plugin.execute(AVAILABILITY, {"l": [{"itemNo": "1000", "quantity": "NaN"}]})
    assert error_codes(body) == ["BAD_USER_INPUT"]
