"""The SQL `PriceStore`: the customer and currencies in one statement, the
assets (availability_assets), then the candidate prices in one statement whose
two branches use the item and resource indexes of `sales_price`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from adapters.db.models import CouplingRow
from adapters.db.models.financials import Currency as CurrencyRow
from adapters.db.models.financials import Customer, SalesPrice
from adapters.db.repositories.availability import SqlSalesLineReads
from adapters.db.repositories.availability_assets import cached, decimal, member
from domain.financials.enums import SalesType
from domain.pricing import Currency, PriceLine
from domain.pricing_service import PriceStore, PricingBasis, PricingCustomer
from domain.sales_lines import Asset, AssetKind

CUSTOMER_MAPPING = "CUSTOMER"
BY_NO, BY_ACCOUNT, CURRENCY = "N", "A", "C"


def _basis_statement(dialect: str) -> sa.CompoundSelect[Any]:
    # typed NULLs: PostgreSQL matches UNION column types
    no_rate, no_flag = sa.cast(sa.null(), sa.String), sa.cast(sa.null(), sa.Integer)
    customer = (Customer.no, Customer.customer_price_group, Customer.currency_code, no_rate, no_flag)
    by_no = sa.select(sa.literal(BY_NO, sa.String), *customer).where(
        Customer.no == sa.bindparam("customer_no")
    )
    by_account = (
        sa.select(sa.literal(BY_ACCOUNT, sa.String), *customer)
        .select_from(CouplingRow)
        .join(Customer, Customer.id == CouplingRow.erp_id)
        .where(
            CouplingRow.mapping_name == CUSTOMER_MAPPING,
            CouplingRow.crm_id == sa.bindparam("crm_account_id", type_=sa.Uuid),
            ~CouplingRow.pending,
        )
    )
    currencies = sa.select(
        sa.literal(CURRENCY, sa.String),
        CurrencyRow.code,
        sa.cast(sa.null(), sa.String),
        sa.cast(sa.null(), sa.String),
        sa.cast(CurrencyRow.exchange_rate, sa.String),
        sa.cast(CurrencyRow.is_local, sa.Integer),
    )
    return sa.union_all(by_no, by_account, currencies)


def _prices_statement(dialect: str) -> sa.CompoundSelect[Any]:
    buyer = sa.or_(
        SalesPrice.sales_type == SalesType.ALL_CUSTOMERS.value,
        sa.and_(
            SalesPrice.sales_type == SalesType.CUSTOMER.value,
            SalesPrice.sales_code == sa.bindparam("customer_no", type_=sa.String),
        ),
        sa.and_(
            SalesPrice.sales_type == SalesType.CUSTOMER_PRICE_GROUP.value,
            SalesPrice.sales_code == sa.bindparam("price_group", type_=sa.String),
        ),
    )
    on = sa.bindparam("on", type_=sa.Date)
    valid = sa.and_(
        sa.or_(SalesPrice.starting_date.is_(None), SalesPrice.starting_date <= on),
        sa.or_(SalesPrice.ending_date.is_(None), SalesPrice.ending_date >= on),
    )
    columns = (
        SalesPrice.id,
        SalesPrice.item_no,
        SalesPrice.resource_no,
        SalesPrice.sales_type,
        SalesPrice.sales_code,
        SalesPrice.currency_code,
        SalesPrice.starting_date,
        SalesPrice.ending_date,
        SalesPrice.unit_of_measure,
        SalesPrice.minimum_quantity,
        SalesPrice.unit_price,
    )
    items = sa.select(*columns).where(
        member(SalesPrice.item_no, "item_nos", sa.String, dialect), buyer, valid
    )
    resources = sa.select(*columns).where(
        member(SalesPrice.resource_no, "resource_nos", sa.String, dialect), buyer, valid
    )
    return sa.union_all(items, resources)


_BASIS: dict[str, sa.CompoundSelect[Any]] = {}
_PRICES: dict[str, sa.CompoundSelect[Any]] = {}


class SqlPriceStore(SqlSalesLineReads):
    async def basis(self, customer_no: str | None, crm_account_id: UUID | None) -> PricingBasis:
        statement = cached(_BASIS, _basis_statement, self.conn.dialect.name)
        rows = await self.conn.execute(
            statement, {"customer_no": customer_no, "crm_account_id": crm_account_id}
        )
        by_no = by_account = None
        currencies: dict[str, Currency] = {}
        for kind, code, group, currency, rate, is_local in rows:
            if kind == CURRENCY:
                currencies[code] = Currency(code, decimal(rate), bool(is_local))
            elif kind == BY_NO:
                by_no = PricingCustomer(code, group, currency)
            else:
                by_account = PricingCustomer(code, group, currency)
        return PricingBasis(by_no, by_account, currencies)

    async def prices(
        self, assets: Sequence[Asset], customer_no: str | None, price_group: str | None, on: date
    ) -> list[PriceLine]:
        statement = cached(_PRICES, _prices_statement, self.conn.dialect.name)
        params = {
            "item_nos": sorted(a.no for a in assets if a.kind is AssetKind.ITEM),
            "resource_nos": sorted(a.no for a in assets if a.kind is AssetKind.RESOURCE),
            "customer_no": customer_no,
            "price_group": price_group,
            "on": on,
        }
        return [price_line(row) for row in await self.conn.execute(statement, params)]


def price_line(row: Any) -> PriceLine:
    kind = AssetKind.ITEM if row.item_no is not None else AssetKind.RESOURCE
    return PriceLine(
        id=row.id,
        asset_kind=kind,
        asset_no=row.item_no if kind is AssetKind.ITEM else row.resource_no,
        sales_type=SalesType(row.sales_type),
        sales_code=row.sales_code,
        currency_code=row.currency_code,
        starting_date=row.starting_date,
        ending_date=row.ending_date,
        unit_of_measure=row.unit_of_measure,
        minimum_quantity=decimal(row.minimum_quantity),
        unit_price=decimal(row.unit_price),
    )


def _implements_the_port(store: SqlPriceStore) -> PriceStore:
    return store  # mypy checks SqlPriceStore against the PriceStore port here
