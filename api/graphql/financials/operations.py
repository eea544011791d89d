"""Queries and mutations for every Financials table, made from the declarations.

No `from __future__ import annotations`: resolvers are made at run time."""

import inspect
import uuid
from typing import Any

import strawberry

from api.auth import requires
from api.context import Info
from api.errors import BadUserInput
from api.graphql.common import Connection, DeleteByKeyInput, DeletePayload, page_size, user_errors
from api.graphql.financials.types import RecordTypes, graphql_type, input_values
from domain.auth import Role
from domain.errors import ValidationFailed
from domain.financials.tables import TABLES, TableSpec

# Equality filters offered on list queries, beside `search`.
LIST_FILTERS: dict[str, tuple[str, ...]] = {
    "contact": ("company_no",),
    "sales_price": ("item_no", "resource_no", "sales_type", "sales_code"),
    "item_ledger_entry": ("item_no", "location_code"),
    "sales_order": ("sell_to_customer_no", "status"),
    "unit_group": ("source_type",),
}

TYPES = RecordTypes()


def _signature(params: list[tuple[str, Any, Any]], returns: Any) -> inspect.Signature:
    parameters = [inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info)]
    parameters += [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a) for n, a, d in params
    ]
    return inspect.Signature(parameters, return_annotation=returns)


def _with_signature(fn: Any, params: list[tuple[str, Any, Any]], returns: Any) -> Any:
    fn.__signature__ = _signature(params, returns)
    fn.__annotations__ = {"info": Info, **{n: a for n, a, _ in params}, "return": returns}
    return fn


def _list_field(spec: TableSpec) -> Any:
    connection = Connection[TYPES.outputs[spec.name]]  # type: ignore[name-defined]
    filters = LIST_FILTERS.get(spec.name, ())

    async def resolve(info: Info, **kwargs: Any) -> Any:
        first = page_size(kwargs.pop("first"), info.context.services.settings.max_page_size)
        after, search = kwargs.pop("after"), kwargs.pop("search")
        criteria = {k: v.value if hasattr(v, "value") else v for k, v in kwargs.items() if v is not None}
        try:
            page = await info.context.services.reads.erp.page(
                spec, first=first, after=after, search=search, filters=criteria
            )
        except ValueError as error:
            raise BadUserInput(str(error)) from None
        return connection.of(
            page.records,
            page.cursors,
            has_next=page.has_next,
            has_previous=after is not None,
            total=page.total,
            convert=TYPES.output,
        )

    params: list[tuple[str, Any, Any]] = [
        ("first", int | None, None),
        ("after", str | None, None),
        ("search", str | None, None),
    ]
    params += [(name, graphql_type(spec.field(name)) | None, None) for name in filters]
    resolver = _with_signature(resolve, params, connection)
    return strawberry.field(
        resolver=resolver,
        name=spec.plural,
        extensions=requires(Role.INTEGRATION),
        description=f"{spec.label} records in key order; `search` matches key and name fields",
    )


def _single_field(spec: TableSpec) -> Any:
    output = TYPES.outputs[spec.name] | None
    if spec.by_id:
        params: list[tuple[str, Any, Any]] = [("id", strawberry.ID, inspect.Parameter.empty)]
    else:
        params = [(spec.key_field, graphql_type(spec.field(spec.key_field)), inspect.Parameter.empty)]

    async def resolve(info: Info, **kwargs: Any) -> Any:
        store = info.context.services.reads.erp
        if spec.by_id:
            record = await store.get_by_id(spec, _parse_id(kwargs["id"]))
        else:
            value = kwargs[spec.key_field]
            record = await store.get(
                spec, {spec.key_field: value.strip().upper() if isinstance(value, str) else value}
            )
        return None if record is None else TYPES.output(record)

    return strawberry.field(
        resolver=_with_signature(resolve, params, output),
        name=spec.single,
        extensions=requires(Role.INTEGRATION),
    )


def _parse_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise BadUserInput(f"{raw!r} is not a record id") from None


def _upsert_field(spec: TableSpec) -> Any:
    payload, input_type = TYPES.payloads[spec.name], TYPES.inputs[spec.name]
    child_names = {c.name for c in spec.children}

    async def resolve(info: Info, input: Any) -> Any:
        services = info.context.services
        given = input_values(input)
        children = {name: given.pop(name) for name in child_names if name in given}
        try:
            record = await services.financials.upsert(spec.name, given, children)
        except ValidationFailed as failed:
            return payload(user_errors=user_errors(failed))
        await services.erp_changed(spec.name)
        return payload(**{spec.single: TYPES.output(record)})

    resolver = _with_signature(resolve, [("input", input_type, inspect.Parameter.empty)], payload)
    return strawberry.field(
        resolver=resolver,
        name=f"upsert{spec.label}",
        extensions=requires(Role.INTEGRATION),
        description=f"Create or change a {spec.label} by its business key",
    )


def _delete_field(spec: TableSpec) -> Any:
    async def resolve(info: Info, input: DeleteByKeyInput) -> DeletePayload:
        services = info.context.services
        record_id = _parse_id(input.id) if input.id else None
        key = {spec.key_field: input.key} if input.key is not None and not spec.by_id else None
        try:
            record = await services.financials.delete(spec.name, key=key, record_id=record_id)
        except ValidationFailed as failed:
            return DeletePayload(user_errors=user_errors(failed))
        await services.erp_changed(spec.name)
        return DeletePayload(deleted_id=strawberry.ID(str(record.id)), deleted_key=spec.key_of(record.values))

    return strawberry.field(
        resolver=resolve,
        name=f"delete{spec.label}",
        extensions=requires(Role.INTEGRATION),
        description=f"Delete a {spec.label} (refused while other records use it)",
    )


def build() -> tuple[type, type]:
    """The Financials Query and Mutation classes."""
    queries: dict[str, Any] = {}
    mutations: dict[str, Any] = {}
    for spec in TABLES:
        if spec.parent is not None:
            continue
        queries[f"list_{spec.name}"] = _list_field(spec)
        queries[f"get_{spec.name}"] = _single_field(spec)
        if spec.writable:
            mutations[f"upsert_{spec.name}"] = _upsert_field(spec)
            if spec.deletable:
                mutations[f"delete_{spec.name}"] = _delete_field(spec)
    query = strawberry.type(type("FinancialsQuery", (), queries))
    mutation = strawberry.type(type("FinancialsMutation", (), mutations))
    return query, mutation


__all__ = ["TYPES", "build"]
