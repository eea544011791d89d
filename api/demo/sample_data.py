"""Deterministic sample Financials data, written through the Financials service
so it obeys every rule a user's own data does."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from domain.financials.service import FinancialsService

CURRENCIES = [
    ("DKK", "Danish krone", "kr.", "1", True),
    ("EUR", "Euro", "€", "7.46", False),
    ("USD", "US dollar", "$", "6.85", False),
    ("GBP", "Pound sterling", "£", "8.72", False),
    ("SEK", "Swedish krona", "kr", "0.65", False),
]
UNITS = [("PCS", "Piece"), ("BOX", "Box"), ("PALLET", "Pallet"), ("HOUR", "Hour"), ("KG", "Kilogram")]
SALESPEOPLE = [
    ("JO", "Jim Olive", "jim@cronus.example"),
    ("OF", "Otis Falls", "otis@cronus.example"),
    ("PS", "Peter Saddow", "peter@cronus.example"),
    ("HR", "Helena Ray", "helena@cronus.example"),
    ("AL", "Annette Hill", "annette@cronus.example"),
]
PAYMENT_TERMS = [
    ("14 DAYS", "Net 14 days"),
    ("30 DAYS", "Net 30 days"),
    ("CM", "Current month"),
    ("COD", "Cash on delivery"),
]
SHIPMENT_METHODS = [("EXW", "Ex Warehouse"), ("CIF", "Cost Insurance and Freight"), ("FOB", "Free on Board")]
SHIPPING_AGENTS = [("DHL", "DHL"), ("UPS", "UPS"), ("OWN", "Own transport")]
PRICE_GROUPS = [("RETAIL", "Retail"), ("WHOLESALE", "Wholesale"), ("EXPORT", "Export")]
LOCATIONS = [("MAIN", "Main warehouse"), ("EAST", "East warehouse")]
NAME_PARTS = (
    [
        "Adatum",
        "Trey",
        "Fabrikam",
        "Contoso",
        "Litware",
        "Northwind",
        "Proseware",
        "Tailspin",
        "Wingtip",
        "Alpine",
        "Coho",
        "Relecloud",
        "Woodgrove",
        "Lucerne",
        "Margie's",
        "Blue Yonder",
        "Graphic Design",
        "School of Fine Art",
        "Humongous",
        "Wide World",
    ],
    [
        "Corporation",
        "Research",
        "Traders",
        "Partners",
        "Outfitters",
        "Supplies",
        "Group",
        "Industries",
        "Designs",
        "Importers",
    ],
)
CITIES = [
    ("1000", "København", "DK"),
    ("8000", "Aarhus C", "DK"),
    ("5000", "Odense C", "DK"),
    ("10115", "Berlin", "DE"),
    ("SW1A 1AA", "London", "GB"),
    ("111 20", "Stockholm", "SE"),
    ("10001", "New York", "US"),
]
CURRENCY_BY_COUNTRY = {"DK": None, "DE": "EUR", "GB": "GBP", "SE": "SEK", "US": "USD"}
ITEM_WORDS = (
    ["Chair", "Desk", "Lamp", "Cabinet", "Shelf", "Table", "Sofa", "Stool", "Bench", "Monitor Arm"],
    ["Oslo", "Berlin", "Paris", "London", "Roma", "Athens", "Madrid", "Sydney"],
)
FIRST_NAMES = ["Anna", "Bo", "Clara", "David", "Eva", "Frederik", "Greta", "Hans", "Ida", "Jonas"]
LAST_NAMES = ["Hansen", "Jensen", "Nielsen", "Smith", "Müller", "Berg", "Larsen", "Olsen"]


def customer_names(count: int) -> list[str]:
    names = [f"{a} {b}" for b in NAME_PARTS[1] for a in NAME_PARTS[0]]
    return [
        names[i] if i < len(names) else f"{names[i % len(names)]} {i // len(names) + 1}" for i in range(count)
    ]


async def seed(service: FinancialsService, *, customers: int = 250, items: int = 60, today: date) -> None:
    """Write the sample data set (call inside one transaction)."""
    rng = random.Random(42)
    for code, description, symbol, rate, local in CURRENCIES:
        await service.upsert(
            "currency",
            {
                "code": code,
                "description": description,
                "symbol": symbol,
                "exchange_rate": Decimal(rate),
                "is_local": local,
            },
        )
    for table_name, rows in (
        ("unit_of_measure", UNITS),
        ("payment_terms", PAYMENT_TERMS),
        ("shipment_method", SHIPMENT_METHODS),
        ("shipping_agent", SHIPPING_AGENTS),
        ("customer_price_group", PRICE_GROUPS),
    ):
        for code, description in rows:
            await service.upsert(table_name, {"code": code, "description": description})
    for code, name in LOCATIONS:
        await service.upsert("location", {"code": code, "name": name})
    for code, name, email in SALESPEOPLE:
        await service.upsert(
            "salesperson", {"code": code, "name": name, "email": email, "job_title": "Sales"}
        )
    await _customers(service, rng, customers)
    await _items(service, rng, items, today)


async def _customers(service: FinancialsService, rng: random.Random, count: int) -> None:
    for i, name in enumerate(customer_names(count)):
        no = f"C{10000 + i * 10}"
        post_code, city, country = rng.choice(CITIES)
        slug = name.lower().replace(" ", "").replace("'", "")
        await service.upsert(
            "customer",
            {
                "no": no,
                "name": name,
                "address": f"{rng.randint(1, 200)} Main Street",
                "post_code": post_code,
                "city": city,
                "country_code": country,
                "phone": f"+45 {rng.randint(10000000, 99999999)}",
                "email": f"info@{slug}.example",
                "home_page": f"www.{slug}.example",
                "salesperson_code": rng.choice(SALESPEOPLE)[0],
                "currency_code": CURRENCY_BY_COUNTRY[country],
                "credit_limit": Decimal(rng.choice([0, 10000, 25000, 50000])),
                "customer_price_group": rng.choice(PRICE_GROUPS)[0],
                "payment_terms_code": rng.choice(PAYMENT_TERMS)[0],
                "shipment_method_code": rng.choice(SHIPMENT_METHODS)[0],
                "shipping_agent_code": rng.choice(SHIPPING_AGENTS)[0],
            },
        )
        if i % 3 == 0:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contact_no = f"CT{10000 + i * 10}"
            await service.upsert(
                "contact",
                {
                    "no": contact_no,
                    "company_no": no,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}@{slug}.example",
                    "job_title": "Purchaser",
                    "city": city,
                    "country_code": country,
                },
            )
            await service.upsert(
                "customer", {"no": no, "primary_contact_no": contact_no, "contact": f"{first} {last}"}
            )


async def _items(service: FinancialsService, rng: random.Random, count: int, today: date) -> None:
    journal = []
    for i in range(count):
        no = f"{1000 + i * 10}"
        price = Decimal(rng.randint(20, 2000))
        units = [{"code": "PCS", "qty_per_unit": Decimal(1)}]
        if i % 2 == 0:
            units.append({"code": "BOX", "qty_per_unit": Decimal(rng.choice([4, 6, 12]))})
        words = (
            ITEM_WORDS[0][i % len(ITEM_WORDS[0])],
            ITEM_WORDS[1][(i // len(ITEM_WORDS[0])) % len(ITEM_WORDS[1])],
        )
        await service.upsert(
            "item",
            {
                "no": no,
                "description": f"{words[1]} {words[0]}",
                "base_unit_of_measure": "PCS",
                "unit_price": price,
                "unit_cost": (price * Decimal("0.6")).quantize(Decimal("0.01")),
                "gross_weight": Decimal(rng.randint(1, 40)),
            },
            {"units_of_measure": units},
        )
        for group, factor in (("RETAIL", "0.95"), ("WHOLESALE", "0.85")):
            await service.upsert(
                "sales_price",
                {
                    "item_no": no,
                    "sales_type": "CUSTOMER_PRICE_GROUP",
                    "sales_code": group,
                    "starting_date": today - timedelta(days=30),
                    "unit_price": (price * Decimal(factor)).quantize(Decimal("0.01")),
                },
            )
        await service.upsert(
            "sales_price",
            {
                "item_no": no,
                "sales_type": "ALL_CUSTOMERS",
                "minimum_quantity": Decimal(10),
                "unit_price": (price * Decimal("0.9")).quantize(Decimal("0.01")),
            },
        )
        for location in ("MAIN", "EAST"):
            journal.append(
                {
                    "item_no": no,
                    "location_code": location,
                    "quantity": Decimal(rng.randint(0, 500)) or 1,
                    "entry_type": "PURCHASE",
                    "document_no": "OPENING",
                }
            )
    await service.post_item_journal(journal)
    for no, name, hourly in (("R-CONSULT", "Consulting", "1200"), ("R-INSTALL", "Installation", "850")):
        await service.upsert(
            "resource",
            {"no": no, "name": name, "base_unit_of_measure": "HOUR", "unit_price": Decimal(hourly)},
        )
