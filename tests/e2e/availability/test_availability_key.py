"""The AVAILABILITY key reads itemAvailability, salesLinePrices and priceList and
nothing else: every other root field of Query and Mutation is FORBIDDEN to it."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputType,
    GraphQLNonNull,
    get_named_type,
    is_leaf_type,
)

from api.graphql.schema import schema
from tests.support.graphql import GraphQLClient, error_codes

ALLOWED = {"itemAvailability", "salesLinePrices", "priceList"}
SAMPLE_ARGUMENTS: dict[str, str] = {
    "itemAvailability": '(lines: [{itemNo: "1000"}])',
    "salesLinePrices": '(input: {lines: [{itemNo: "1000", quantity: "1"}]})',
    "priceList": '(code: "RETAIL")',
}


LEAVES = {
    "Int": "1",
    "Float": "1",
    "Boolean": "false",
    "Decimal": '"1"',
    "Date": '"2026-11-25"',
    "String": '"X"',
}


def _value(type_: GraphQLInputType) -> str:
    """A value of the type that passes validation (contents do not matter: the role check comes first)."""
    named = get_named_type(type_)
    name = named.name
    if is_leaf_type(named):
        if hasattr(named, "values"):
            return next(iter(named.values))  # type: ignore[attr-defined]
        return LEAVES.get(name, '"00000000-0000-4000-8000-000000000001"')
    fields = [f"{n}: {_value(f.type)}" for n, f in named.fields.items() if isinstance(f.type, GraphQLNonNull)]  # type: ignore[attr-defined]
    return "{" + ", ".join(fields) + "}"


def _selection(field: GraphQLField) -> str:
    return "" if is_leaf_type(get_named_type(field.type)) else "{ __typename }"


def operation(kind: str, name: str, field: GraphQLField) -> str:
    arguments = SAMPLE_ARGUMENTS.get(name)
    if arguments is None:
        required = [
            f"{n}: {_value(a.type)}" for n, a in field.args.items() if isinstance(a.type, GraphQLNonNull)
        ]
        arguments = f"({', '.join(required)})" if required else ""
    return f"{kind} {{ {name}{arguments} {_selection(field)} }}"


def root_fields() -> list[tuple[str, str, Any]]:
    graphql_schema = schema._schema
    roots = [("query", graphql_schema.query_type), ("mutation", graphql_schema.mutation_type)]
    return [(kind, name, field) for kind, root in roots if root for name, field in root.fields.items()]


async def test_the_availability_key_reads_its_three_fields_and_nothing_else(plugin: GraphQLClient) -> None:
    outcomes = {}
    for kind, name, field in root_fields():
        body = await plugin.execute(operation(kind, name, field))
        outcomes[name] = "OK" if not body.get("errors") else ",".join(error_codes(body))
    assert {n for n, o in outcomes.items() if o == "OK"} == ALLOWED
    assert {n: o for n, o in outcomes.items() if n not in ALLOWED and o != "FORBIDDEN"} == {}
