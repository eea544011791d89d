"""Collection queries (reference §2.7-2.8): ``$select``, ``$filter``, ``$orderby``,
``$top``, ``$count``, ``$expand`` (one level, with ``$select`` inside), and paging
with ``Prefer: odata.maxpagesize`` (default and maximum 5000) and a
``$skiptoken`` paging cookie. ``$top`` is ignored when a page size is asked for,
as documented. ``$skip``, ``$search``, ``$format`` and ``$apply`` answer 400.

Rows come in the ``$orderby`` order with the primary key as the last tie-breaker
(the key alone without ``$orderby``). Null sorts first ascending and last
descending, as on SQL Server. Ordering by a lookup orders by its id, not by the
related row's name as Dataverse does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from adapters.dataverse.simulator._errors import query_error
from adapters.dataverse.simulator._filter import compile_filter
from adapters.dataverse.simulator._metadata import NUMBER_KINDS, Column, EntityMeta, Kind
from adapters.dataverse.simulator._org import Organization
from adapters.dataverse.simulator._protocol import MAX_PAGE_SIZE, read_paging_cookie
from adapters.dataverse.simulator._store import quote

_REFUSED = ("$skip", "$search", "$format", "$apply")
_KNOWN = ("$select", "$filter", "$orderby", "$top", "$count", "$expand", "$skiptoken")


@dataclass(slots=True)
class Expand:
    nav: str
    select: list[str] | None = None


@dataclass(slots=True)
class QueryOptions:
    select: list[Column] | None = None
    where: str | None = None
    params: list[Any] = field(default_factory=list)
    order: list[tuple[Column, bool]] = field(default_factory=list)
    top: int | None = None
    count: bool = False
    expand: list[Expand] = field(default_factory=list)
    page_number: int = 1
    last_key: list[Any] | None = None


@dataclass(slots=True)
class Page:
    rows: list[dict[str, Any]]
    last_key: list[Any] | None
    count: int | None = None


def resolve_property(meta: EntityMeta, name: str) -> Column:
    """A ``$select``/``$orderby`` name: a column, or ``_x_value`` for a lookup."""
    if name.startswith("_") and name.endswith("_value"):
        column = meta.column(name[1:-6])
        if column is not None and column.is_lookup:
            return column
    else:
        column = meta.column(name)
        if column is not None and not column.is_lookup:
            return column
    raise query_error(
        f"Could not find a property named '{name}' on type 'Microsoft.Dynamics.CRM.{meta.logical_name}'."
    )


def parse_select(meta: EntityMeta, text: str | None) -> list[Column] | None:
    if not text:
        return None
    return [resolve_property(meta, name.strip()) for name in text.split(",") if name.strip()]


def parse_options(meta: EntityMeta, params: Mapping[str, str]) -> QueryOptions:
    for name in params:
        if name in _REFUSED:
            raise query_error(f"The query parameter {name} is not supported")
        if name.startswith("$") and name not in _KNOWN:
            raise query_error(f"The query parameter {name} is not supported")
    options = QueryOptions(select=parse_select(meta, params.get("$select")))
    if params.get("$filter"):
        options.where, options.params = compile_filter(meta, params["$filter"])
    for item in (params.get("$orderby") or "").split(","):
        if item.strip():
            name, _, direction = item.strip().partition(" ")
            direction = direction.strip().lower() or "asc"
            if direction not in ("asc", "desc"):
                raise query_error(f"Invalid $orderby direction '{direction}'.")
            options.order.append((resolve_property(meta, name), direction == "desc"))
    if params.get("$top"):
        try:
            options.top = int(params["$top"])
        except ValueError:
            raise query_error(f"Invalid value for $top: '{params['$top']}'.") from None
        if options.top < 0:
            raise query_error("$top must not be negative.")
    options.count = params.get("$count", "").lower() == "true"
    options.expand = parse_expand(meta, params.get("$expand"))
    if params.get("$skiptoken"):
        options.page_number, options.last_key = read_paging_cookie(params["$skiptoken"])
    return options


def parse_expand(meta: EntityMeta, text: str | None) -> list[Expand]:
    expands: list[Expand] = []
    for item in _split_top_level(text or ""):
        nav, _, inner = item.partition("(")
        nav = nav.strip()
        if (
            nav not in meta.many_to_many
            and nav not in meta.one_to_many
            and nav not in meta.navigation_properties()
        ):
            raise query_error(
                f"Could not find a property named '{nav}' on type "
                f"'Microsoft.Dynamics.CRM.{meta.logical_name}'."
            )
        select = None
        for option in inner.rstrip(")").split(";") if inner else ():
            key, _, value = option.partition("=")
            if key.strip() != "$select":
                raise query_error(f"The simulator supports only $select inside $expand, not '{key.strip()}'.")
            select = [name.strip() for name in value.split(",") if name.strip()]
        expands.append(Expand(nav, select))
    return expands


def _split_top_level(text: str) -> list[str]:
    items, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def run(org: Organization, meta: EntityMeta, options: QueryOptions, page_size: int | None) -> Page:
    """One page of rows; `Page.last_key` is set when more rows follow."""
    table = quote(meta.logical_name)
    keys = [*options.order, (meta.columns[meta.primary_id], False)]
    where = [f"({options.where})"] if options.where else []
    params = list(options.params)
    count = None
    if options.count:
        count = min(
            MAX_PAGE_SIZE, int(org.store.scalar(f"SELECT COUNT(*) FROM {table} {_where(where)}", params))
        )
    if options.last_key is not None:
        clause, key_params = _after(keys, options.last_key)
        where.append(clause)
        params += key_params
    limit = page_size or MAX_PAGE_SIZE
    if page_size is None and options.top is not None:
        limit = min(options.top, MAX_PAGE_SIZE)
    order = ", ".join(f"{_sort_expression(column)} {'DESC' if desc else 'ASC'}" for column, desc in keys)
    rows = org.store.select(
        f"SELECT * FROM {table} {_where(where)} ORDER BY {order} LIMIT ?", [*params, limit + 1]
    )
    more = len(rows) > limit and not (page_size is None and options.top is not None)
    rows = rows[:limit]
    last_key = [_sort_value(column, rows[-1].get(column.name)) for column, _ in keys] if more else None
    return Page(rows, last_key, count)


def _where(parts: list[str]) -> str:
    return f"WHERE {' AND '.join(parts)}" if parts else ""


def _sort_expression(column: Column) -> str:
    name = quote(column.name)
    if column.kind in (Kind.STRING, Kind.MEMO):
        return f"{name} COLLATE DV"
    if column.kind in NUMBER_KINDS:
        return f"dv_num({name})"
    return name


def _sort_value(column: Column, value: Any) -> Any:
    if value is not None and column.kind in NUMBER_KINDS:
        return float(Decimal(str(value)))
    return value


def _after(keys: list[tuple[Column, bool]], last: list[Any]) -> tuple[str, list[Any]]:
    """Keyset condition "comes after `last`" for these sort keys (nulls first ascending)."""
    if len(last) != len(keys):
        raise query_error("The $skiptoken does not match the query.")
    alternatives: list[str] = []
    params: list[Any] = []
    for index, (column, desc) in enumerate(keys):
        parts: list[str] = []
        part_params: list[Any] = []
        for (earlier, _), value in zip(keys[:index], last[:index], strict=True):
            expression = _sort_expression(earlier)
            parts.append(f"{expression} IS NULL" if value is None else f"{expression} = ?")
            part_params += [] if value is None else [value]
        expression = _sort_expression(column)
        value = last[index]
        if value is None:
            parts.append("0" if desc else f"{expression} IS NOT NULL")
        elif desc:
            parts.append(f"({expression} < ? OR {expression} IS NULL)")
            part_params.append(value)
        else:
            parts.append(f"{expression} > ?")
            part_params.append(value)
        alternatives.append("(" + " AND ".join(parts) + ")")
        params += part_params
    return "(" + " OR ".join(alternatives) + ")", params
