"""Table-mapping filters: a subset of OData `$filter`, on both sides.

The CRM side sends its filter to Dataverse as it is; the ERP side uses the same
language over Financials field names (``blocked eq false and type eq 'PERSON'``),
evaluated here or compiled to SQL by the store. Parsing first means a bad filter
is refused with the reason when it is saved, not when a sync runs.

Grammar::

    expr    := and ('or' and)*
    and     := unary ('and' unary)*
    unary   := 'not' unary | '(' expr ')' | call | compare
    call    := ('contains' | 'startswith' | 'endswith') '(' field ',' literal ')'
    compare := field op literal            op: eq ne gt ge lt le
    literal := 'text' ('' escapes a quote) | number | true | false | null
             | GUID | date (2026-01-31) | date-time (2026-01-31T12:00:00Z)

Text compares case-insensitively, as Dataverse does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

Literal = str | int | Decimal | bool | date | datetime | UUID | None
OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = ("contains", "startswith", "endswith")


class FilterError(ValueError):
    """The filter text is not valid; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Compare:
    field: str
    op: str
    value: Literal


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


Node = Compare | Call | And | Or | Not

_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))
    | (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})
    | (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>[(),])
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise FilterError(f"unexpected {text[pos:].strip()[:20]!r} at position {pos + 1}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.start(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise FilterError("the filter ends too early")
        self.i += 1
        return token

    def expect(self, value: str) -> None:
        kind, text, pos = self.take()
        if text != value:
            raise FilterError(f"expected {value!r} at position {pos + 1}, found {text!r}")

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "name" and token[1].lower() == word:
            self.i += 1
            return True
        return False

    def parse(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise FilterError(f"unexpected {self.peek()[1]!r} at position {self.peek()[2] + 1}")  # type: ignore[index]
        return node

    def expr(self) -> Node:
        node = self.conjunction()
        while self.keyword("or"):
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.unary()
        while self.keyword("and"):
            node = And(node, self.unary())
        return node

    def unary(self) -> Node:
        if self.keyword("not"):
            return Not(self.unary())
        token = self.peek()
        if token is not None and token[1] == "(":
            self.take()
            node = self.expr()
            self.expect(")")
            return node
        kind, name, pos = self.take()
        if kind != "name":
            raise FilterError(f"expected a field name at position {pos + 1}, found {name!r}")
        if name.lower() in FUNCTIONS and self.peek() is not None and self.peek()[1] == "(":  # type: ignore[index]
            self.take()
            field = self.field()
            self.expect(",")
            value = self.literal()
            self.expect(")")
            if not isinstance(value, str):
                raise FilterError(f"{name.lower()}() needs a text value")
            return Call(name.lower(), field, value)
        token = self.take()
        if token[1].lower() not in OPERATORS:
            raise FilterError(
                f"expected an operator ({', '.join(OPERATORS)}) after {name!r}, found {token[1]!r}"
            )
        return Compare(name, token[1].lower(), self.literal())

    def field(self) -> str:
        kind, name, pos = self.take()
        if kind != "name":
            raise FilterError(f"expected a field name at position {pos + 1}, found {name!r}")
        return name

    def literal(self) -> Literal:
        kind, text, pos = self.take()
        match kind:
            case "string":
                return text[1:-1].replace("''", "'")
            case "number":
                return Decimal(text) if "." in text else int(text)
            case "guid":
                return UUID(text)
            case "date":
                return date.fromisoformat(text)
            case "datetime":
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
            case "name" if text.lower() in ("true", "false", "null"):
                return {"true": True, "false": False, "null": None}[text.lower()]
        raise FilterError(f"expected a value at position {pos + 1}, found {text!r}")


def parse(text: str) -> Node:
    """Parse a filter; raises `FilterError` with the reason."""
    if not text.strip():
        raise FilterError("the filter is empty")
    return _Parser(text).parse()


def fields_of(node: Node) -> set[str]:
    """Every field name the filter mentions."""
    match node:
        case Compare(field=f) | Call(field=f):
            return {f}
        case And(left=a, right=b) | Or(left=a, right=b):
            return fields_of(a) | fields_of(b)
        case Not(operand=a):
            return fields_of(a)
    raise TypeError(node)


def _fold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,  # type: ignore[operator]
    "ge": lambda a, b: a is not None and b is not None and a >= b,  # type: ignore[operator]
    "lt": lambda a, b: a is not None and b is not None and a < b,  # type: ignore[operator]
    "le": lambda a, b: a is not None and b is not None and a <= b,  # type: ignore[operator]
}


def _value_of(values: Mapping[str, object], field: str) -> object:
    """A field's value; a CRM lookup (`_x_value` or `x`) compares by its row id."""
    if field not in values and field.startswith("_") and field.endswith("_value"):
        field = field[1:-6]
    value = values.get(field)
    lookup_id = getattr(value, "id", None)
    return lookup_id if isinstance(lookup_id, UUID) else value


def matches(node: Node, values: Mapping[str, object]) -> bool:
    """Whether a record with these values passes the filter."""
    match node:
        case Compare(field=f, op=op, value=v):
            actual = _value_of(values, f)
            try:
                return _COMPARE[op](_fold(actual), _fold(v))
            except TypeError:
                return False
        case Call(function=fn, field=f, value=v):
            actual = _value_of(values, f)
            if not isinstance(actual, str):
                return False
            a, b = actual.casefold(), v.casefold()
            return b in a if fn == "contains" else a.startswith(b) if fn == "startswith" else a.endswith(b)
        case And(left=a, right=b):
            return matches(a, values) and matches(b, values)
        case Or(left=a, right=b):
            return matches(a, values) or matches(b, values)
        case Not(operand=a):
            return not matches(a, values)
    raise TypeError(node)
