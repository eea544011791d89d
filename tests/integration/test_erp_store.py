"""The SQL store keeps times aware UTC and decimals exact on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from adapters.db.engine import Database
from adapters.db.repositories.financials import SqlErpStore
from domain.clock import Uuid7Factory
from domain.financials.ports import DuplicateKeyError
from domain.financials.tables import table

CURRENCY = table("currency")
ids = Uuid7Factory()


async def test_times_come_back_aware_utc_whatever_offset_they_were_written_with(database: Database) -> None:
    written = datetime(2026, 11, 23, 20, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    async with database.transaction() as session:
        await SqlErpStore(session).insert(
            CURRENCY, ids.new_id(), {"code": "EUR", "exchange_rate": Decimal(1), "is_local": False}, written
        )
    async with database.read() as session:
        record = await SqlErpStore(session).get(CURRENCY, {"code": "EUR"})
    assert record is not None
    assert record.created_at == written
    assert record.created_at.tzinfo == UTC


async def test_decimals_round_trip_exactly(database: Database) -> None:
    rate = Decimal("1234567.12345")
    async with database.transaction() as session:
        await SqlErpStore(session).insert(
            CURRENCY,
            ids.new_id(),
            {"code": "XAU", "exchange_rate": rate, "is_local": False},
            datetime.now(UTC),
        )
    async with database.read() as session:
        record = await SqlErpStore(session).get(CURRENCY, {"code": "XAU"})
    assert record is not None
    assert record["exchange_rate"] == rate
    assert isinstance(record["exchange_rate"], Decimal)


async def test_a_duplicate_business_key_is_refused_by_the_database(database: Database) -> None:
    values = {"code": "EUR", "exchange_rate": Decimal(1), "is_local": False}
    async with database.transaction() as session:
        await SqlErpStore(session).insert(CURRENCY, ids.new_id(), values, datetime.now(UTC))
    with pytest.raises(DuplicateKeyError):
        async with database.transaction() as session:
            await SqlErpStore(session).insert(CURRENCY, ids.new_id(), values, datetime.now(UTC))


async def test_a_naive_time_is_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with database.transaction() as session:
            await SqlErpStore(session).insert(
                CURRENCY,
                ids.new_id(),
                {"code": "EUR", "exchange_rate": Decimal(1), "is_local": False},
                datetime(2026, 1, 1),
            )
