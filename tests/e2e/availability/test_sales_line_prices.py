"""salesLinePrices over HTTP: the best price per line, its source, currencies,
and errors per line or per request."""

from __future__ import annotations

from typing import Any

from api.bootstrap import Services
from tests.e2e.availability.support import (
    ADATUM_ACCOUNT,
    CHAIR_PRODUCT,
    PRICES,
    ROOM_PRODUCT,
    catalog,
    couple_products,
    price,
)
from tests.support.graphql import GraphQLClient, error_codes

TODAY_ISH = "2026-11-25"


async def prices(plugin: GraphQLClient, *lines: dict[str, Any], **request: Any) -> list[dict[str, Any]]:
    body = {"date": TODAY_ISH, **request, "lines": list(lines)}
    return list((await plugin.data(PRICES, {"i": body}))["salesLinePrices"])


async def test_the_lowest_price_for_the_customer_group_or_everyone_wins(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    await price(gql, itemNo="1000", salesType="ALL_CUSTOMERS", unitPrice="110")
    group = await price(
        gql, itemNo="1000", salesType="CUSTOMER_PRICE_GROUP", salesCode="RETAIL", unitPrice="105"
    )
    await price(gql, itemNo="1000", salesType="CUSTOMER", salesCode="C20000", unitPrice="90")
    (line,) = await prices(plugin, {"itemNo": "1000", "quantity": "3"}, customerNo="C10000")
    assert (line["unitPrice"], line["lineAmount"], line["currencyCode"]) == ("105", "315", "DKK")
    assert line["source"]["kind"] == "SALES_PRICE"
    assert (line["source"]["priceId"], line["source"]["salesType"], line["source"]["salesCode"]) == (
        group,
        "CUSTOMER_PRICE_GROUP",
        "RETAIL",
    )
    assert "price group RETAIL" in line["source"]["description"]


async def test_dates_minimum_quantities_and_units_decide_which_prices_apply(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    await price(gql, itemNo="1000", salesType="ALL_CUSTOMERS", unitPrice="100", startingDate="2026-12-01")
    await price(gql, itemNo="1000", salesType="ALL_CUSTOMERS", unitPrice="95", minimumQuantity="10")
    await price(gql, itemNo="1000", salesType="ALL_CUSTOMERS", unitPrice="1300", unitOfMeasure="BOX")
    few, many, box, pcs_later = await prices(
        plugin,
        {"itemNo": "1000", "quantity": "9"},
        {"itemNo": "1000", "quantity": "10"},
        {"itemNo": "1000", "quantity": "1", "unitOfMeasure": "BOX"},
        {"itemNo": "1000", "quantity": "1"},
        customerNo="C10000",
    )
    assert (few["unitPrice"], few["source"]["kind"]) == ("120", "UNIT_PRICE")
    assert many["unitPrice"] == "95"
    assert (box["unitPrice"], box["unitOfMeasure"]) == ("1300", "BOX")
    assert pcs_later["unitPrice"] == "120"
    (december,) = await prices(plugin, {"itemNo": "1000", "quantity": "1"}, date="2026-12-01")
    assert december["unitPrice"] == "100"


async def test_without_prices_the_unit_price_times_qty_per_unit_applies(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    (line,) = await prices(plugin, {"itemNo": "1000", "quantity": "2", "unitOfMeasure": "BOX"})
    assert (line["unitPrice"], line["lineAmount"], line["source"]["kind"]) == ("1440", "2880", "UNIT_PRICE")
    assert line["source"]["converted"] is False


async def test_a_foreign_currency_converts_local_prices_only_when_it_has_none(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    await price(gql, itemNo="1000", salesType="ALL_CUSTOMERS", unitPrice="746")
    await price(gql, itemNo="1001", salesType="ALL_CUSTOMERS", unitPrice="1000")
    await price(gql, itemNo="1001", salesType="ALL_CUSTOMERS", currencyCode="EUR", unitPrice="150")
    await price(gql, itemNo="1001", salesType="ALL_CUSTOMERS", currencyCode="USD", unitPrice="1")
    chair, desk, room = await prices(
        plugin,
        {"itemNo": "1000", "quantity": "1"},
        {"itemNo": "1001", "quantity": "1"},
        {"resourceNo": "R-INSTALL", "quantity": "3"},
        customerNo="C20000",  # invoices in EUR
    )
    assert (chair["unitPrice"], chair["currencyCode"]) == ("100", "EUR")
    assert chair["source"] | {"description": None, "priceId": None} == {
        "kind": "SALES_PRICE",
        "description": None,
        "priceId": None,
        "salesType": "ALL_CUSTOMERS",
        "salesCode": None,
        "currencyCode": None,
        "startingDate": None,
        "minimumQuantity": "0",
        "converted": True,
        "exchangeRate": "7.46",
        "originalUnitPrice": "746",
        "originalCurrencyCode": "DKK",
    }
    assert (desk["unitPrice"], desk["source"]["converted"], desk["source"]["currencyCode"]) == (
        "150",
        False,
        "EUR",
    )
    assert (room["unitPrice"], room["lineAmount"], room["source"]["kind"]) == (
        "6.70241",
        "20.11",
        "UNIT_PRICE",
    )
    assert room["source"]["converted"] is True
    (local,) = await prices(
        plugin, {"itemNo": "1001", "quantity": "1"}, customerNo="C20000", currencyCode="DKK"
    )
    assert (local["unitPrice"], local["currencyCode"]) == ("1000", "DKK")


async def test_without_a_customer_only_prices_for_all_customers_apply(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    await price(gql, itemNo="1000", salesType="CUSTOMER", salesCode="C10000", unitPrice="80")
    await price(gql, itemNo="1000", salesType="ALL_CUSTOMERS", unitPrice="110")
    (line,) = await prices(plugin, {"itemNo": "1000", "quantity": "1"})
    assert (line["unitPrice"], line["currencyCode"]) == ("110", "DKK")


async def test_the_customer_and_products_may_be_named_by_their_crm_ids(
    gql: GraphQLClient, plugin: GraphQLClient, container: Services
) -> None:
    await catalog(gql)
    await couple_products(container)
    await price(gql, itemNo="1000", salesType="CUSTOMER", salesCode="C10000", unitPrice="80")
    chair, room = await prices(
        plugin,
        {"crmProductId": str(CHAIR_PRODUCT), "quantity": "1"},
        {"crmProductId": str(ROOM_PRODUCT), "quantity": "2"},
        crmAccountId=str(ADATUM_ACCOUNT),
    )
    assert (chair["itemNo"], chair["unitPrice"]) == ("1000", "80")
    assert (room["resourceNo"], room["unitPrice"], room["unitOfMeasure"]) == ("R-INSTALL", "50", "HOUR")


async def test_a_line_that_cannot_be_priced_says_why(gql: GraphQLClient, plugin: GraphQLClient) -> None:
    await catalog(gql)
    await gql.mutate('mutation { p: upsertItem(input: {no: "1001", blocked: true}) { userErrors { code } } }')
    answered = await prices(
        plugin,
        {"itemNo": "1001", "quantity": "1"},
        {"itemNo": "1000", "quantity": "-1"},
        {"itemNo": "1000", "resourceNo": "R-INSTALL", "quantity": "1"},
        {"resourceNo": "R-NONE", "quantity": "1"},
        {"quantity": "1"},
        {"itemNo": "1000", "quantity": "1"},
    )
    assert [(a["error"] or {}).get("code") for a in answered] == [
        "BLOCKED",
        "NEGATIVE_VALUE",
        "INVALID_VALUE",
        "UNKNOWN_REFERENCE",
        "REQUIRED",
        None,
    ]
    assert (answered[0]["unitPrice"], answered[0]["source"]["kind"]) == ("0", "NONE")


async def test_an_unknown_customer_currency_or_account_refuses_the_request(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    line = [{"itemNo": "1000", "quantity": "1"}]
    for request, field, reason in [
        ({"customerNo": "C99999"}, "customerNo", "UNKNOWN_REFERENCE"),
        ({"currencyCode": "XYZ"}, "currencyCode", "UNKNOWN_REFERENCE"),
        ({"crmAccountId": str(ADATUM_ACCOUNT)}, "crmAccountId", "NOT_COUPLED"),
    ]:
        body = await plugin.execute(PRICES, {"i": {**request, "lines": line}})
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert (body["errors"][0]["extensions"]["field"], body["errors"][0]["extensions"]["reason"]) == (
            field,
            reason,
        )
