"""Bad input comes back as userErrors (field, message, code) and writes nothing."""

from __future__ import annotations

from typing import Any

from tests.support.graphql import GraphQLClient

CUSTOMER = (
    "mutation($i: CustomerInput!) { p: upsertCustomer(input: $i) { customer { no } "
    "userErrors { field message code } } }"
)
ITEM = (
    "mutation($i: ItemInput!) { p: upsertItem(input: $i) { item { no unitsOfMeasure { code qtyPerUnit } } "
    "userErrors { field message code } } }"
)
ORDER = (
    "mutation($i: SalesOrderInput!) { p: upsertSalesOrder(input: $i) { salesOrder { no currencyCode "
    "lines { lineNo no description unitOfMeasure unitPrice } } userErrors { field message code } } }"
)
PRICE = (
    "mutation($i: SalesPriceInput!) { p: upsertSalesPrice(input: $i) { salesPrice { id unitPrice } "
    "userErrors { field message code } } }"
)
JOURNAL = (
    "mutation($i: ItemJournalInput!) { p: postItemJournal(input: $i) { "
    "entries { entryNo quantity entryType } userErrors { field message code } } }"
)


def by_field(errors: list[dict[str, Any]]) -> dict[str, str]:
    return {e["field"]: e["code"] for e in errors}


async def given_item(gql: GraphQLClient, no: str = "1000", **extra: Any) -> None:
    await gql.mutate('mutation { p: upsertUnitOfMeasure(input: {code: "PCS"}) { userErrors { code } } }')
    await gql.mutate(
        ITEM,
        {
            "i": {
                "no": no,
                "description": "Oslo Chair",
                "baseUnitOfMeasure": "PCS",
                "unitPrice": "100",
                **extra,
            }
        },
    )


async def test_a_customer_with_unknown_references_is_refused_field_by_field(gql: GraphQLClient) -> None:
    errors = await gql.refused(
        CUSTOMER,
        {
            "i": {
                "no": "C1",
                "name": "Adatum",
                "salespersonCode": "XX",
                "currencyCode": "ZZZ",
                "customerPriceGroup": "NOPE",
            }
        },
    )
    assert by_field(errors) == {
        "salespersonCode": "UNKNOWN_REFERENCE",
        "currencyCode": "UNKNOWN_REFERENCE",
        "customerPriceGroup": "UNKNOWN_REFERENCE",
    }
    assert "Salesperson XX does not exist" in [e["message"] for e in errors]
    assert (await gql.data('{ customer(no: "C1") { no } }'))["customer"] is None


async def test_a_new_customer_needs_a_name(gql: GraphQLClient) -> None:
    errors = await gql.refused(CUSTOMER, {"i": {"no": "C1"}})
    assert by_field(errors) == {"name": "REQUIRED"}


async def test_negative_money_is_refused(gql: GraphQLClient) -> None:
    errors = await gql.refused(CUSTOMER, {"i": {"no": "C1", "name": "Adatum", "creditLimit": "-5"}})
    assert by_field(errors) == {"creditLimit": "NEGATIVE_VALUE"}


async def test_too_many_decimal_places_and_too_long_text_are_refused(gql: GraphQLClient) -> None:
    errors = await gql.refused(CUSTOMER, {"i": {"no": "C1", "name": "A" * 101, "creditLimit": "1.123456"}})
    assert by_field(errors) == {"name": "TOO_LONG", "creditLimit": "INVALID_VALUE"}


