"""Building Web API URLs and query options, and reading ids out of responses."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from urllib.parse import quote
from uuid import UUID

from adapters.dataverse._schema import EntitySpec
from adapters.dataverse._values import LOOKUP_LOGICAL_NAME
from domain.crm import CrmValidationError, odata_literal

ANNOTATIONS = f'odata.include-annotations="{LOOKUP_LOGICAL_NAME}"'
_ENTITY_ID = re.compile(
    r"\(([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\)/?$"
)


def row_path(spec: EntitySpec, row_id: UUID) -> str:
    return f"{spec.entity_set}({row_id})"


def column(spec: EntitySpec, name: str) -> str:
    """The Web API property for a port attribute name (lookups read as ``_x_value``)."""
    return f"_{name}_value" if name in spec.lookups else name


def select_clause(spec: EntitySpec, select: Sequence[str] | None) -> str | None:
    """``$select`` for `select`, always with the key and the modified-on/by columns the
    port's `CrmRow` carries; None (all columns) when `select` is None."""
    if select is None:
        return None
    names = [spec.primary_id, "modifiedon", "_modifiedby_value"]
    for name in select:
        property_name = column(spec, name)
        if property_name not in names:
            names.append(property_name)
    return ",".join(names)


def orderby_clause(spec: EntitySpec, orderby: Sequence[str]) -> str:
    items = []
    for item in orderby:
        name, _, direction = item.strip().partition(" ")
        direction = direction.strip().lower() or "asc"
        if direction not in ("asc", "desc"):
            raise CrmValidationError(f"orderby direction must be asc or desc: {item!r}")
        items.append(f"{column(spec, name)} {direction}")
    return ",".join(items)


def query_params(
    spec: EntitySpec,
    *,
    filter: str | None = None,
    select: Sequence[str] | None = None,
    orderby: Sequence[str] | None = None,
    top: int | None = None,
) -> dict[str, str]:
    params: dict[str, str] = {}
    clause = select_clause(spec, select)
    if clause:
        params["$select"] = clause
    if filter:
        params["$filter"] = filter
    if orderby:
        params["$orderby"] = orderby_clause(spec, orderby)
    if top is not None:
        params["$top"] = str(top)
    return params


def changed_since_filter(since: datetime | None, extra: str | None) -> str | None:
    parts = [f"modifiedon gt {odata_literal(since)}"] if since is not None else []
    if extra:
        parts.append(f"({extra})")
    return " and ".join(parts) or None


def id_chunks(
    spec: EntitySpec, ids: Sequence[UUID], *, base_length: int, max_url_length: int
) -> Iterator[list[UUID]]:
    """Split `ids` so each ``pk eq … or pk eq …`` filter keeps the URL under the limit."""
    per_id = len(quote(f"{spec.primary_id} eq {ids[0] if ids else ''} or ", safe=""))
    room = max_url_length - base_length - len("&$filter=")
    size = max(1, min(500, room // per_id))
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def ids_filter(spec: EntitySpec, ids: Sequence[UUID]) -> str:
    return " or ".join(f"{spec.primary_id} eq {row_id}" for row_id in ids)


def entity_id(header: str | None) -> UUID | None:
    """The key in an ``OData-EntityId`` (or ``Location``) header."""
    match = _ENTITY_ID.search(header or "")
    return UUID(match.group(1)) if match else None
