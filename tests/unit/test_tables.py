"""The table declarations and the ORM models describe the same columns."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.db.base import Amount
from adapters.db.models import FINANCIALS_MODELS
from domain.financials.tables import TABLES, Kind

SQL_TYPES = {
    Kind.TEXT: sa.String,
    Kind.CODE: sa.String,
    Kind.DECIMAL: Amount,
    Kind.INTEGER: sa.Integer,
    Kind.BOOLEAN: sa.Boolean,
    Kind.DATE: sa.Date,
    Kind.ENUM: sa.String,
}


def test_every_declared_field_is_a_column_of_its_type_and_length() -> None:
    problems = []
    for spec in TABLES:
        columns = FINANCIALS_MODELS[spec.name].__table__.columns
        for f in spec.fields:
            column = columns.get(f.name)
            if column is None:
                problems.append(f"{spec.name}.{f.name} has no column")
                continue
            if not isinstance(column.type, SQL_TYPES[f.kind]):
                problems.append(f"{spec.name}.{f.name} is {column.type!r}, declared {f.kind}")
            if f.max_length is not None and getattr(column.type, "length", None) != f.max_length:
                problems.append(f"{spec.name}.{f.name} length {column.type.length} != {f.max_length}")
            if f.required and column.nullable:
                problems.append(f"{spec.name}.{f.name} is required but nullable")
        extra = set(columns.keys()) - {f.name for f in spec.fields} - {"id", "created_at", "modified_at"}
        if extra:
            problems.append(f"{spec.name} has undeclared columns {sorted(extra)}")
    assert problems == []


def test_every_reference_points_at_a_declared_table() -> None:
    names = {spec.name for spec in TABLES}
    for spec in TABLES:
        for f in spec.fields:
            targets = [f.ref] if f.ref else list(f.ref_by[1].values()) if f.ref_by else []
            assert set(targets) <= names, f"{spec.name}.{f.name} → {targets}"
