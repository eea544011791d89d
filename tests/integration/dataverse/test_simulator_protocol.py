"""Simulator fidelity: writes, ETags and conditions, lookups, column access, errors
(reference §2.4-2.6, §2.9-2.10, §2.12, §5)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from uuid import uuid4

import httpx
import pytest

from adapters.dataverse.simulator import DataverseSimulator

ACCOUNT = {"name": "Adatum Corporation"}


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


async def create(api: httpx.AsyncClient, entity_set: str, body: Mapping[str, object]) -> str:
    response = await api.post(entity_set, json=body)
    assert response.status_code == 204, response.text
    match = re.search(r"\(([0-9a-f-]{36})\)$", response.headers["OData-EntityId"])
    assert match is not None
    return match.group(1)


class TestCreate:
    async def test_create_answers_204_with_the_new_rows_url(
        self, api: httpx.AsyncClient, crm_url: str
    ) -> None:
        response = await api.post("accounts", json=ACCOUNT)
        assert response.status_code == 204
        assert re.fullmatch(
            rf"{crm_url}/api/data/v9.2/accounts\([0-9a-f-]{{36}}\)", response.headers["OData-EntityId"]
        )
        assert response.content == b""

    async def test_return_representation_answers_201_with_the_row_and_no_entity_id(
        self, api: httpx.AsyncClient
    ) -> None:
        response = await api.post(
            "accounts?$select=name", json=ACCOUNT, headers={"Prefer": "return=representation"}
        )
        assert response.status_code == 201
        assert "OData-EntityId" not in response.headers
        assert response.headers["Preference-Applied"] == "return=representation"
        body = response.json()
        assert body["name"] == "Adatum Corporation"
        assert body["@odata.etag"].startswith('W/"')
        assert set(body) == {"@odata.context", "@odata.etag", "accountid", "name"}

    async def test_system_columns_are_maintained(self, api: httpx.AsyncClient) -> None:
        account = await create(api, "accounts", ACCOUNT)
        row = (
            await api.get(f"accounts({account})?$select=createdon,modifiedon,versionnumber,_modifiedby_value")
        ).json()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["modifiedon"])
        assert row["createdon"] == row["modifiedon"]
        assert row["@odata.etag"] == f'W/"{row["versionnumber"]}"'
        assert row["_modifiedby_value"] == (await api.get("WhoAmI")).json()["UserId"]


class TestEtags:
    async def test_every_write_advances_the_etag(self, api: httpx.AsyncClient) -> None:
        account = await create(api, "accounts", ACCOUNT)
        first = (await api.get(f"accounts({account})")).json()["@odata.etag"]
        await api.patch(f"accounts({account})", json={"telephone1": "70 10 20 30"})
        second = (await api.get(f"accounts({account})")).json()["@odata.etag"]
        assert int(second[3:-1]) > int(first[3:-1])

    async def test_if_match_with_an_old_etag_is_412_concurrency_mismatch(
        self, api: httpx.AsyncClient
    ) -> None:
        account = await create(api, "accounts", ACCOUNT)
        etag = (await api.get(f"accounts({account})")).json()["@odata.etag"]
        await api.patch(f"accounts({account})", json={"name": "Adatum Corp."})
        response = await api.patch(f"accounts({account})", json={"name": "Stale"}, headers={"If-Match": etag})
        assert error_of(response) == (412, "0x80060882")
        assert response.json()["error"]["message"] == (
            "The version of the existing record doesn't match the RowVersion property provided."
        )

    async def test_delete_with_an_old_etag_is_412(self, api: httpx.AsyncClient) -> None:
        account = await create(api, "accounts", ACCOUNT)
        response = await api.delete(f"accounts({account})", headers={"If-Match": 'W/"1"'})
        assert response.status_code == 412

    async def test_if_match_star_on_a_missing_row_is_404_and_creates_nothing(
        self, api: httpx.AsyncClient
    ) -> None:
        ghost = uuid4()
        response = await api.patch(f"accounts({ghost})", json=ACCOUNT, headers={"If-Match": "*"})
        assert error_of(response) == (404, "0x80040217")
        assert response.json()["error"]["message"] == f"account With Id = {ghost} Does Not Exist"
        assert (await api.get(f"accounts({ghost})")).status_code == 404

    async def test_patch_without_conditions_is_an_upsert(self, api: httpx.AsyncClient) -> None:
        chosen = uuid4()
        prefer = {"Prefer": "return=representation"}
        assert (await api.patch(f"accounts({chosen})", json=ACCOUNT, headers=prefer)).status_code == 201
        assert (await api.patch(f"accounts({chosen})", json=ACCOUNT, headers=prefer)).status_code == 200
        plain = await api.patch(f"accounts({chosen})", json=ACCOUNT)
        assert plain.status_code == 204
        assert plain.headers["OData-EntityId"].endswith(f"accounts({chosen})")

    async def test_if_none_match_star_on_an_existing_row_is_412_duplicate(
        self, api: httpx.AsyncClient
    ) -> None:
        account = await create(api, "accounts", ACCOUNT)
        response = await api.patch(f"accounts({account})", json=ACCOUNT, headers={"If-None-Match": "*"})
        assert error_of(response) == (412, "0x80040237")

    async def test_a_get_with_the_current_etag_is_304(self, api: httpx.AsyncClient) -> None:
        account = await create(api, "accounts", ACCOUNT)
        etag = (await api.get(f"accounts({account})")).json()["@odata.etag"]
        assert (await api.get(f"accounts({account})", headers={"If-None-Match": etag})).status_code == 304
        assert (await api.get(f"accounts({account})", headers={"If-None-Match": "null"})).status_code == 200


class TestLookups:
    async def test_lookups_are_bound_and_read_back_as_x_value_with_annotations(
        self, api: httpx.AsyncClient
    ) -> None:
        account = await create(api, "accounts", ACCOUNT)
        contact = await create(
            api,
            "contacts",
            {"lastname": "Beebe", "parentcustomerid_account@odata.bind": f"/accounts({account})"},
        )
        prefer = {"Prefer": 'odata.include-annotations="*"'}
        row = (await api.get(f"contacts({contact})?$select=_parentcustomerid_value", headers=prefer)).json()
        assert row["_parentcustomerid_value"] == account
        assert row["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] == "account"
        assert row["_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"] == (
            "parentcustomerid_account"
        )
        assert (
            row["_parentcustomerid_value@OData.Community.Display.V1.FormattedValue"] == "Adatum Corporation"
        )

    async def test_a_bind_without_the_leading_slash_is_accepted(self, api: httpx.AsyncClient) -> None:
        account = await create(api, "accounts", ACCOUNT)
        await create(api, "accounts", {"name": "Child", "parentaccountid@odata.bind": f"accounts({account})"})

    @pytest.mark.parametrize("key", ["_parentaccountid_value", "parentaccountid"])
    async def test_writing_a_lookup_value_directly_is_400(self, api: httpx.AsyncClient, key: str) -> None:
        account = await create(api, "accounts", ACCOUNT)
        response = await api.post("accounts", json={"name": "Child", key: account})
        assert error_of(response) == (400, "0x80060888")
        assert "Use Navigation properties instead" in response.json()["error"]["message"]

    async def test_a_bind_to_an_unknown_navigation_property_is_400(self, api: httpx.AsyncClient) -> None:
        account = await create(api, "accounts", ACCOUNT)
        response = await api.post(
            "accounts", json={"name": "Child", "ParentAccountId@odata.bind": f"/accounts({account})"}
        )
        assert response.status_code == 400
        assert "undeclared property 'ParentAccountId'" in response.json()["error"]["message"]

    async def test_a_lookup_cleared_with_null_reads_as_null(self, api: httpx.AsyncClient) -> None:
        parent = await create(api, "accounts", ACCOUNT)
        child = await create(
            api, "accounts", {"name": "Child", "parentaccountid@odata.bind": f"/accounts({parent})"}
        )
        await api.patch(f"accounts({child})", json={"parentaccountid@odata.bind": None})
        assert (await api.get(f"accounts({child})?$select=_parentaccountid_value")).json()[
            "_parentaccountid_value"
        ] is None

    async def test_deleting_a_referenced_row_clears_the_lookups_to_it(self, api: httpx.AsyncClient) -> None:
        parent = await create(api, "accounts", ACCOUNT)
        child = await create(
            api, "accounts", {"name": "Child", "parentaccountid@odata.bind": f"/accounts({parent})"}
        )
        assert (await api.delete(f"accounts({parent})")).status_code == 204
        assert (await api.get(f"accounts({child})?$select=_parentaccountid_value")).json()[
            "_parentaccountid_value"
        ] is None


class TestColumnAccess:
    async def test_statecode_cannot_be_set_on_create(self, api: httpx.AsyncClient) -> None:
        response = await api.post("salesorders", json={"name": "SO-1001", "statecode": 1})
        assert response.status_code == 400
        assert "'statecode'" in response.json()["error"]["message"]

    async def test_statecode_can_be_set_on_update_and_brings_its_default_status(
        self, api: httpx.AsyncClient
    ) -> None:
        order = await create(api, "salesorders", {"name": "SO-1001"})
        assert (await api.patch(f"salesorders({order})", json={"statecode": 1})).status_code == 204
        row = (await api.get(f"salesorders({order})?$select=statecode,statuscode")).json()
        assert (row["statecode"], row["statuscode"]) == (1, 3)

    async def test_a_status_of_another_state_is_400(self, api: httpx.AsyncClient) -> None:
        order = await create(api, "salesorders", {"name": "SO-1001"})
        response = await api.patch(f"salesorders({order})", json={"statecode": 1, "statuscode": 100003})
        assert response.status_code == 400

    async def test_a_create_only_column_cannot_be_updated(
        self, api: httpx.AsyncClient, simulator: DataverseSimulator
    ) -> None:
        order = await create(api, "salesorders", {"name": "SO-1001"})
        other = simulator.add_row(
            "transactioncurrency",
            {
                "isocurrencycode": "EUR",
                "currencyname": "Euro",
                "currencysymbol": "€",
                "currencyprecision": 2,
                "exchangerate": Decimal("0.134"),
            },
        )
        response = await api.patch(
            f"salesorders({order})",
            json={"transactioncurrencyid@odata.bind": f"/transactioncurrencies({other})"},
        )
        assert response.status_code == 400
        assert "IsValidForUpdate" in response.json()["error"]["message"]

    async def test_read_only_columns_are_refused(self, api: httpx.AsyncClient) -> None:
        response = await api.post("accounts", json={"name": "Adatum Corporation", "versionnumber": 7})
        assert response.status_code == 400

    async def test_an_unknown_property_is_400(self, api: httpx.AsyncClient) -> None:
        response = await api.post("accounts", json={"name": "Adatum Corporation", "new_colour": "blue"})
        assert response.status_code == 400
        assert "The property 'new_colour' does not exist" in response.json()["error"]["message"]

    async def test_a_wrong_json_type_is_400(self, api: httpx.AsyncClient) -> None:
        response = await api.post("accounts", json={"name": "Adatum Corporation", "creditlimit": "lots"})
        assert response.status_code == 400
        assert "Edm.Decimal" in response.json()["error"]["message"]

    async def test_text_longer_than_the_column_is_a_validation_error(self, api: httpx.AsyncClient) -> None:
        response = await api.post("accounts", json={"name": "Adatum Corporation", "accountnumber": "C" * 21})
        assert error_of(response) == (400, "0x80044331")
        assert "exceeded the maximum allowed length of '20'" in response.json()["error"]["message"]

    async def test_a_system_required_column_cannot_be_missing(self, api: httpx.AsyncClient) -> None:
        response = await api.post("products", json={"name": "Bicycle"})
        assert error_of(response) == (400, "0x80040200")

    async def test_money_keeps_every_digit(self, api: httpx.AsyncClient) -> None:
        account = await create(api, "accounts", {"name": "Adatum Corporation", "creditlimit": 12345678901.99})
        text = (await api.get(f"accounts({account})?$select=creditlimit")).text
        assert '"creditlimit":12345678901.99' in text
