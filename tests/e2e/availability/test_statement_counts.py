"""A constant number of database statements per request, whatever the number of lines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from api.bootstrap import Services
from tests.e2e.availability.support import AVAILABILITY, PRICES, catalog, price
from tests.e2e.availability.test_price_list import PRICE_LIST
from tests.support.graphql import GraphQLClient

EXPECTED = {"itemAvailability": 2, "salesLinePrices": 3, "priceList": 3}


@contextmanager
def counting(container: Services) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    engine = container.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def statements_for(
    container: Services, plugin: GraphQLClient, query: str, variables: dict[str, Any]
) -> int:
    await plugin.data(query, variables)  # the key is cached from here on
    with counting(container) as statements:
        await plugin.data(query, variables)
    return len(statements)


async def test_each_operation_costs_the_same_statements_for_1_and_50_lines(
    gql: GraphQLClient, plugin: GraphQLClient, container: Services
) -> None:
    await catalog(gql)
    await price(gql, itemNo="1000", salesType="CUSTOMER_PRICE_GROUP", salesCode="RETAIL", unitPrice="99")
    counts: dict[str, list[int]] = {name: [] for name in EXPECTED}
    for n in (1, 50):
        items = [{"itemNo": ("1000", "1001")[i % 2], "quantity": "1"} for i in range(n)]
        counts["itemAvailability"].append(await statements_for(container, plugin, AVAILABILITY, {"l": items}))
        body = {"customerNo": "C10000", "lines": items + [{"resourceNo": "R-INSTALL", "quantity": "1"}]}
        counts["salesLinePrices"].append(await statements_for(container, plugin, PRICES, {"i": body}))
        counts["priceList"].append(
            await statements_for(container, plugin, PRICE_LIST, {"c": "RETAIL", "f": n})
        )
    if container.db.dialect == "postgresql":
        assert counts == {name: [count, count] for name, count in EXPECTED.items()}
    else:  # SQLite adds its BEGIN per connection
        assert all(one == fifty for one, fifty in counts.values()), counts
