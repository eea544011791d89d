"""Record, input and payload types built from the table declarations.

No `from __future__ import annotations` here: the classes are made at run time
and strawberry must read their annotations as objects."""

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import strawberry
from strawberry.types.base import StrawberryObjectDefinition

from api.context import Info
from api.graphql.common import UserError
from domain.financials import enums
from domain.financials.records import ErpRecord
from domain.financials.tables import TABLES, FieldSpec, Kind, TableSpec, table

SCALARS: dict[Kind, Any] = {
    Kind.TEXT: str,
    Kind.CODE: str,
    Kind.DECIMAL: Decimal,
    Kind.INTEGER: int,
    Kind.BOOLEAN: bool,
    Kind.DATE: datetime.date,
}
for _enum in (
    enums.ContactType,
    enums.ItemType,
    enums.SalesType,
    enums.UnitGroupSource,
    enums.EntryType,
    enums.SalesOrderStatus,
    enums.SalesLineType,
):
    strawberry.enum(_enum)

# Inputs whose fields the public contract (API.md) marks non-null beyond the key.
ALWAYS_GIVEN: dict[str, set[str]] = {
    "sales_order": {"sell_to_customer_no"},
    "sales_price": {"sales_type", "unit_price"},
}
# Fields a rule always fills, so they are never null once stored.
FILLED: dict[str, set[str]] = {"sales_line": {"unit_of_measure", "unit_price", "line_no"}}


def graphql_type(f: FieldSpec) -> Any:
    return f.enum if f.kind is Kind.ENUM else SCALARS[f.kind]


def _never_null(spec: TableSpec, f: FieldSpec) -> bool:
    in_key = f.name in spec.key and not spec.by_id
    return f.required or f.default is not None or in_key or f.name in FILLED.get(spec.name, set())


def record_fields(record: ErpRecord) -> dict[str, Any]:
    spec = table(record.table)
    values: dict[str, Any] = {}
    for f in spec.fields:
        value = record.values.get(f.name)
        values[f.name] = f.enum(str(value)) if f.enum is not None and value is not None else value
    return values


class RecordTypes:
    """The generated types, by table name."""

    def __init__(self) -> None:
        self.outputs: dict[str, type] = {}
        self.inputs: dict[str, type] = {}
        self.payloads: dict[str, type] = {}
        for spec in sorted(TABLES, key=lambda s: s.parent is None):  # children first
            self.outputs[spec.name] = self._output(spec)
        for spec in TABLES:
            if spec.writable and spec.parent is None:
                self.inputs[spec.name] = self._input(
                    spec, f"{spec.label}Input", ALWAYS_GIVEN.get(spec.name, set())
                )
                self.payloads[spec.name] = self._payload(spec)

    def output(self, record: ErpRecord) -> Any:
        """The GraphQL object of a stored record."""
        cls = self.outputs[record.table]
        return cls(
            id=strawberry.ID(str(record.id)),
            created_at=record.created_at,
            modified_at=record.modified_at,
            record=record,
            **record_fields(record),
        )

    def _output(self, spec: TableSpec) -> type:
        annotations: dict[str, Any] = {"id": strawberry.ID}
        namespace: dict[str, Any] = {}
        for f in spec.fields:
            kind = graphql_type(f)
            annotations[f.name] = kind if _never_null(spec, f) else kind | None
            namespace[f.name] = strawberry.field(description=f.doc or None)
        annotations.update(
            created_at=datetime.datetime, modified_at=datetime.datetime, record=strawberry.Private[ErpRecord]
        )
        for child in spec.children:
            namespace[child.name] = self._children_field(spec, child.name)
        if spec.name == "item":
            namespace["inventory"] = _inventory_field()
        namespace["coupling"] = _coupling_field()
        namespace["__annotations__"] = annotations
        cls = type(spec.label, (), namespace)
        return strawberry.type(cls, description=spec.doc or None)

    def _children_field(self, spec: TableSpec, name: str) -> Any:
        child = next(c for c in spec.children if c.name == name)
        child_spec, child_type, types = table(child.table), self.outputs[child.table], self

        async def resolve(root: Any, info: Info) -> list[child_type]:  # type: ignore[valid-type]
            loader = info.context.loaders.children(child_spec, child.parent_field)
            return [types.output(r) for r in await loader.load(root.record.values[spec.key_field])]

        return strawberry.field(resolver=resolve)

    def _input(self, spec: TableSpec, name: str, always: set[str], *, child: bool = False) -> type:
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {}
        for f in spec.fields:
            if f.read_only:
                continue
            kind = graphql_type(f)
            in_key = f.name in spec.key and not spec.by_id and not child
            required = in_key or f.name in always or (child and f.required)
            annotations[f.name] = kind if required else kind | None
            namespace[f.name] = (
                strawberry.field(description=f.doc or None)
                if required
                else strawberry.field(default=strawberry.UNSET, description=f.doc or None)
            )
        for c in spec.children:
            child_spec = table(c.table)
            child_input = self._input(child_spec, f"{child_spec.label}Input", set(), child=True)
            annotations[c.name] = list[child_input] | None  # type: ignore[valid-type]  # made at run time
            namespace[c.name] = strawberry.field(
                default=strawberry.UNSET, description="Replaces the stored list when given"
            )
        namespace["__annotations__"] = annotations
        return strawberry.input(type(name, (), namespace))

    def _payload(self, spec: TableSpec) -> type:
        annotations = {spec.single: self.outputs[spec.name] | None, "user_errors": list[UserError]}
        namespace: dict[str, Any] = {
            "__annotations__": annotations,
            spec.single: None,
            "user_errors": strawberry.field(default_factory=list),
        }
        return strawberry.type(type(f"{spec.label}Payload", (), namespace))


def _inventory_field() -> Any:
    async def resolve(root: Any, info: Info) -> Decimal:
        return await info.context.loaders.inventory.load(root.record.values["no"])

    return strawberry.field(
        resolver=resolve, description="Sum of the item's ledger entries, in its base unit"
    )


CouplingType = Annotated["Coupling", strawberry.lazy("api.graphql.couplings.types")]  # type: ignore[name-defined]  # noqa: F821


def _coupling_field() -> Any:
    async def resolve(root: Any, info: Info) -> CouplingType | None:
        from api.graphql.couplings.types import Coupling

        coupling = await info.context.loaders.coupling_by_erp.load(root.record.id)
        return None if coupling is None else Coupling.of(coupling)

    return strawberry.field(resolver=resolve, description="The record's coupling to the CRM, if coupled")


def input_values(obj: Any) -> dict[str, Any]:
    """The fields a client gave in an input object (UNSET ones left out), as domain values."""
    definition: StrawberryObjectDefinition = obj.__strawberry_definition__
    values: dict[str, Any] = {}
    for f in definition.fields:
        value = getattr(obj, f.python_name)
        if value is strawberry.UNSET:
            continue
        if isinstance(value, list):
            value = [input_values(v) for v in value]
        elif isinstance(value, StrEnum):
            value = value.value
        values[f.python_name] = value
    return values