async def test_a_malformed_decimal_is_a_bad_user_input_error(gql: GraphQLClient) -> None:
    body = await gql.execute(CUSTOMER, {"i": {"no": "C1", "name": "Adatum", "creditLimit": "ten"}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await gql.data('{ customer(no: "C1") { no } }'))["customer"] is None


async def test_an_item_without_a_base_unit_is_refused(gql: GraphQLClient) -> None:
    errors = await gql.refused(ITEM, {"i": {"no": "1000", "description": "Oslo Chair"}})
    assert by_field(errors) == {"baseUnitOfMeasure": "REQUIRED"}


async def test_an_item_always_has_its_base_unit_with_one_per_unit(gql: GraphQLClient) -> None:
    await gql.mutate('mutation { p: upsertUnitOfMeasure(input: {code: "BOX"}) { userErrors { code } } }')
    await given_item(gql, unitsOfMeasure=[{"code": "BOX", "qtyPerUnit": "12"}])
    item = (await gql.data('{ item(no: "1000") { unitsOfMeasure { code qtyPerUnit } } }'))["item"]
    assert item["unitsOfMeasure"] == [{"code": "BOX", "qtyPerUnit": "12"}, {"code": "PCS", "qtyPerUnit": "1"}]
    errors = await gql.refused(
        ITEM, {"i": {"no": "1000", "unitsOfMeasure": [{"code": "PCS", "qtyPerUnit": "2"}]}}
    )
    assert by_field(errors) == {"unitsOfMeasure.0.qtyPerUnit": "INVALID_VALUE"}


async def test_a_unit_listed_twice_is_a_duplicate_key(gql: GraphQLClient) -> None:
    await given_item(gql)
    errors = await gql.refused(
        ITEM,
        {
            "i": {
                "no": "1000",
                "unitsOfMeasure": [{"code": "PCS", "qtyPerUnit": "1"}, {"code": "PCS", "qtyPerUnit": "1"}],
            }
        },
    )
    assert by_field(errors) == {"unitsOfMeasure.1": "DUPLICATE_KEY"}


async def test_an_item_gets_a_unit_group_named_after_it(gql: GraphQLClient) -> None:
    await given_item(gql)
    group = await gql.data('{ unitGroup(code: "ITEM-1000") { sourceType sourceNo description } }')
    assert group["unitGroup"] == {"sourceType": "ITEM", "sourceNo": "1000", "description": "Oslo Chair"}


async def test_a_sales_line_for_an_unknown_item_refuses_the_whole_order(gql: GraphQLClient) -> None:
    await gql.mutate(CUSTOMER, {"i": {"no": "C1", "name": "Adatum"}})
    errors = await gql.refused(
        ORDER,
        {
            "i": {
                "no": "SO1",
                "sellToCustomerNo": "C1",
                "lines": [{"type": "ITEM", "no": "NOPE", "quantity": "1"}],
            }
        },
    )
    assert by_field(errors) == {"lines.0.no": "UNKNOWN_REFERENCE"}
    assert (await gql.data('{ salesOrder(no: "SO1") { no } }'))["salesOrder"] is None


async def test_a_sales_order_takes_its_defaults_from_customer_and_item(gql: GraphQLClient) -> None:
    await gql.mutate(
        'mutation { p: upsertCurrency(input: {code: "EUR", exchangeRate: "7.5"}) { userErrors { code } } }'
    )
    await gql.mutate('mutation { p: upsertUnitOfMeasure(input: {code: "BOX"}) { userErrors { code } } }')
    await given_item(gql, unitsOfMeasure=[{"code": "BOX", "qtyPerUnit": "6"}])
    await gql.mutate(CUSTOMER, {"i": {"no": "C1", "name": "Adatum", "currencyCode": "EUR"}})
    order = await gql.mutate(
        ORDER,
        {
            "i": {
                "no": "SO1",
                "sellToCustomerNo": "C1",
                "lines": [
                    {"type": "ITEM", "no": "1000", "quantity": "1"},
                    {"type": "ITEM", "no": "1000", "quantity": "2", "unitOfMeasure": "BOX"},
                ],
            }
        },
    )
    assert order["salesOrder"]["currencyCode"] == "EUR"
    assert order["salesOrder"]["lines"] == [
        {
            "lineNo": 10000,
            "no": "1000",
            "description": "Oslo Chair",
            "unitOfMeasure": "PCS",
            "unitPrice": "13.33333",
        },
        {
            "lineNo": 20000,
            "no": "1000",
            "description": "Oslo Chair",
            "unitOfMeasure": "BOX",
            "unitPrice": "80",
        },
    ]


async def test_sales_lines_with_the_same_number_are_refused(gql: GraphQLClient) -> None:
    await given_item(gql)
    await gql.mutate(CUSTOMER, {"i": {"no": "C1", "name": "Adatum"}})
    errors = await gql.refused(
        ORDER,
        {
            "i": {
                "no": "SO1",
                "sellToCustomerNo": "C1",
                "lines": [
                    {"type": "ITEM", "no": "1000", "quantity": "1", "lineNo": 10000},
                    {"type": "ITEM", "no": "1000", "quantity": "1", "lineNo": 10000},
                ],
            }
        },
    )
    assert by_field(errors) == {"lines.1": "DUPLICATE_KEY"}


async def test_a_blocked_customer_gets_no_new_order(gql: GraphQLClient) -> None:
    await gql.mutate(CUSTOMER, {"i": {"no": "C1", "name": "Adatum", "blocked": True}})
    errors = await gql.refused(ORDER, {"i": {"no": "SO1", "sellToCustomerNo": "C1"}})
    assert by_field(errors) == {"sellToCustomerNo": "BLOCKED"}


async def test_a_record_in_use_cannot_be_deleted(gql: GraphQLClient) -> None:
    await gql.mutate('mutation { p: upsertSalesperson(input: {code: "JO"}) { userErrors { code } } }')
    await gql.mutate(CUSTOMER, {"i": {"no": "C1", "name": "Adatum", "salespersonCode": "JO"}})
    errors = await gql.refused(
        'mutation { p: deleteSalesperson(input: {key: "JO"}) { userErrors { message code } } }'
    )
    assert errors == [{"message": "Salesperson JO is used by 1 Customer record", "code": "IN_USE"}]
    assert (await gql.data('{ salesperson(code: "JO") { code } }'))["salesperson"] == {"code": "JO"}


async def test_deleting_an_unknown_record_says_so(gql: GraphQLClient) -> None:
    errors = await gql.refused('mutation { p: deleteCustomer(input: {key: "NOPE"}) { userErrors { code } } }')
    assert errors == [{"code": "NOT_FOUND"}]


async def test_a_sales_price_is_upserted_by_its_natural_key(gql: GraphQLClient) -> None:
    await given_item(gql)
    key = {"itemNo": "1000", "salesType": "ALL_CUSTOMERS", "minimumQuantity": "10"}
    first = await gql.mutate(PRICE, {"i": {**key, "unitPrice": "90"}})
    again = await gql.mutate(PRICE, {"i": {**key, "unitPrice": "85"}})
    other = await gql.mutate(PRICE, {"i": {**key, "minimumQuantity": "20", "unitPrice": "80"}})
    assert first["salesPrice"]["id"] == again["salesPrice"]["id"] != other["salesPrice"]["id"]
    prices = await gql.data('{ salesPrices(itemNo: "1000") { nodes { minimumQuantity unitPrice } } }')
    assert prices["salesPrices"]["nodes"] == [
        {"minimumQuantity": "10", "unitPrice": "85"},
        {"minimumQuantity": "20", "unitPrice": "80"},
    ]


async def test_a_price_group_price_needs_its_group(gql: GraphQLClient) -> None:
    await given_item(gql)
    errors = await gql.refused(
        PRICE, {"i": {"itemNo": "1000", "salesType": "CUSTOMER_PRICE_GROUP", "unitPrice": "90"}}
    )
    assert by_field(errors) == {"salesCode": "REQUIRED"}
    errors = await gql.refused(
        PRICE,
        {"i": {"itemNo": "1000", "salesType": "CUSTOMER_PRICE_GROUP", "salesCode": "VIP", "unitPrice": "90"}},
    )
    assert by_field(errors) == {"salesCode": "UNKNOWN_REFERENCE"}


async def test_marking_a_local_currency_unmarks_the_previous_one(gql: GraphQLClient) -> None:
    await gql.mutate(
        'mutation { p: upsertCurrency(input: {code: "DKK", isLocal: true}) { userErrors { code } } }'
    )
    await gql.mutate(
        'mutation { p: upsertCurrency(input: {code: "EUR", exchangeRate: "7.46"}) { userErrors { code } } }'
    )
    await gql.mutate(
        'mutation { p: upsertCurrency(input: {code: "EUR", isLocal: true}) { userErrors { code } } }'
    )
    currencies = await gql.data("{ currencies { nodes { code isLocal exchangeRate } } }")
    assert currencies["currencies"]["nodes"] == [
        {"code": "DKK", "isLocal": False, "exchangeRate": "1"},
        {"code": "EUR", "isLocal": True, "exchangeRate": "1"},
    ]


async def test_an_item_journal_posts_all_lines_or_none(gql: GraphQLClient) -> None:
    await given_item(gql)
    errors = await gql.refused(
        JOURNAL, {"i": {"lines": [{"itemNo": "1000", "quantity": "5"}, {"itemNo": "NOPE", "quantity": "3"}]}}
    )
    assert by_field(errors) == {"lines.1.itemNo": "UNKNOWN_REFERENCE"}
    assert (await gql.data('{ item(no: "1000") { inventory } }'))["item"]["inventory"] == "0"

    posted = await gql.mutate(
        JOURNAL, {"i": {"lines": [{"itemNo": "1000", "quantity": "5"}, {"itemNo": "1000", "quantity": "-2"}]}}
    )
    assert [(e["quantity"], e["entryType"]) for e in posted["entries"]] == [
        ("5", "POSITIVE_ADJMT"),
        ("-2", "NEGATIVE_ADJMT"),
    ]
    assert posted["entries"][0]["entryNo"] < posted["entries"][1]["entryNo"]
    assert (await gql.data('{ item(no: "1000") { inventory } }'))["item"]["inventory"] == "3"


async def test_a_journal_line_must_fit_its_entry_type(gql: GraphQLClient) -> None:
    await given_item(gql)
    errors = await gql.refused(
        JOURNAL,
        {
            "i": {
                "lines": [
                    {"itemNo": "1000", "quantity": "-5", "entryType": "PURCHASE"},
                    {"itemNo": "1000", "quantity": "0"},
                    {"itemNo": "1000", "quantity": "1", "entryType": "GIFT"},
                ]
            }
        },
    )
    assert by_field(errors) == {
        "lines.0.quantity": "INVALID_VALUE",
        "lines.1.quantity": "INVALID_VALUE",
        "lines.2.entryType": "INVALID_VALUE",
    }


async def test_a_contacts_primary_contact_must_work_for_the_customer(gql: GraphQLClient) -> None:
    await gql.mutate(CUSTOMER, {"i": {"no": "C1", "name": "Adatum"}})
    await gql.mutate(CUSTOMER, {"i": {"no": "C2", "name": "Trey"}})
    await gql.mutate(
        'mutation { p: upsertContact(input: {no: "CT1", lastName: "Hansen", companyNo: "C2"}) '
        "{ userErrors { code } } }"
    )
    errors = await gql.refused(CUSTOMER, {"i": {"no": "C1", "primaryContactNo": "CT1"}})
    assert by_field(errors) == {"primaryContactNo": "INVALID_VALUE"}
