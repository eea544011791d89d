"""The declarative base: constraint naming, and column types that behave the
same on SQLite and PostgreSQL (aware UTC datetimes, exact decimals)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores UTC and always returns an aware UTC datetime.

    SQLite drops the offset of `DateTime(timezone=True)`; without this the
    domain would see naive datetimes there and aware ones on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC time is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Amount(sa.TypeDecorator[Decimal]):
    """Money and quantities: NUMERIC(20, 5) everywhere, `Decimal` in Python.

    SQLite keeps NUMERIC as a double (15 significant digits); values are
    re-quantized to 5 places on the way out, so the domain always sees exact
    Decimals. PostgreSQL stores them exactly."""

    impl = sa.Numeric(20, 5)
    cache_ok = True
    _QUANTUM = Decimal("0.00001")

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return trim(Decimal(str(value)).quantize(self._QUANTUM))


def trim(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (12.50000 → 12.5, 100 → 100)."""
    trimmed = value.normalize()
    return trimmed.quantize(Decimal(1)) if trimmed.as_tuple().exponent > 0 else trimmed  # type: ignore[operator]


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Amount()}
