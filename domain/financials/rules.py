"""Table-specific rules of Financials writes (the parts the declarations
cannot say): defaults taken from other records, cross-field checks, and the
unit-of-measure invariants of items and resources.

A rule reads and amends the `WriteContext` of one upsert and appends the
problems it finds; the service refuses the write when any were found."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.errors import ErrorCode, FieldError
from domain.financials.enums import SalesLineType, SalesType
from domain.financials.ports import ErpStore
from domain.financials.records import ErpRecord
from domain.financials.tables import TableSpec, table

PRICE_PLACES = Decimal("0.00001")


@dataclass
class WriteContext:
    """The state of one upsert while rules run."""

    store: ErpStore
    spec: TableSpec
    values: dict[str, object]
    existing: ErpRecord | None
    given: dict[str, object]
    children: dict[str, list[dict[str, object]]]
    today: date
    errors: list[FieldError] = field(default_factory=list)

    def fail(self, path: str | None, message: str, code: ErrorCode) -> None:
        self.errors.append(FieldError(path, message, code))

    def changed(self, name: str) -> bool:
        return self.existing is None or self.existing.get(name) != self.values.get(name)


Rule = Callable[[WriteContext], Awaitable[None]]


async def currency_rule(ctx: WriteContext) -> None:
    if ctx.values.get("symbol") is None:
        ctx.values["symbol"] = ctx.values.get("code")  # as BC does for the CRM's required symbol
    if ctx.values.get("is_local"):
        if "exchange_rate" in ctx.given and ctx.given["exchange_rate"] != Decimal(1):
            ctx.fail("exchange_rate", "the local currency's exchange rate is 1", ErrorCode.INVALID_VALUE)
        ctx.values["exchange_rate"] = Decimal(1)


async def contact_rule(ctx: WriteContext) -> None:
    if ctx.values.get("first_name") is None and ctx.values.get("last_name") is None:
        ctx.fail("last_name", "a contact needs a first or last name", ErrorCode.REQUIRED)


async def customer_rule(ctx: WriteContext) -> None:
    contact_no = ctx.values.get("primary_contact_no")
    if contact_no is None or not ctx.changed("primary_contact_no"):
        return
    contact = await ctx.store.get(table("contact"), {"no": contact_no})
    if contact is not None and contact.get("company_no") not in (None, ctx.values["no"]):
        ctx.fail(
            "primary_contact_no",
            f"contact {contact_no} works for customer {contact.get('company_no')}, not {ctx.values['no']}",
            ErrorCode.INVALID_VALUE,
        )


async def base_unit_rule(ctx: WriteContext) -> None:
    """Items and resources always carry their base unit, with 1 base unit per unit."""
    base = ctx.values.get("base_unit_of_measure")
    if base is None:
        return
    child = ctx.spec.children[0]
    units = ctx.children.get(child.name)
    if units is None:
        if ctx.existing is not None and not ctx.changed("base_unit_of_measure"):
            return
        stored = (
            []
            if ctx.existing is None
            else await ctx.store.find(
                table(child.table), {child.parent_field: ctx.values[ctx.spec.key_field]}
            )
        )
        units = [{"code": u["code"], "qty_per_unit": u["qty_per_unit"]} for u in stored]
        ctx.children[child.name] = units
    for i, unit in enumerate(units):
        if unit.get("code") == base and unit.get("qty_per_unit") != Decimal(1):
            path = f"{child.name}.{i}.qty_per_unit"
            ctx.fail(path, f"the base unit {base} has 1 per unit", ErrorCode.INVALID_VALUE)
    if all(unit.get("code") != base for unit in units):
        units.insert(0, {"code": base, "qty_per_unit": Decimal(1)})


async def sales_price_rule(ctx: WriteContext) -> None:
    v = ctx.values
    if (v.get("item_no") is None) == (v.get("resource_no") is None):
        ctx.fail("item_no", "a sales price is for exactly one item or resource", ErrorCode.INVALID_VALUE)
    if v.get("sales_type") == SalesType.ALL_CUSTOMERS:
        if v.get("sales_code") is not None:
            ctx.fail("sales_code", "a price for all customers has no sales code", ErrorCode.INVALID_VALUE)
    elif v.get("sales_code") is None:
        ctx.fail("sales_code", "sales_code is required for this sales type", ErrorCode.REQUIRED)
    start, end = v.get("starting_date"), v.get("ending_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        ctx.fail("ending_date", "ending_date is before starting_date", ErrorCode.INVALID_VALUE)
    unit = v.get("unit_of_measure")
    if unit is not None:
        owner = "item" if v.get("item_no") is not None else "resource"
        owner_no = v.get(f"{owner}_no")
        if owner_no is not None and await _unit_of(ctx.store, owner, owner_no, unit) is None:
            ctx.fail(
                "unit_of_measure", f"{unit} is not a unit of {owner} {owner_no}", ErrorCode.UNKNOWN_REFERENCE
            )


async def complete_price_unit(store: ErpStore, values: dict[str, object]) -> None:
    """A price without a unit is for the base unit: say so, so one price has one key
    (and the CRM price list item gets its unit)."""
    if values.get("unit_of_measure") is not None:
        return
    owner = "item" if values.get("item_no") is not None else "resource"
    owner_no = values.get(f"{owner}_no")
    record = await store.get(table(owner), {"no": owner_no}) if owner_no is not None else None
    if record is not None:
        values["unit_of_measure"] = record.get("base_unit_of_measure")


async def _unit_of(store: ErpStore, owner: str, owner_no: object, unit: object) -> ErpRecord | None:
    return await store.get(table(f"{owner}_unit_of_measure"), {f"{owner}_no": owner_no, "code": unit})


async def sales_order_rule(ctx: WriteContext) -> None:
    v = ctx.values
    if ctx.existing is not None and ctx.existing.get("status") == "RELEASED":
        edits = {k for k in ctx.given if k != "status" and ctx.changed(k)} | set(ctx.children)
        if edits and v.get("status") == "RELEASED":
            ctx.fail(None, f"sales order {v['no']} is released; reopen it first", ErrorCode.INVALID_STATE)
            return
    customer = await ctx.store.get(table("customer"), {"no": v.get("sell_to_customer_no")})
    if customer is not None:
        if customer.get("blocked") and ctx.changed("sell_to_customer_no"):
            ctx.fail("sell_to_customer_no", f"customer {customer['no']} is blocked", ErrorCode.BLOCKED)
        if ctx.existing is None and "currency_code" not in ctx.given:
            v["currency_code"] = customer.get("currency_code")
    if v.get("order_date") is None:
        v["order_date"] = ctx.today
    lines = ctx.children.get("lines")
    if lines is not None:
        await _complete_lines(ctx, lines)


async def _complete_lines(ctx: WriteContext, lines: list[dict[str, object]]) -> None:
    taken = [n for n in (line.get("line_no") for line in lines) if isinstance(n, int)]
    next_no = max(taken, default=0)
    rate = await _exchange_rate(ctx.store, ctx.values.get("currency_code"))
    for i, line in enumerate(lines):
        if line.get("line_no") is None:
            next_no += 10000
            line["line_no"] = next_no
        await _complete_line(ctx, f"lines.{i}.", line, rate)


async def _complete_line(ctx: WriteContext, path: str, line: dict[str, object], rate: Decimal) -> None:
    kind = "item" if line.get("type") == SalesLineType.ITEM else "resource"
    owner = await ctx.store.get(table(kind), {"no": line.get("no")}) if line.get("no") else None
    if owner is None:
        return  # the reference check names the unknown number
    if owner.get("blocked"):
        ctx.fail(f"{path}no", f"{kind} {owner['no']} is blocked", ErrorCode.BLOCKED)
    unit = line.get("unit_of_measure") or owner["base_unit_of_measure"]
    line["unit_of_measure"] = unit
    unit_row = await _unit_of(ctx.store, kind, owner["no"], unit)
    if unit_row is None:
        ctx.fail(
            f"{path}unit_of_measure",
            f"{unit} is not a unit of {kind} {owner['no']}",
            ErrorCode.UNKNOWN_REFERENCE,
        )
        return
    if line.get("description") is None:
        line["description"] = owner.get("description") or owner.get("name")
    if line.get("unit_price") is None:
        base_price = owner["unit_price"]
        qty_per_unit = unit_row["qty_per_unit"]
        assert isinstance(base_price, Decimal)
        assert isinstance(qty_per_unit, Decimal)
        line["unit_price"] = (base_price * qty_per_unit / rate).quantize(PRICE_PLACES)
    quantity, shipped = line.get("quantity"), line.get("quantity_shipped")
    if isinstance(quantity, Decimal) and isinstance(shipped, Decimal) and shipped > quantity:
        ctx.fail(f"{path}quantity_shipped", "more shipped than ordered", ErrorCode.INVALID_VALUE)
    price, discount = line.get("unit_price"), line.get("line_discount")
    if (
        isinstance(quantity, Decimal)
        and isinstance(price, Decimal)
        and isinstance(discount, Decimal)
        and discount > quantity * price
    ):
        ctx.fail(f"{path}line_discount", "the discount exceeds the line amount", ErrorCode.INVALID_VALUE)


async def _exchange_rate(store: ErpStore, currency_code: object) -> Decimal:
    """LCY per unit of the currency; 1 for the local currency (blank code)."""
    if currency_code is None:
        return Decimal(1)
    currency = await store.get(table("currency"), {"code": currency_code})
    rate = None if currency is None else currency.get("exchange_rate")
    return rate if isinstance(rate, Decimal) and rate > 0 else Decimal(1)


RULES: dict[str, tuple[Rule, ...]] = {
    "currency": (currency_rule,),
    "contact": (contact_rule,),
    "customer": (customer_rule,),
    "item": (base_unit_rule,),
    "resource": (base_unit_rule,),
    "sales_price": (sales_price_rule,),
    "sales_order": (sales_order_rule,),
}
