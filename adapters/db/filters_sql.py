"""ERP-side mapping filters as SQL: the same filter language `domain/filters.py`
parses, compiled to a WHERE clause over a Financials table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.filters import And, Call, Compare, Node, Not, Or


def compile_filter(node: Node, table: sa.Table) -> sa.ColumnElement[bool]:
    match node:
        case Compare(field=f, op=op, value=v):
            return _compare(table.c[f], op, v)
        case Call(function=fn, field=f, value=v):
            column = sa.func.lower(table.c[f])
            text = v.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = {"contains": f"%{text}%", "startswith": f"{text}%", "endswith": f"%{text}"}[fn]
            return column.like(pattern, escape="\\")
        case And(left=a, right=b):
            return sa.and_(compile_filter(a, table), compile_filter(b, table))
        case Or(left=a, right=b):
            return sa.or_(compile_filter(a, table), compile_filter(b, table))
        case Not(operand=a):
            return sa.not_(compile_filter(a, table))
    raise TypeError(node)


def _compare(raw: sa.Column[Any], op: str, value: object) -> sa.ColumnElement[bool]:
    if value is None:
        return raw.is_(None) if op == "eq" else raw.isnot(None)
    column: sa.ColumnElement[Any] = raw
    if isinstance(value, str):
        column, value = sa.func.lower(raw), value.lower()  # text compares case-insensitively
    if op == "ne":  # as in Python: a blank value differs from any given value
        return sa.or_(column != value, column.is_(None))
    operator = {"eq": "__eq__", "gt": "__gt__", "ge": "__ge__", "lt": "__lt__", "le": "__le__"}[op]
    result: sa.ColumnElement[bool] = getattr(column, operator)(value)
    return result
