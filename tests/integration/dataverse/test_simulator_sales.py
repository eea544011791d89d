"""Sales behaviour the reference documents (§5): unit groups, products, price lists,
orders and their lines."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from adapters.dataverse.simulator import DataverseSimulator
from domain.crm import Lookup


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


@pytest.fixture
def unit_group(simulator: DataverseSimulator) -> tuple[Lookup, Lookup]:
    group = simulator.add_row("uomschedule", {"name": "PCS", "baseuomname": "PCS"})
    base = next(u for u in simulator.rows("uom") if u["uomscheduleid"] == Lookup("uomschedule", group))
    return Lookup("uomschedule", group), Lookup("uom", base["uomid"])


def test_a_new_unit_group_brings_its_base_unit(simulator: DataverseSimulator) -> None:
    group = simulator.add_row("uomschedule", {"name": "Boxes", "baseuomname": "BOX"})
    units = [u for u in simulator.rows("uom") if u["uomscheduleid"] == Lookup("uomschedule", group)]
    assert [(u["name"], u["isschedulebaseuom"], u["quantity"]) for u in units] == [
        ("BOX", True, Decimal("1"))
    ]
    assert units[0]["baseuom"] == Lookup("uom", units[0]["uomid"])


def test_the_seeded_org_has_a_default_unit_group_and_base_currency(simulator: DataverseSimulator) -> None:
    assert [g["name"] for g in simulator.rows("uomschedule")] == ["Default Unit"]
    currencies = simulator.rows("transactioncurrency")
    assert [(c["isocurrencycode"], c["currencyname"], c["exchangerate"]) for c in currencies] == [
        ("DKK", "Danish Krone", Decimal("1"))
    ]


async def test_a_product_starts_as_a_draft(api: httpx.AsyncClient, unit_group: tuple[Lookup, Lookup]) -> None:
    group, unit = unit_group
    body = {
        "name": "Bicycle",
        "productnumber": "1000",
        "defaultuomscheduleid@odata.bind": f"/uomschedules({group.id})",
        "defaultuomid@odata.bind": f"/uoms({unit.id})",
    }
    created = await api.post(
        "products?$select=statecode,statuscode", json=body, headers={"Prefer": "return=representation"}
    )
    assert (created.json()["statecode"], created.json()["statuscode"]) == (2, 0)


async def test_product_numbers_are_unique(api: httpx.AsyncClient) -> None:
    assert (await api.post("products", json={"name": "Bicycle", "productnumber": "1000"})).status_code == 204
    duplicate = await api.post("products", json={"name": "Tandem", "productnumber": "1000"})
    assert error_code(duplicate) == "0x80043b06"


async def test_a_products_unit_group_cannot_change(
    api: httpx.AsyncClient, simulator: DataverseSimulator, unit_group: tuple[Lookup, Lookup]
) -> None:
    group, _ = unit_group
    product = simulator.add_row(
        "product", {"name": "Bicycle", "productnumber": "1000", "defaultuomscheduleid": group}
    )
    other = simulator.add_row("uomschedule", {"name": "Boxes", "baseuomname": "BOX"})
    response = await api.patch(
        f"products({product})", json={"defaultuomscheduleid@odata.bind": f"/uomschedules({other})"}
    )
    assert error_code(response) == "0x800422fe"


async def test_a_price_list_item_takes_the_price_lists_currency_and_is_unique(
    api: httpx.AsyncClient, simulator: DataverseSimulator, unit_group: tuple[Lookup, Lookup]
) -> None:
    _, unit = unit_group
    price_list = simulator.add_row("pricelevel", {"name": "RETAIL"})
    product = simulator.add_row("product", {"name": "Bicycle", "productnumber": "1000"})
    body = {
        "pricelevelid@odata.bind": f"/pricelevels({price_list})",
        "productid@odata.bind": f"/products({product})",
        "uomid@odata.bind": f"/uoms({unit.id})",
        "amount": 4000,
    }
    first = await api.post(
        "productpricelevels?$select=_transactioncurrencyid_value,productnumber",
        json=body,
        headers={"Prefer": "return=representation"},
    )
    assert first.json()["_transactioncurrencyid_value"] == str(simulator.base_currency_id)
    assert first.json()["productnumber"] == "1000"
    assert error_code(await api.post("productpricelevels", json=body)) == "0x80043b08"


async def test_an_order_is_numbered_and_its_lines_are_priced(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    order = (
        await api.post(
            "salesorders?$select=ordernumber",
            json={"name": "Bikes for Adatum"},
            headers={"Prefer": "return=representation"},
        )
    ).json()
    assert order["ordernumber"].startswith("ORD-01000-")
    line = await api.post(
        "salesorderdetails?$select=baseamount,extendedamount",
        json={
            "salesorderid@odata.bind": f"/salesorders({order['salesorderid']})",
            "quantity": 3,
            "priceperunit": 250.5,
            "manualdiscountamount": 1.5,
            "productdescription": "Bicycle",
        },
        headers={"Prefer": "return=representation"},
    )
    assert (line.json()["baseamount"], line.json()["extendedamount"]) == (751.5, 750)


async def test_order_totals_cannot_be_set_on_create(api: httpx.AsyncClient) -> None:
    response = await api.post("salesorders", json={"name": "SO-1001", "totalamount": 100})
    assert response.status_code == 400


async def test_deleting_an_order_deletes_its_lines(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    order = simulator.add_row("salesorder", {"name": "SO-1001"})
    simulator.add_row(
        "salesorderdetail", {"salesorderid": Lookup("salesorder", order), "quantity": Decimal(1)}
    )
    assert (await api.delete(f"salesorders({order})")).status_code == 204
    assert simulator.rows("salesorderdetail") == []


async def test_currency_codes_are_unique(api: httpx.AsyncClient) -> None:
    body = {
        "isocurrencycode": "DKK",
        "currencyname": "Krone",
        "currencysymbol": "kr",
        "currencyprecision": 2,
        "exchangerate": 1,
    }
    assert error_code(await api.post("transactioncurrencies", json=body)) == "0x80048cf3"
