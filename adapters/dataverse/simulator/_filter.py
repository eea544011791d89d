"""The ``$filter`` subset (reference §2.7, [FILT]), parsed and compiled to SQL.

Supported: ``eq ne gt ge lt le``; ``and or not`` and parentheses; ``contains``,
``startswith``, ``endswith`` on text; literals ``'text'`` (``''`` escapes a
quote), integers, decimals, ``true``/``false``, ``null``, unquoted GUIDs and
date-times (``2025-01-01T00:00:00Z``) or dates; lookups as ``_x_value``;
column-to-column comparison. Text compares case-insensitively, and ``%``,
``_``, ``[…]`` are wildcards inside the string functions, as documented.
``ne`` follows SQL: rows whose value is null do not match ``x ne 'a'``
(FetchXML's behaviour; the reference does not say). Navigation paths
(``primarycontactid/fullname``) and the ``Microsoft.Dynamics.CRM.*`` query
functions are not supported and answer 400."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from adapters.dataverse.simulator._errors import query_error
from adapters.dataverse.simulator._metadata import (
    INTEGER_KINDS,
    LOOKUP_KINDS,
    NUMBER_KINDS,
    Column,
    EntityMeta,
    Kind,
)
from adapters.dataverse.simulator._store import quote

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})
    | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))
    | (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    | (?P<punct>[(),/])
    )""",
    re.VERBOSE,
)
_COMPARISONS = {"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_OPERATOR_KINDS = {
    "eq": "Equal",
    "ne": "NotEqual",
    "gt": "GreaterThan",
    "ge": "GreaterThanOrEqual",
    "lt": "LessThan",
    "le": "LessThanOrEqual",
}
_FUNCTIONS = {"contains": "%{}%", "startswith": "{}%", "endswith": "%{}"}
_FLIPPED = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Literal:
    kind: str  # string, guid, datetime, date, number, true, false, null
    value: Any


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise query_error(f"Syntax error at position {position} in '{text}'.")
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind)))
        position = match.end()
    return tokens


