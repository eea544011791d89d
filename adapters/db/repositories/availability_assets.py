"""The items, resources and locations a sales-line request names, in one
statement: a UNION ALL whose every branch is one index lookup (item.no,
resource.no, coupling (mapping, crm_id), location.code).

Statements are built once per dialect and reused, and lists are bound as one
array on PostgreSQL (`= ANY(:x)`), so the server and SQLAlchemy's compiled cache
see the same text whatever the number of lines."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.base import trim
from adapters.db.models import CouplingRow
from adapters.db.models.financials import Item, ItemUnitOfMeasure, Location, Resource, ResourceUnitOfMeasure
from domain.sales_lines import Asset, AssetKind, AssetQuery, Catalog

ITEM_PRODUCT = "ITEM-PRODUCT"
RESOURCE_PRODUCT = "RESOURCE-PRODUCT"
LOCATION = "LOCATION"
_QUANTUM = Decimal("0.00001")


def member(column: Any, name: str, type_: Any, dialect: str) -> sa.ColumnElement[bool]:
    """`column` is one of the values bound as `name` (a list)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(type_)))  # type: ignore[no-any-return]
    return column.in_(sa.bindparam(name, expanding=True, type_=type_))  # type: ignore[no-any-return]


def decimal(value: Any) -> Decimal:
    """An exact Decimal from either driver (SQLite hands back floats)."""
    if isinstance(value, Decimal):
        return value
    return trim(Decimal(str(value)).quantize(_QUANTUM))


def _assets(kind: AssetKind, mapping: str, dialect: str) -> tuple[sa.Select[Any], sa.Select[Any]]:
    owner: Any = Item if kind is AssetKind.ITEM else Resource
    unit: Any = ItemUnitOfMeasure if kind is AssetKind.ITEM else ResourceUnitOfMeasure
    unit_owner = unit.item_no if kind is AssetKind.ITEM else unit.resource_no
    nos = "item_nos" if kind is AssetKind.ITEM else "resource_nos"
    coupled = sa.and_(
        CouplingRow.mapping_name == mapping, CouplingRow.erp_id == owner.id, ~CouplingRow.pending
    )
    columns = (
        sa.literal(kind.value, sa.String).label("kind"),
        owner.no,
        owner.base_unit_of_measure,
        owner.unit_price,
        owner.blocked,
        unit.code,
        unit.qty_per_unit,
        CouplingRow.crm_id,
    )
    by_no = (
        sa.select(*columns)
        .select_from(owner)
        .join(unit, unit_owner == owner.no)
        .outerjoin(CouplingRow, coupled)
        .where(member(owner.no, nos, sa.String, dialect))
    )
    by_product = (
        sa.select(*columns)
        .select_from(CouplingRow)
        .join(owner, coupled)
        .join(unit, unit_owner == owner.no)
        .where(member(CouplingRow.crm_id, "product_ids", sa.Uuid, dialect))
    )
    return by_no, by_product


def _statement(dialect: str) -> sa.CompoundSelect[Any]:
    nothing = sa.null()
    locations = sa.select(
        sa.literal(LOCATION, sa.String),
        Location.code,
        nothing,
        nothing,
        nothing,
        nothing,
        nothing,
        nothing,
    ).where(member(Location.code, "location_codes", sa.String, dialect))
    return sa.union_all(
        *_assets(AssetKind.ITEM, ITEM_PRODUCT, dialect),
        *_assets(AssetKind.RESOURCE, RESOURCE_PRODUCT, dialect),
        locations,
    )


_STATEMENTS: dict[str, sa.CompoundSelect[Any]] = {}


def cached(statements: dict[str, Any], build: Callable[[str], Any], dialect: str) -> Any:
    statement = statements.get(dialect)
    if statement is None:
        statement = statements[dialect] = build(dialect)
    return statement


async def read_catalog(conn: AsyncConnection, query: AssetQuery) -> Catalog:
    """The named items and resources with their units and CRM products, and the named locations."""
    dialect = conn.dialect.name
    rows = await conn.execute(
        cached(_STATEMENTS, _statement, dialect),
        {
            "item_nos": sorted(query.item_nos),
            "resource_nos": sorted(query.resource_nos),
            "product_ids": sorted(query.product_ids),
            "location_codes": sorted(query.location_codes),
        },
    )
    found: dict[tuple[str, str], dict[str, Any]] = {}
    locations = set()
    for kind, no, base, price, blocked, unit, per_unit, crm_id in rows:
        if kind == LOCATION:
            locations.add(no)
            continue
        entry = found.setdefault(
            (kind, no),
            {"base": base, "price": decimal(price), "blocked": bool(blocked), "units": {}, "crm": None},
        )
        entry["units"][unit] = decimal(per_unit)
        if crm_id is not None:
            entry["crm"] = crm_id if isinstance(crm_id, UUID) else UUID(str(crm_id))
    items: dict[str, Asset] = {}
    resources: dict[str, Asset] = {}
    products: dict[UUID, Asset] = {}
    for (kind, no), e in found.items():
        asset = Asset(AssetKind(kind), no, e["base"], e["price"], e["blocked"], e["units"], e["crm"])
        (items if asset.kind is AssetKind.ITEM else resources)[no] = asset
        if asset.crm_product_id is not None:
            products[asset.crm_product_id] = asset
    return Catalog(items=items, resources=resources, products=products, locations=frozenset(locations))
