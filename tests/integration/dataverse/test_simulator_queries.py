"""Simulator fidelity: the $filter subset, $select, $orderby, $top, $count, $expand and
paging with odata.maxpagesize and @odata.nextLink (reference §2.7-2.8, [FILT])."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import httpx
import pytest

from adapters.dataverse.simulator import DataverseSimulator
from domain.crm import Lookup

CUSTOMERS: dict[str, dict[str, object]] = {
    "Adatum Corporation": {"creditlimit": Decimal("50000"), "address1_city": "Aarhus", "creditonhold": False},
    "Alpine Ski House": {"creditlimit": Decimal("7500.50"), "address1_city": "Zurich", "creditonhold": True},
    "O'Bryan Consulting": {"creditlimit": Decimal("1200"), "address1_city": None, "creditonhold": False},
    "Ærø Boats": {"creditlimit": None, "address1_city": "Ærøskøbing", "creditonhold": False},
    "Fabrikam, Inc.": {"creditlimit": Decimal("99999.99"), "address1_city": "Aarhus", "creditonhold": False},
}


@pytest.fixture
def customers(simulator: DataverseSimulator) -> dict[str, UUID]:
    created = {}
    for index, (name, columns) in enumerate(CUSTOMERS.items()):
        moment = datetime(2026, 11, 1 + index, 12, 0, tzinfo=UTC)
        created[name] = simulator.add_row("account", {"name": name, **columns, "modifiedon": moment})
    return created


async def names(api: httpx.AsyncClient, filter: str) -> list[str]:
    response = await api.get("accounts", params={"$select": "name", "$orderby": "name", "$filter": filter})
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()["value"]]


FILTERS = [
    ("name eq 'adatum corporation'", ["Adatum Corporation"]),
    ("name ne 'Adatum Corporation' and address1_city eq 'Aarhus'", ["Fabrikam, Inc."]),
    ("address1_city ne 'Aarhus'", ["Alpine Ski House", "Ærø Boats"]),
    ("creditlimit gt 7500.50", ["Adatum Corporation", "Fabrikam, Inc."]),
    ("creditlimit ge 7500.50 and creditlimit lt 50000", ["Alpine Ski House"]),
    ("creditlimit le 1200", ["O'Bryan Consulting"]),
    ("creditlimit eq null", ["Ærø Boats"]),
    ("address1_city ne null and not (address1_city eq 'Aarhus')", ["Alpine Ski House", "Ærø Boats"]),
    ("creditonhold eq true or name eq 'O''Bryan Consulting'", ["Alpine Ski House", "O'Bryan Consulting"]),
    ("contains(name, 'SKI')", ["Alpine Ski House"]),
    ("startswith(name,'a')", ["Adatum Corporation", "Alpine Ski House"]),
    ("endswith(name, 'inc.')", ["Fabrikam, Inc."]),
    ("contains(name, 'a_um')", ["Adatum Corporation"]),
    ("startswith(address1_city, 'ærø')", ["Ærø Boats"]),
    ("modifiedon gt 2026-11-03T12:00:00Z", ["Ærø Boats", "Fabrikam, Inc."]),
    ("modifiedon le 2026-11-02T12:00:00+00:00", ["Adatum Corporation", "Alpine Ski House"]),
]


@pytest.mark.parametrize(("expression", "expected"), FILTERS)
async def test_the_filter_subset(
    api: httpx.AsyncClient, customers: dict[str, UUID], expression: str, expected: list[str]
) -> None:
    assert await names(api, expression) == sorted(expected)


async def test_guid_literals_are_unquoted(api: httpx.AsyncClient, customers: dict[str, UUID]) -> None:
    adatum = customers["Adatum Corporation"]
    assert await names(api, f"accountid eq {adatum}") == ["Adatum Corporation"]


async def test_lookups_are_filtered_by_x_value(api: httpx.AsyncClient, simulator: DataverseSimulator) -> None:
    parent = simulator.add_row("account", {"name": "Adatum Holding"})
    simulator.add_row("account", {"name": "Adatum Denmark", "parentaccountid": Lookup("account", parent)})
    assert await names(api, f"_parentaccountid_value eq {parent}") == ["Adatum Denmark"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("$filter=name eq 5", "incompatible types"),
        ("$filter=colour eq 'blue'", "Could not find a property named 'colour'"),
        ("$filter=name eq 'unterminated", "Syntax error"),
        ("$filter=primarycontactid/fullname eq 'Ann'", "Navigation paths"),
        ("$select=name,colour", "Could not find a property named 'colour'"),
        ("$skip=10", "$skip is not supported"),
    ],
)
async def test_unsupported_or_invalid_queries_are_400(
    api: httpx.AsyncClient, query: str, message: str
) -> None:
    response = await api.get(f"accounts?{query}")
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


async def test_orderby_sorts_null_first_and_descending_by_request(
    api: httpx.AsyncClient, customers: dict[str, UUID]
) -> None:
    rows = (await api.get("accounts?$select=name&$orderby=creditlimit desc,name")).json()["value"]
    assert [row["name"] for row in rows][0] == "Fabrikam, Inc."
    rows = (await api.get("accounts?$select=name&$orderby=creditlimit")).json()["value"]
    assert [row["name"] for row in rows][0] == "Ærø Boats"


async def test_select_returns_the_key_always(api: httpx.AsyncClient, customers: dict[str, UUID]) -> None:
    row = (await api.get("accounts?$select=name&$top=1")).json()["value"][0]
    assert set(row) == {"@odata.etag", "accountid", "name"}


async def test_money_brings_the_currency_lookup_along(
    api: httpx.AsyncClient, customers: dict[str, UUID]
) -> None:
    row = (await api.get("accounts?$select=creditlimit&$top=1")).json()["value"][0]
    assert "_transactioncurrencyid_value" in row


async def test_count_is_returned_when_asked(api: httpx.AsyncClient, customers: dict[str, UUID]) -> None:
    body = (await api.get("accounts?$select=name&$count=true&$filter=address1_city eq 'Aarhus'")).json()
    assert body["@odata.count"] == 2


class TestPaging:
    async def test_maxpagesize_pages_with_next_links_until_the_last_page(
        self, api: httpx.AsyncClient, customers: dict[str, UUID]
    ) -> None:
        prefer = {"Prefer": "odata.maxpagesize=2"}
        response = await api.get("accounts?$select=name&$orderby=name", headers=prefer)
        assert response.headers["Preference-Applied"] == "odata.maxpagesize=2"
        seen, pages = [], 0
        body = response.json()
        while True:
            pages += 1
            seen += [row["name"] for row in body["value"]]
            if "@odata.nextLink" not in body:
                break
            assert "$skiptoken=" in body["@odata.nextLink"]
            body = (await api.get(body["@odata.nextLink"], headers=prefer)).json()
        assert pages == 3
        assert seen == sorted(CUSTOMERS)

    async def test_rows_changed_between_pages_are_neither_skipped_nor_repeated(
        self, api: httpx.AsyncClient, simulator: DataverseSimulator, customers: dict[str, UUID]
    ) -> None:
        prefer = {"Prefer": "odata.maxpagesize=2"}
        query = "accounts?$select=name&$orderby=modifiedon asc,accountid asc"
        first = (await api.get(query, headers=prefer)).json()
        simulator.update_row("account", customers["Adatum Corporation"], {"telephone1": "70 10 20 30"})
        rest: list[str] = []
        body = (await api.get(first["@odata.nextLink"], headers=prefer)).json()
        while True:
            rest += [row["name"] for row in body["value"]]
            if "@odata.nextLink" not in body:
                break
            body = (await api.get(body["@odata.nextLink"], headers=prefer)).json()
        read_first = [row["name"] for row in first["value"]]
        assert read_first == ["Adatum Corporation", "Alpine Ski House"]
        assert rest == ["O'Bryan Consulting", "Ærø Boats", "Fabrikam, Inc.", "Adatum Corporation"]

    async def test_top_is_ignored_next_to_a_page_size(
        self, api: httpx.AsyncClient, customers: dict[str, UUID]
    ) -> None:
        body = (
            await api.get("accounts?$select=name&$top=1", headers={"Prefer": "odata.maxpagesize=3"})
        ).json()
        assert len(body["value"]) == 3

    async def test_top_alone_caps_the_rows(self, api: httpx.AsyncClient, customers: dict[str, UUID]) -> None:
        body = (await api.get("accounts?$select=name&$top=2")).json()
        assert len(body["value"]) == 2
        assert "@odata.nextLink" not in body

    async def test_a_page_size_over_5000_is_400(self, api: httpx.AsyncClient) -> None:
        response = await api.get("accounts", headers={"Prefer": "odata.maxpagesize=5001"})
        assert response.status_code == 400


async def test_expand_returns_the_roles_of_users(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    me = (await api.get("WhoAmI")).json()["UserId"]
    user = (
        await api.get(f"systemusers({me})?$select=fullname&$expand=systemuserroles_association($select=name)")
    ).json()
    assert [role["name"] for role in user["systemuserroles_association"]] == ["System Administrator"]


async def test_expand_of_order_lines(api: httpx.AsyncClient, simulator: DataverseSimulator) -> None:
    order = simulator.add_row("salesorder", {"name": "SO-1001"})
    for quantity in (1, 2):
        simulator.add_row(
            "salesorderdetail",
            {
                "salesorderid": Lookup("salesorder", order),
                "quantity": Decimal(quantity),
                "priceperunit": Decimal("10.00"),
            },
        )
    body = (
        await api.get(
            f"salesorders({order})?$select=name&$expand=order_details($select=quantity,extendedamount)"
        )
    ).json()
    assert sorted(line["extendedamount"] for line in body["order_details"]) == [10, 20]