class FilterCompiler:
    """Recursive descent over the tokens, emitting SQL and its parameters."""

    def __init__(self, meta: EntityMeta, text: str) -> None:
        self.meta = meta
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.params: list[Any] = []

    def compile(self) -> tuple[str, list[Any]]:
        sql = self._or()
        if self.index != len(self.tokens):
            raise query_error(f"Syntax error: unexpected '{self.tokens[self.index].text}' in '{self.text}'.")
        return sql, self.params

    def _peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _take(self, text: str | None = None) -> Token:
        token = self._peek()
        if token is None or (text is not None and token.text.lower() != text):
            raise query_error(f"Syntax error: expected '{text or 'more'}' in '{self.text}'.")
        self.index += 1
        return token

    def _keyword(self, word: str) -> bool:
        token = self._peek()
        if token is not None and token.kind == "word" and token.text.lower() == word:
            self.index += 1
            return True
        return False

    def _or(self) -> str:
        parts = [self._and()]
        while self._keyword("or"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def _and(self) -> str:
        parts = [self._unary()]
        while self._keyword("and"):
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def _unary(self) -> str:
        if self._keyword("not"):
            return f"(NOT {self._unary()})"
        token = self._peek()
        if token is not None and token.text == "(":
            self._take("(")
            inner = self._or()
            self._take(")")
            return inner
        if token is not None and token.kind == "word" and token.text.lower() in _FUNCTIONS:
            return self._function()
        return self._comparison()

    def _function(self) -> str:
        name = self._take().text.lower()
        self._take("(")
        column = self._property()
        self._take(",")
        literal = self._literal()
        self._take(")")
        if column.kind not in (Kind.STRING, Kind.MEMO) or literal.kind != "string":
            raise query_error(f"The function '{name}' applies to text columns and text literals only.")
        self.params.append(_FUNCTIONS[name].format(literal.value))
        return f"dv_like({quote(column.name)}, ?) = 1"

    def _comparison(self) -> str:
        left = self._operand()
        operator = self._take().text.lower()
        if operator not in _COMPARISONS:
            raise query_error(f"Syntax error: '{operator}' is not a comparison operator in '{self.text}'.")
        right = self._operand()
        if isinstance(left, Literal) and isinstance(right, Column):
            left, right, operator = right, left, _FLIPPED[operator]
        if not isinstance(left, Column):
            raise query_error("A comparison needs a property on at least one side.")
        if isinstance(right, Column):
            return f"{_expression(left)} {_COMPARISONS[operator]} {_expression(right)}"
        return self._against_literal(left, operator, right)

    def _against_literal(self, column: Column, operator: str, literal: Literal) -> str:
        if literal.kind == "null":
            if operator not in ("eq", "ne"):
                raise query_error("null can only be compared with eq or ne.")
            return f"{quote(column.name)} IS {'NOT ' if operator == 'ne' else ''}NULL"
        self.params.append(_bind(column, literal, _OPERATOR_KINDS[operator]))
        return f"{_expression(column)} {_COMPARISONS[operator]} ?"

    def _operand(self) -> Column | Literal:
        token = self._peek()
        if token is not None and token.kind == "word" and token.text.lower() not in ("true", "false", "null"):
            return self._property()
        return self._literal()

    def _property(self) -> Column:
        token = self._take()
        name = token.text
        following = self._peek()
        if following is not None and following.text == "/":
            raise query_error(f"Navigation paths are not supported by the simulator: '{name}/…'.")
        if name.startswith("_") and name.endswith("_value"):
            column = self.meta.column(name[1:-6])
            if column is not None and column.is_lookup:
                return column
        else:
            column = self.meta.column(name)
            if column is not None and not column.is_lookup:
                return column
        raise query_error(
            f"Could not find a property named '{name}' on type "
            f"'Microsoft.Dynamics.CRM.{self.meta.logical_name}'."
        )

    def _literal(self) -> Literal:
        token = self._take()
        if token.kind == "string":
            return Literal("string", token.text[1:-1].replace("''", "'"))
        if token.kind == "word" and token.text.lower() in ("true", "false", "null"):
            return Literal(token.text.lower(), token.text.lower() == "true")
        if token.kind in ("guid", "datetime", "date", "number"):
            return Literal(token.kind, token.text)
        raise query_error(f"Syntax error: '{token.text}' is not a literal in '{self.text}'.")


def _expression(column: Column) -> str:
    name = quote(column.name)
    if column.kind in (Kind.STRING, Kind.MEMO):
        return f"{name} COLLATE DV"
    if column.kind in NUMBER_KINDS:
        return f"dv_num({name})"
    return name


def _bind(column: Column, literal: Literal, operator_kind: str) -> Any:
    kind = column.kind
    if kind in (Kind.STRING, Kind.MEMO) and literal.kind == "string":
        return literal.value
    if (kind in LOOKUP_KINDS or kind is Kind.UNIQUEIDENTIFIER) and literal.kind == "guid":
        return literal.value.lower()
    if kind in INTEGER_KINDS and literal.kind == "number" and "." not in literal.value:
        return int(literal.value)
    if kind in NUMBER_KINDS and literal.kind == "number":
        return float(Decimal(literal.value))
    if kind is Kind.BOOLEAN and literal.kind in ("true", "false"):
        return 1 if literal.value else 0
    if kind is Kind.DATETIME and literal.kind in ("datetime", "date"):
        if column.date_only:
            return literal.value[:10]
        if literal.kind == "date":
            return f"{literal.value}T00:00:00Z"
        moment = datetime.fromisoformat(literal.value.replace("Z", "+00:00")).astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    literal_type = {
        "string": "Edm.String",
        "guid": "Edm.Guid",
        "datetime": "Edm.DateTimeOffset",
        "date": "Edm.Date",
        "true": "Edm.Boolean",
        "false": "Edm.Boolean",
    }.get(literal.kind, "Edm.Decimal" if "." in str(literal.value) else "Edm.Int32")
    raise query_error(
        "A binary operator with incompatible types was detected. Found operand types "
        f"'{column.edm_type()}' and '{literal_type}' for operator kind '{operator_kind}'."
    )


def compile_filter(meta: EntityMeta, text: str) -> tuple[str, list[Any]]:
    return FilterCompiler(meta, text).compile()
