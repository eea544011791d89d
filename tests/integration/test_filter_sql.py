"""An ERP filter selects the same rows in SQL as in Python, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from adapters.db.engine import Database
from adapters.db.repositories.financials import SqlErpStore
from domain.clock import Uuid7Factory
from domain.filters import matches, parse
from domain.financials.tables import table

CUSTOMERS = [
    {
        "no": "C1",
        "name": "Adatum Corporation",
        "city": "Aarhus",
        "credit_limit": Decimal(5000),
        "blocked": False,
    },
    {"no": "C2", "name": "Trey Research", "city": None, "credit_limit": Decimal(0), "blocked": True},
    {"no": "C3", "name": "Margie's Travel", "city": "Odense", "credit_limit": Decimal(100), "blocked": False},
]


@pytest.mark.parametrize(
    "text",
    [
        "blocked eq false",
        "city eq null",
        "city ne null",
        "city ne 'aarhus'",
        "credit_limit gt 100",
        "credit_limit le 100 and not blocked eq true",
        "contains(name, 'RESEARCH') or startswith(name, 'margie''s')",
        "endswith(name, 'tion')",
        "name eq 'adatum corporation'",
    ],
)
async def test_sql_and_python_agree(database: Database, text: str) -> None:
    spec = table("customer")
    ids = Uuid7Factory()
    async with database.transaction() as session:
        store = SqlErpStore(session)
        for values in CUSTOMERS:
            await store.insert(spec, ids.new_id(), values, datetime.now(UTC))
    node = parse(text)
    async with database.read() as session:
        counted = await SqlErpStore(session).count_matching(spec, node)
    assert counted == sum(1 for values in CUSTOMERS if matches(node, values))
