"""Sales-specific behaviour the reference documents (§5), applied around writes:
defaults, computed columns and the sales error codes.

* statecode starts at 0, except products, which start as Draft (state 2, status 0):
  whether an org creates products active is an org setting the reference does not
  settle, and Draft is what Business Central's integration table assumes.
* fullname of contacts and users = "first last" (read-only).
* salesorder: ``ordernumber`` auto-numbered (``ORD-01000-…``) when not given; the
  currency comes from the price list, else the base currency.
* salesorderdetail: currency, owner and price-lock mirror the order; ``productname``
  copies the product; ``baseamount`` = quantity × priceperunit and ``extendedamount``
  = baseamount − manualdiscountamount + tax (volume discounts are not simulated).
* uomschedule: creating one creates its base unit (``baseuomname``, default "Primary Unit").
* product: ``productnumber`` unique (0x80043B06); the unit group cannot change (0x800422FE).
* productpricelevel: currency from the price list; one price per product and unit per
  price list (0x80043b08).
* transactioncurrency: ISO code unique (0x80048cf3).
* money rows without a currency get the base currency; ``exchangerate`` follows the currency.
The HTTP status of the sales codes is not in the reference; the simulator uses 400."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from adapters.dataverse.simulator._errors import (
    DUPLICATE_CURRENCY,
    DUPLICATE_PRICE,
    PRODUCT_NUMBER_EXISTS,
    UNIT_GROUP_FIXED,
    DataverseFault,
)
from adapters.dataverse.simulator._metadata import EntityMeta, Kind
from adapters.dataverse.simulator._org import Organization
from adapters.dataverse.simulator._store import quote

if TYPE_CHECKING:
    from adapters.dataverse.simulator._records import Records

_AUTONUMBER_ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ"


def initial_state(meta: EntityMeta) -> int:
    return 2 if meta.logical_name == "product" else 0


def default_status(meta: EntityMeta, state: int) -> int:
    column = meta.columns["statuscode"]
    states = column.status_states or {}
    return min(status for status, owner in states.items() if owner == state)


def before_create(org: Organization, meta: EntityMeta, row: dict[str, Any]) -> None:
    name = meta.logical_name
    if name in ("systemuser", "role") and row.get("businessunitid") is None:
        _set_lookup(row, "businessunitid", org.setting("businessunitid"), "businessunit")
    if name == "transactioncurrency":
        if row.get("currencytype") is None:
            row["currencytype"] = 1
        _unique(
            org, meta, row, "isocurrencycode", DUPLICATE_CURRENCY, "A currency with this ISO code exists."
        )
    if name == "product":
        row["productstructure"] = row.get("productstructure") or 1
        row["quantitydecimal"] = row.get("quantitydecimal") or 0
        _unique(org, meta, row, "productnumber", PRODUCT_NUMBER_EXISTS, _PRODUCT_NUMBER_MESSAGE)
    if name == "uom":
        row["quantity"] = row.get("quantity") or "1"
        row["isschedulebaseuom"] = row.get("isschedulebaseuom") or 0
        if row.get("baseuom") is None:
            base = _base_unit(org, row["uomscheduleid"]) if row.get("uomscheduleid") else None
            _set_lookup(row, "baseuom", base, "uom")
    if name == "salesorder":
        row["ordernumber"] = row.get("ordernumber") or _order_number(org)
        if row.get("transactioncurrencyid") is None and row.get("pricelevelid"):
            price_list = _get(org, "pricelevel", row["pricelevelid"])
            _set_lookup(
                row, "transactioncurrencyid", price_list.get("transactioncurrencyid"), "transactioncurrency"
            )
    if name == "productpricelevel":
        price_list = _get(org, "pricelevel", row["pricelevelid"]) if row.get("pricelevelid") else {}
        _set_lookup(
            row, "transactioncurrencyid", price_list.get("transactioncurrencyid"), "transactioncurrency"
        )
        product = _get(org, "product", row["productid"]) if row.get("productid") else {}
        row["productnumber"] = product.get("productnumber")
        row["pricingmethodcode"] = row.get("pricingmethodcode") or 1
        row["quantitysellingcode"] = row.get("quantitysellingcode") or 1
        _unique_price(org, meta, row)
    if name == "salesorderdetail":
        row["isproductoverridden"] = row.get("isproductoverridden") or 0
        row["producttypecode"] = row.get("producttypecode") or 1
        order = _get(org, "salesorder", row["salesorderid"]) if row.get("salesorderid") else {}
        _set_lookup(row, "transactioncurrencyid", order.get("transactioncurrencyid"), "transactioncurrency")
        if order.get("ownerid"):
            _set_lookup(row, "ownerid", order["ownerid"], order.get("ownerid__type") or "systemuser")
        row["salesorderispricelocked"] = order.get("ispricelocked") or 0
    _full_name(meta, row, row)
    _line_amounts(org, meta, row, row)
    _currency(org, meta, row)


def after_create(
    org: Organization, records: Records, meta: EntityMeta, row: dict[str, Any], user_id: str
) -> None:
    if meta.logical_name != "uomschedule":
        return
    unit_id = str(uuid.uuid4())
    values = {
        "name": row.get("baseuomname") or "Primary Unit",
        "uomscheduleid": row["uomscheduleid"],
        "uomscheduleid__type": "uomschedule",
        "quantity": "1",
        "isschedulebaseuom": 1,
        "baseuom": unit_id,
        "baseuom__type": "uom",
    }
    records.insert(org.entities["uom"], unit_id, values, user_id)


def before_update(org: Organization, meta: EntityMeta, row: dict[str, Any], changed: dict[str, Any]) -> None:
    name = meta.logical_name
    merged = {**row, **changed}
    if name == "product":
        if "defaultuomscheduleid" in changed and row.get("defaultuomscheduleid") not in (
            None,
            merged["defaultuomscheduleid"],
        ):
            raise DataverseFault(400, UNIT_GROUP_FIXED, _UNIT_GROUP_MESSAGE)
        if "productnumber" in changed:
            _unique(org, meta, merged, "productnumber", PRODUCT_NUMBER_EXISTS, _PRODUCT_NUMBER_MESSAGE)
    _full_name(meta, merged, changed)
    _line_amounts(org, meta, merged, changed)
    if "transactioncurrencyid" in changed:
        _currency(org, meta, changed)


_PRODUCT_NUMBER_MESSAGE = (
    "The specified product ID conflicts with the product ID of an existing record. "
    "Specify a different product ID."
)
_UNIT_GROUP_MESSAGE = (
    "Please update only the unit. The unit group can't be updated once the product is created."
)


def _get(org: Organization, entity: str, row_id: str) -> dict[str, Any]:
    return org.store.get(org.entities[entity], row_id) or {}


def _set_lookup(row: dict[str, Any], name: str, value: str | None, target: str) -> None:
    row[name] = value
    row[f"{name}__type"] = target if value is not None else None


def _unique(
    org: Organization, meta: EntityMeta, row: dict[str, Any], column: str, code: str, message: str
) -> None:
    value = row.get(column)
    if value is None:
        return
    clash = org.store.scalar(
        f"SELECT 1 FROM {quote(meta.logical_name)} WHERE {quote(column)} = ? COLLATE DV "
        f"AND {quote(meta.primary_id)} <> ?",
        [value, row[meta.primary_id]],
    )
    if clash is not None:
        raise DataverseFault(400, code, message)


def _unique_price(org: Organization, meta: EntityMeta, row: dict[str, Any]) -> None:
    clash = org.store.scalar(
        "SELECT 1 FROM productpricelevel WHERE pricelevelid = ? AND productid = ? AND uomid IS ?",
        [row.get("pricelevelid"), row.get("productid"), row.get("uomid")],
    )
    if clash is not None:
        raise DataverseFault(
            400, DUPLICATE_PRICE, "This product and unit combination has a price for this price list."
        )


def _base_unit(org: Organization, schedule_id: str) -> str | None:
    value = org.store.scalar(
        "SELECT uomid FROM uom WHERE uomscheduleid = ? AND isschedulebaseuom = 1", [schedule_id]
    )
    return None if value is None else str(value)


def _order_number(org: Organization) -> str:
    number = org.store.next_number("ordernumber", 1000)
    suffix = "".join(secrets.choice(_AUTONUMBER_ALPHABET) for _ in range(6))
    return f"ORD-{number:05d}-{suffix}"


def _full_name(meta: EntityMeta, merged: dict[str, Any], changed: dict[str, Any]) -> None:
    if meta.logical_name in ("contact", "systemuser") and ({"firstname", "lastname"} & changed.keys()):
        parts = [merged.get("firstname"), merged.get("lastname")]
        changed["fullname"] = " ".join(part for part in parts if part) or None


def _line_amounts(
    org: Organization, meta: EntityMeta, merged: dict[str, Any], changed: dict[str, Any]
) -> None:
    if meta.logical_name != "salesorderdetail":
        return
    if "productid" in changed:
        product = _get(org, "product", merged["productid"]) if merged.get("productid") else {}
        changed["productname"] = product.get("name")
    amount = {
        key: Decimal(str(merged.get(key) or 0))
        for key in ("quantity", "priceperunit", "manualdiscountamount", "tax")
    }
    base = amount["quantity"] * amount["priceperunit"]
    changed["baseamount"] = format(base, "f")
    changed["extendedamount"] = format(base - amount["manualdiscountamount"] + amount["tax"], "f")


def _currency(org: Organization, meta: EntityMeta, row: dict[str, Any]) -> None:
    currency_column = meta.column("transactioncurrencyid")
    if currency_column is None or not currency_column.is_lookup:
        return
    money = any(
        column.kind is Kind.MONEY and row.get(column.name) is not None for column in meta.columns.values()
    )
    if row.get("transactioncurrencyid") is None and (
        money or meta.logical_name in ("pricelevel", "salesorder")
    ):
        _set_lookup(row, "transactioncurrencyid", org.setting("basecurrencyid"), "transactioncurrency")
    if "exchangerate" in meta.columns and row.get("transactioncurrencyid"):
        currency = _get(org, "transactioncurrency", row["transactioncurrencyid"])
        row["exchangerate"] = currency.get("exchangerate")
