"""A scratch PostgreSQL database with a sales-line workload: items with two units,
a million ledger entries, open sales orders, sales prices, CRM product couplings.

Bulk loads use COPY with triggers and foreign-key checks off
(`session_replication_role = replica`), then rebuild the `item_inventory`
summary in one statement, as a data migration would."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import asyncpg
from sqlalchemy.engine import make_url

from adapters.db import migrate
from adapters.db.engine import Database
from adapters.db.repositories.availability import rebuild_item_inventory
from adapters.db.uow import SqlUnitOfWork
from domain.clock import SystemClock, Uuid7Factory
from domain.mappings.service import seed_mappings

LOCATIONS = ["BLUE", "GREEN", "RED", "WHITE", "YELLOW"]
IDS = Uuid7Factory()


@dataclass
class Workload:
    items: int
    entries: int
    orders: int
    lines_per_order: int
    seed: int = 7
    item_nos: list[str] = field(default_factory=list)
    products: dict[str, uuid.UUID] = field(default_factory=dict)  # item no. → CRM product id


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_database(admin_url: str) -> AsyncIterator[str]:
    """A new database on the server (dropped at the end); yields its SQLAlchemy URL."""
    name = f"couplet_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn(admin_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(dsn(admin_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def seed(url: str, work: Workload) -> None:
    await migrate.upgrade(url)
    db = Database.from_url(url)
    try:
        async with SqlUnitOfWork(db, SystemClock(), IDS) as uow:
            await seed_mappings(uow.mappings, None)
    finally:
        await db.dispose()
    rnd = random.Random(work.seed)
    now = datetime.now(UTC)
    conn = await asyncpg.connect(dsn(url))
    try:
        await conn.execute("SET session_replication_role = replica")
        await _master_data(conn, work, rnd, now)
        await _ledger(conn, work, rnd, now)
        await _orders(conn, work, rnd, now)
        await conn.execute("SET session_replication_role = DEFAULT")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    db = Database.from_url(url)
    try:
        async with db.engine.begin() as sa_conn:
            await rebuild_item_inventory(sa_conn)
    finally:
        await db.dispose()


def _stamp(now: datetime) -> tuple[uuid.UUID, datetime, datetime]:
    return IDS.new_id(), now, now


async def _master_data(conn: asyncpg.Connection, work: Workload, rnd: random.Random, now: datetime) -> None:
    await conn.copy_records_to_table(
        "unit_of_measure",
        records=[(*_stamp(now), c, c) for c in ("PCS", "BOX")],
        columns=["id", "created_at", "modified_at", "code", "description"],
    )
    await conn.copy_records_to_table(
        "currency",
        records=[
            (*_stamp(now), "DKK", "Danish krone", "kr.", Decimal(1), True),
            (*_stamp(now), "EUR", "Euro", "€", Decimal("7.46"), False),
        ],
        columns=[
            "id",
            "created_at",
            "modified_at",
            "code",
            "description",
            "symbol",
            "exchange_rate",
            "is_local",
        ],
    )
    await conn.copy_records_to_table(
        "location",
        records=[(*_stamp(now), c, c.title()) for c in LOCATIONS],
        columns=["id", "created_at", "modified_at", "code", "name"],
    )
    await conn.copy_records_to_table(
        "customer_price_group",
        records=[(*_stamp(now), "RETAIL", "Retail")],
        columns=["id", "created_at", "modified_at", "code", "description"],
    )
    customers = [
        (*_stamp(now), f"C{n:05}", f"Customer {n}", Decimal(0), "RETAIL" if n % 2 else None, False)
        for n in range(1, 101)
    ]
    await conn.copy_records_to_table(
        "customer",
        records=customers,
        columns=[
            "id",
            "created_at",
            "modified_at",
            "no",
            "name",
            "credit_limit",
            "customer_price_group",
            "blocked",
        ],
    )
    items, units, couplings, prices = [], [], [], []
    for n in range(work.items):
        no = f"I{n:06}"
        work.item_nos.append(no)
        item_id, _, _ = stamp = _stamp(now)
        price = Decimal(rnd.randint(100, 100000)) / 100
        items.append(
            (*stamp, no, f"Item {n}", "INVENTORY", "PCS", price, price / 2, Decimal(0), Decimal(0), False)
        )
        units.append((*_stamp(now), no, "PCS", Decimal(1)))
        units.append((*_stamp(now), no, "BOX", Decimal(12)))
        if n % 2 == 0:
            product = uuid.uuid4()
            work.products[no] = product
            couplings.append((*_stamp(now), "ITEM-PRODUCT", item_id, product, False, False, 0, False))
        prices.append((*_stamp(now), no, "ALL_CUSTOMERS", None, None, None, "PCS", Decimal(0), price))
        if n % 3 == 0:
            prices.append(
                (
                    *_stamp(now),
                    no,
                    "CUSTOMER_PRICE_GROUP",
                    "RETAIL",
                    None,
                    None,
                    "PCS",
                    Decimal(10),
                    price * Decimal("0.9"),
                )
            )
        if n % 5 == 0:
            prices.append((*_stamp(now), no, "ALL_CUSTOMERS", None, "EUR", None, "BOX", Decimal(0), price))
    await conn.copy_records_to_table(
        "item",
        records=items,
        columns=[
            "id",
            "created_at",
            "modified_at",
            "no",
            "description",
            "type",
            "base_unit_of_measure",
            "unit_price",
            "unit_cost",
            "gross_weight",
            "unit_volume",
            "blocked",
        ],
    )
    await conn.copy_records_to_table(
        "item_unit_of_measure",
        records=units,
        columns=["id", "created_at", "modified_at", "item_no", "code", "qty_per_unit"],
    )
    await conn.copy_records_to_table(
        "coupling",
        records=couplings,
        columns=[
            "id",
            "created_at",
            "modified_at",
            "mapping_name",
            "erp_id",
            "crm_id",
            "pending",
            "skipped",
            "repeated_failures",
            "merge_pending",
        ],
    )
    await conn.copy_records_to_table(
        "sales_price",
        records=prices,
        columns=[
            "id",
            "created_at",
            "modified_at",
            "item_no",
            "sales_type",
            "sales_code",
            "currency_code",
            "starting_date",
            "unit_of_measure",
            "minimum_quantity",
            "unit_price",
        ],
    )


async def _ledger(conn: asyncpg.Connection, work: Workload, rnd: random.Random, now: datetime) -> None:
    start = date(2026, 1, 1)
    batch: list[tuple[object, ...]] = []
    columns = [
        "id",
        "created_at",
        "modified_at",
        "item_no",
        "location_code",
        "posting_date",
        "entry_type",
        "quantity",
    ]
    for n in range(work.entries):
        quantity = Decimal(rnd.randint(-20, 60))
        kind = "PURCHASE" if quantity >= 0 else "SALE"
        location = rnd.choice(LOCATIONS) if n % 4 else None
        batch.append(
            (
                uuid.uuid4(),
                now,
                now,
                work.item_nos[n % work.items],
                location,
                start + timedelta(days=n % 300),
                kind,
                quantity,
            )
        )
        if len(batch) == 100_000:
            await conn.copy_records_to_table("item_ledger_entry", records=batch, columns=columns)
            batch = []
    if batch:
        await conn.copy_records_to_table("item_ledger_entry", records=batch, columns=columns)


async def _orders(conn: asyncpg.Connection, work: Workload, rnd: random.Random, now: datetime) -> None:
    orders, lines = [], []
    for n in range(work.orders):
        no = f"SO{n:06}"
        status = "RELEASED" if n % 3 == 0 else "OPEN"
        orders.append((*_stamp(now), no, f"C{n % 100 + 1:05}", None, date(2026, 11, 1), status))
        for line in range(work.lines_per_order):
            unit = "BOX" if rnd.random() < 0.2 else "PCS"
            quantity = Decimal(rnd.randint(1, 20))
            shipped = Decimal(rnd.randint(0, int(quantity))) if rnd.random() < 0.3 else Decimal(0)
            location = rnd.choice(LOCATIONS) if rnd.random() < 0.7 else None
            lines.append(
                (
                    *_stamp(now),
                    no,
                    (line + 1) * 10000,
                    "ITEM",
                    rnd.choice(work.item_nos),
                    unit,
                    quantity,
                    Decimal(1),
                    Decimal(0),
                    shipped,
                    location,
                )
            )
    await conn.copy_records_to_table(
        "sales_order",
        records=orders,
        columns=[
            "id",
            "created_at",
            "modified_at",
            "no",
            "sell_to_customer_no",
            "currency_code",
            "order_date",
            "status",
        ],
    )
    await conn.copy_records_to_table(
        "sales_line",
        records=lines,
        columns=[
            "id",
            "created_at",
            "modified_at",
            "document_no",
            "line_no",
            "type",
            "no",
            "unit_of_measure",
            "quantity",
            "unit_price",
            "line_discount",
            "quantity_shipped",
            "location_code",
        ],
    )
