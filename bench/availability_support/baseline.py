"""The same availability answers from raw SQL (asyncpg, no ORM, no GraphQL): the
floor the app is measured against, and the reference its answers are checked with.

`check` sums the ledger itself (not the summary table), so it also checks that
the triggers' `item_inventory` is exact."""

from __future__ import annotations

import random
import uuid
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import asyncpg

from bench.availability_support.seed import Workload

ITEMS = """
SELECT i.no, u.code, u.qty_per_unit, c.crm_id
FROM item i JOIN item_unit_of_measure u ON u.item_no = i.no
LEFT JOIN coupling c ON c.mapping_name = 'ITEM-PRODUCT' AND c.erp_id = i.id AND NOT c.pending
WHERE i.no = ANY($1::text[])
UNION ALL
SELECT i.no, u.code, u.qty_per_unit, c.crm_id
FROM coupling c JOIN item i ON i.id = c.erp_id JOIN item_unit_of_measure u ON u.item_no = i.no
WHERE c.mapping_name = 'ITEM-PRODUCT' AND c.crm_id = ANY($2::uuid[]) AND NOT c.pending
"""
ON_ORDERS = """
SELECT 'O', l.no, COALESCE(l.location_code, ''),
       SUM((l.quantity - l.quantity_shipped) * COALESCE(u.qty_per_unit, 1))
FROM sales_line l JOIN sales_order o ON o.no = l.document_no
LEFT JOIN item_unit_of_measure u ON u.item_no = l.no AND u.code = l.unit_of_measure
WHERE l.type = 'ITEM' AND l.no = ANY($1::text[]) AND o.status IN ('OPEN', 'RELEASED')
GROUP BY l.no, COALESCE(l.location_code, '')
"""
STOCK_FROM_SUMMARY = (
    "SELECT 'I', item_no, location_code, quantity FROM item_inventory "
    "WHERE item_no = ANY($1::text[]) UNION ALL " + ON_ORDERS
)
STOCK_FROM_LEDGER = (
    "SELECT 'I', item_no, COALESCE(location_code, ''), SUM(quantity) FROM item_ledger_entry "
    "WHERE item_no = ANY($1::text[]) GROUP BY item_no, COALESCE(location_code, '') UNION ALL " + ON_ORDERS
)
Q = Decimal("0.00001")


async def answers(
    conn: asyncpg.Connection, lines: list[dict[str, Any]], *, ledger: bool
) -> list[dict[str, Any]]:
    """inventory / quantityOnSalesOrders / available / isSufficient per line, as the app computes them."""
    nos = [line["itemNo"] for line in lines if "itemNo" in line]
    products = [uuid.UUID(line["crmProductId"]) for line in lines if "crmProductId" in line]
    units: dict[str, dict[str, Decimal]] = {}
    by_product: dict[uuid.UUID, str] = {}
    for no, code, per_unit, crm_id in await conn.fetch(ITEMS, nos, products):
        units.setdefault(no, {})[code] = per_unit
        if crm_id is not None:
            by_product[crm_id] = no
    wanted = sorted(set(nos) | set(by_product.values()))
    stock: dict[tuple[str, str], list[Decimal]] = {}
    for kind, no, location, quantity in await conn.fetch(
        STOCK_FROM_LEDGER if ledger else STOCK_FROM_SUMMARY, wanted
    ):
        stock.setdefault((no, location), [Decimal(0), Decimal(0)])[kind == "O"] += quantity
    result = []
    for line in lines:
        no = line.get("itemNo") or by_product[uuid.UUID(line["crmProductId"])]
        per_unit = units[no][line.get("unitOfMeasure") or "PCS"]
        location = line.get("locationCode")
        rows = [v for (n, loc), v in stock.items() if n == no and (location is None or loc == location)]
        inventory, on_orders = sum((r[0] for r in rows), Decimal(0)), sum((r[1] for r in rows), Decimal(0))
        shown = [(x / per_unit).quantize(Q, rounding=ROUND_HALF_EVEN) for x in (inventory, on_orders)]
        result.append(
            {
                "inventory": shown[0],
                "quantityOnSalesOrders": shown[1],
                "available": shown[0] - shown[1],
                "isSufficient": Decimal(line["quantity"]) * per_unit <= inventory - on_orders,
            }
        )
    return result


def mismatches(app: list[dict[str, Any]], expected: list[dict[str, Any]]) -> list[str]:
    problems = []
    for i, (got, want) in enumerate(zip(app, expected, strict=True)):
        for name, value in want.items():
            mine = got[name] if isinstance(value, bool) else Decimal(got[name])
            if mine != value:
                problems.append(f"line {i} {name}: app {got[name]}, SQL {value}")
    return problems


def request(work: Workload, rnd: random.Random) -> list[dict[str, Any]]:
    from bench.availability_support.load import availability_lines

    return availability_lines(work, rnd)
