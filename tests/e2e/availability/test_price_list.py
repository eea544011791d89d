"""priceList over HTTP: a customer price group with its lines valid on a date, paged."""

from __future__ import annotations

from tests.e2e.availability.support import catalog, price
from tests.support.graphql import GraphQLClient

PRICE_LIST = (
    "query($c: String!, $d: Date, $f: Int, $a: String) { priceList(code: $c, date: $d) { "
    "code description date "
    "lines(first: $f, after: $a) { totalCount pageInfo { hasNextPage endCursor } "
    "nodes { itemNo resourceNo unitOfMeasure currencyCode startingDate minimumQuantity unitPrice } } } }"
)


async def test_a_price_list_pages_through_the_groups_valid_lines(
    gql: GraphQLClient, plugin: GraphQLClient
) -> None:
    await catalog(gql)
    await price(gql, itemNo="1001", salesType="CUSTOMER_PRICE_GROUP", salesCode="RETAIL", unitPrice="280")
    await price(gql, itemNo="1000", salesType="CUSTOMER_PRICE_GROUP", salesCode="RETAIL", unitPrice="99")
    await price(
        gql,
        itemNo="1000",
        salesType="CUSTOMER_PRICE_GROUP",
        salesCode="RETAIL",
        unitPrice="1100",
        unitOfMeasure="BOX",
    )
    await price(
        gql, resourceNo="R-INSTALL", salesType="CUSTOMER_PRICE_GROUP", salesCode="RETAIL", unitPrice="45"
    )
    await price(
        gql,
        itemNo="1000",
        salesType="CUSTOMER_PRICE_GROUP",
        salesCode="RETAIL",
        unitPrice="90",
        startingDate="2027-01-01",
    )
    await price(gql, itemNo="1000", salesType="ALL_CUSTOMERS", unitPrice="110")
    first = (await plugin.data(PRICE_LIST, {"c": "retail", "d": "2026-11-25", "f": 2}))["priceList"]
    assert (first["code"], first["description"], first["date"]) == ("RETAIL", "Retail", "2026-11-25")
    assert first["lines"]["totalCount"] == 4
    assert [(n["itemNo"], n["unitOfMeasure"], n["unitPrice"]) for n in first["lines"]["nodes"]] == [
        ("1000", "BOX", "1100"),
        ("1000", "PCS", "99"),
    ]
    cursor = first["lines"]["pageInfo"]["endCursor"]
    rest = (await plugin.data(PRICE_LIST, {"c": "RETAIL", "d": "2026-11-25", "f": 5, "a": cursor}))[
        "priceList"
    ]
    assert [(n["itemNo"], n["resourceNo"]) for n in rest["lines"]["nodes"]] == [
        ("1001", None),
        (None, "R-INSTALL"),
    ]
    assert rest["lines"]["pageInfo"]["hasNextPage"] is False
    later = (await plugin.data(PRICE_LIST, {"c": "RETAIL", "d": "2027-01-01"}))["priceList"]
    assert later["lines"]["totalCount"] == 5


async def test_an_unknown_price_group_is_null(plugin: GraphQLClient, gql: GraphQLClient) -> None:
    assert (await plugin.data(PRICE_LIST, {"c": "WHOLESALE"})) == {"priceList": None}
