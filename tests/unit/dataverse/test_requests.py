"""What goes over the wire: headers per the reference, conditional writes, paging."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

import httpx
import pytest

from adapters.dataverse import CrmValidationError
from tests.unit.dataverse.fakes import URL, FakeDataverse, account_json, client, no_content

ADATUM = UUID("7f6c5e8a-1b2c-4d3e-9f00-0a1b2c3d4e5f")
API = f"{URL}/api/data/v9.2/"


def page(rows: int, next_link: str | None = None) -> httpx.Response:
    body: dict[str, object] = {
        "value": [account_json(accountid=str(uuid4()), name=f"A{i}") for i in range(rows)]
    }
    if next_link:
        body["@odata.nextLink"] = next_link
    return httpx.Response(200, json=body)


def query_of(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(request.url)).query)


async def test_a_read_sends_the_odata_headers_and_if_none_match_null() -> None:
    fake = FakeDataverse().answer(httpx.Response(200, json=account_json(name="Adatum Corporation")))
    async with client(fake) as crm:
        await crm.get("account", ADATUM, ["name", "parentaccountid"])
    request = fake.api_requests[0]
    assert str(request.url).startswith(f"{API}accounts({ADATUM})?")
    assert query_of(request)["$select"] == [
        "accountid,modifiedon,_modifiedby_value,name,_parentaccountid_value"
    ]
    for name, value in {
        "Accept": "application/json",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
        "If-None-Match": "null",
    }.items():
        assert request.headers[name] == value
    assert "Microsoft.Dynamics.CRM.lookuplogicalname" in request.headers["Prefer"]


async def test_a_write_sends_json_and_no_if_none_match() -> None:
    fake = FakeDataverse().answer(no_content(str(ADATUM)))
    async with client(fake) as crm:
        await crm.create("account", {"name": "Adatum Corporation"})
    request = fake.api_requests[0]
    assert request.headers["Content-Type"].startswith("application/json")
    assert "If-None-Match" not in request.headers


async def test_create_returns_the_id_in_odata_entityid_and_sends_a_chosen_key() -> None:
    fake = FakeDataverse().answer(no_content(str(ADATUM)))
    async with client(fake) as crm:
        created = await crm.create("account", {"name": "Adatum Corporation"}, id=ADATUM)
    assert created == ADATUM
    assert fake.body() == {"name": "Adatum Corporation", "accountid": str(ADATUM)}


async def test_update_never_creates_if_match_star_without_an_etag() -> None:
    fake = FakeDataverse().answer(no_content())
    async with client(fake) as crm:
        await crm.update("account", ADATUM, {"name": "Adatum Corp."})
    assert fake.api_requests[0].method == "PATCH"
    assert fake.api_requests[0].headers["If-Match"] == "*"
    assert fake.body() == {"name": "Adatum Corp."}


async def test_update_with_an_etag_sends_it_in_if_match() -> None:
    fake = FakeDataverse().answer(no_content())
    async with client(fake) as crm:
        await crm.update("account", ADATUM, {"name": "Adatum Corp."}, etag='W/"1001"')
    assert fake.api_requests[0].headers["If-Match"] == 'W/"1001"'


async def test_upsert_is_a_patch_without_if_match_and_201_means_created() -> None:
    fake = FakeDataverse().answer(
        httpx.Response(201, json=account_json()), httpx.Response(200, json=account_json())
    )
    async with client(fake) as crm:
        assert await crm.upsert("account", ADATUM, {"name": "Adatum Corporation"}) is True
        assert await crm.upsert("account", ADATUM, {"name": "Adatum Corporation"}) is False
    request = fake.api_requests[0]
    assert "If-Match" not in request.headers
    assert request.headers["Prefer"] == "return=representation"


async def test_pages_follow_next_link_as_given_with_the_same_page_size() -> None:
    next_link = f"{API}accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E"
    fake = FakeDataverse().answer(page(2, next_link), page(1))
    async with client(fake) as crm:
        pages = [len(rows) async for rows in crm.query("account", select=["name"], page_size=2)]
    assert pages == [2, 1]
    assert str(fake.api_requests[1].url) == next_link
    assert [r.headers["Prefer"].split(",")[0] for r in fake.api_requests] == ["odata.maxpagesize=2"] * 2


async def test_a_repeated_next_link_stops_paging_with_an_error() -> None:
    loop = f"{API}accounts?$skiptoken=same"
    fake = FakeDataverse().answer(page(1, loop), page(1, loop))
    async with client(fake) as crm:
        with pytest.raises(CrmValidationError, match="same nextLink twice"):
            async for _ in crm.query("account"):
                pass


async def test_top_within_one_page_is_sent_as_top_without_a_page_size() -> None:
    fake = FakeDataverse().answer(page(3))
    async with client(fake) as crm:
        rows = [row async for rows in crm.query("account", top=3, orderby=["name desc"]) for row in rows]
    request = fake.api_requests[0]
    assert len(rows) == 3
    assert query_of(request)["$top"] == ["3"]
    assert query_of(request)["$orderby"] == ["name desc"]
    assert "odata.maxpagesize" not in request.headers["Prefer"]


async def test_changed_since_filters_on_modifiedon_and_orders_by_modifiedon_then_key() -> None:
    from datetime import UTC, datetime

    fake = FakeDataverse().answer(page(1))
    async with client(fake) as crm:
        since = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        [_ async for _ in crm.changed_since("account", since, filter="statecode eq 0")]
    query = query_of(fake.api_requests[0])
    assert query["$filter"] == ["modifiedon gt 2026-11-23T08:00:00Z and (statecode eq 0)"]
    assert query["$orderby"] == ["modifiedon asc,accountid asc"]


async def test_many_ids_are_split_so_every_url_stays_under_the_limit() -> None:
    ids = [uuid4() for _ in range(40)]
    fake = FakeDataverse().answer(*[page(0) for _ in range(40)])
    async with client(fake, max_url_length=1200) as crm:
        await crm.get_many("account", ids)
    assert len(fake.api_requests) > 1
    assert all(len(str(request.url)) <= 1200 for request in fake.api_requests)
    asked = {
        part.split(" eq ")[1] for r in fake.api_requests for part in query_of(r)["$filter"][0].split(" or ")
    }
    assert asked == {str(i) for i in ids}
