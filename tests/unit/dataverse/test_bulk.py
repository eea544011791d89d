"""Bulk messages from the client's side: chunks, row-by-row isolation of bad data,
and safe repetition when every row has a chosen id."""

from __future__ import annotations

import json
from uuid import uuid4

import httpx
import pytest

from adapters.dataverse import CrmPermissionError
from domain.crm import NewRow, RowChange
from tests.unit.dataverse.fakes import FakeDataverse, client, error, no_content


def ids_of(request: httpx.Request) -> httpx.Response:
    targets = json.loads(request.content)["Targets"]
    return httpx.Response(200, json={"Ids": [t.get("accountid") or str(uuid4()) for t in targets]})


async def test_rows_go_in_chunks_of_the_configured_size_with_their_type() -> None:
    fake = FakeDataverse().answer(ids_of, ids_of, ids_of)
    async with client(fake, bulk_chunk_size=2) as crm:
        result = await crm.create_multiple("account", [NewRow({"name": f"Customer {n}"}) for n in range(5)])
    assert len(result.ids) == 5
    assert [len(fake.body(i)["Targets"]) for i in range(3)] == [2, 2, 1]
    assert fake.api_requests[0].url.path.endswith("/accounts/Microsoft.Dynamics.CRM.CreateMultiple")
    assert fake.body(0)["Targets"][0]["@odata.type"] == "Microsoft.Dynamics.CRM.account"


async def test_a_chunk_refused_for_its_data_is_written_row_by_row() -> None:
    bad = error(400, "0x80044331", "The length of the 'name' attribute exceeded the maximum")
    fake = FakeDataverse().answer(bad, no_content(str(uuid4())), bad, no_content(str(uuid4())))
    async with client(fake) as crm:
        result = await crm.create_multiple(
            "account", [NewRow({"name": "A"}), NewRow({"name": "x" * 161}), NewRow({"name": "C"})]
        )
    assert len(result.ids) == 2
    assert [(f.index, f.error.code) for f in result.failures] == [(1, "0x80044331")]


async def test_a_permission_error_is_raised_not_split() -> None:
    fake = FakeDataverse().answer(error(403, "0x80048405", "Access is denied."))
    async with client(fake) as crm:
        with pytest.raises(CrmPermissionError):
            await crm.update_multiple("account", [RowChange(uuid4(), {"name": "A"})])
    assert len(fake.api_requests) == 1


async def test_chosen_ids_that_landed_before_a_timeout_count_as_created() -> None:
    chosen = [uuid4(), uuid4()]
    fake = FakeDataverse().answer(httpx.ReadTimeout("slow"), error(412, "0x80040237", "duplicate"))
    async with client(fake) as crm:
        result = await crm.create_multiple(
            "account", [NewRow({"name": "A"}, id=chosen[0]), NewRow({"name": "B"}, id=chosen[1])]
        )
    assert result.ids == chosen
    assert result.failures == []


async def test_upsert_multiple_addresses_each_target_by_its_key() -> None:
    key = uuid4()
    fake = FakeDataverse().answer(no_content())
    async with client(fake) as crm:
        await crm.upsert_multiple("account", [RowChange(key, {"name": "Adatum Corporation"})])
    target = fake.body()["Targets"][0]
    assert target["@odata.id"] == f"accounts({key})"
    assert target["accountid"] == str(key)
