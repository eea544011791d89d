"""The embedded ERP's tables. Field names and meanings are declared in
`domain/financials/tables.py`; a test keeps these columns in step with it.

References hold business keys (as in Business Central) with foreign keys to
the referenced table's key, so the database itself refuses dangling codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base


def ref(target: str, *, use_alter: bool = False) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="RESTRICT", use_alter=use_alter)


class Record:
    """Columns every Financials row has: id, timestamps (modified_at indexed for
    "changed since T" queries)."""

    id: Mapped[UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime] = mapped_column(index=True)


class CodeRecord(Record):
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    description: Mapped[str | None] = mapped_column(sa.String(100))


class Currency(Base, Record):
    __tablename__ = "currency"
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    description: Mapped[str | None] = mapped_column(sa.String(30))
    symbol: Mapped[str | None] = mapped_column(sa.String(10))
    exchange_rate: Mapped[Decimal]
    is_local: Mapped[bool] = mapped_column(default=False)


class UnitOfMeasure(Base, Record):
    __tablename__ = "unit_of_measure"
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    description: Mapped[str | None] = mapped_column(sa.String(50))


class Salesperson(Base, Record):
    __tablename__ = "salesperson"
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(50))
    email: Mapped[str | None] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    job_title: Mapped[str | None] = mapped_column(sa.String(30))


class PaymentTerms(Base, CodeRecord):
    __tablename__ = "payment_terms"


class ShipmentMethod(Base, CodeRecord):
    __tablename__ = "shipment_method"


class ShippingAgent(Base, CodeRecord):
    __tablename__ = "shipping_agent"


class CustomerPriceGroup(Base, CodeRecord):
    __tablename__ = "customer_price_group"


class Location(Base, Record):
    __tablename__ = "location"
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))


class Address:
    address: Mapped[str | None] = mapped_column(sa.String(100))
    address_2: Mapped[str | None] = mapped_column(sa.String(50))
    post_code: Mapped[str | None] = mapped_column(sa.String(20))
    city: Mapped[str | None] = mapped_column(sa.String(30))
    country_code: Mapped[str | None] = mapped_column(sa.String(10))
    county: Mapped[str | None] = mapped_column(sa.String(30))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(80))
    fax: Mapped[str | None] = mapped_column(sa.String(30))
    home_page: Mapped[str | None] = mapped_column(sa.String(80))


class Customer(Base, Record, Address):
    __tablename__ = "customer"
    no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    contact: Mapped[str | None] = mapped_column(sa.String(100))
    salesperson_code: Mapped[str | None] = mapped_column(sa.String(20), ref("salesperson.code"))
    currency_code: Mapped[str | None] = mapped_column(sa.String(10), ref("currency.code"))
    credit_limit: Mapped[Decimal]
    customer_price_group: Mapped[str | None] = mapped_column(sa.String(10), ref("customer_price_group.code"))
    payment_terms_code: Mapped[str | None] = mapped_column(sa.String(10), ref("payment_terms.code"))
    shipment_method_code: Mapped[str | None] = mapped_column(sa.String(10), ref("shipment_method.code"))
    shipping_agent_code: Mapped[str | None] = mapped_column(sa.String(10), ref("shipping_agent.code"))
    # customer ↔ contact reference each other; this side is added after both tables exist
    primary_contact_no: Mapped[str | None] = mapped_column(sa.String(20), ref("contact.no", use_alter=True))
    blocked: Mapped[bool] = mapped_column(default=False)


class Contact(Base, Record, Address):
    __tablename__ = "contact"
    no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    type: Mapped[str] = mapped_column(sa.String(20))
    company_no: Mapped[str | None] = mapped_column(sa.String(20), ref("customer.no"), index=True)
    first_name: Mapped[str | None] = mapped_column(sa.String(30))
    middle_name: Mapped[str | None] = mapped_column(sa.String(30))
    last_name: Mapped[str | None] = mapped_column(sa.String(30))
    mobile_phone: Mapped[str | None] = mapped_column(sa.String(30))
    job_title: Mapped[str | None] = mapped_column(sa.String(30))
    salesperson_code: Mapped[str | None] = mapped_column(sa.String(20), ref("salesperson.code"))
    currency_code: Mapped[str | None] = mapped_column(sa.String(10), ref("currency.code"))


class Item(Base, Record):
    __tablename__ = "item"
    no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    description: Mapped[str] = mapped_column(sa.String(100))
    type: Mapped[str] = mapped_column(sa.String(20))
    base_unit_of_measure: Mapped[str] = mapped_column(sa.String(10), ref("unit_of_measure.code"))
    unit_price: Mapped[Decimal]
    unit_cost: Mapped[Decimal]
    vendor_no: Mapped[str | None] = mapped_column(sa.String(20))
    vendor_item_no: Mapped[str | None] = mapped_column(sa.String(50))
    gross_weight: Mapped[Decimal]
    unit_volume: Mapped[Decimal]
    blocked: Mapped[bool] = mapped_column(default=False)


class ItemUnitOfMeasure(Base, Record):
    __tablename__ = "item_unit_of_measure"
    __table_args__ = (sa.UniqueConstraint("item_no", "code"),)
    item_no: Mapped[str] = mapped_column(sa.String(20), ref("item.no"))
    code: Mapped[str] = mapped_column(sa.String(10), ref("unit_of_measure.code"))
    qty_per_unit: Mapped[Decimal]


class Resource(Base, Record):
    __tablename__ = "resource"
    no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    base_unit_of_measure: Mapped[str] = mapped_column(sa.String(10), ref("unit_of_measure.code"))
    unit_price: Mapped[Decimal]
    unit_cost: Mapped[Decimal]
    vendor_no: Mapped[str | None] = mapped_column(sa.String(20))
    blocked: Mapped[bool] = mapped_column(default=False)


class ResourceUnitOfMeasure(Base, Record):
    __tablename__ = "resource_unit_of_measure"
    __table_args__ = (sa.UniqueConstraint("resource_no", "code"),)
    resource_no: Mapped[str] = mapped_column(sa.String(20), ref("resource.no"))
    code: Mapped[str] = mapped_column(sa.String(10), ref("unit_of_measure.code"))
    qty_per_unit: Mapped[Decimal]


class UnitGroup(Base, Record):
    __tablename__ = "unit_group"
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    source_type: Mapped[str] = mapped_column(sa.String(20))
    source_no: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str | None] = mapped_column(sa.String(100))
    base_unit_of_measure: Mapped[str | None] = mapped_column(sa.String(10))


class SalesPrice(Base, Record):
    """Blank key parts are NULL, and NULLs never collide in a unique index, so
    the natural key's uniqueness is kept by the domain (one upsert per key) and
    this index serves its lookups and the price search."""

    __tablename__ = "sales_price"
    __table_args__ = (sa.Index(None, "item_no", "sales_type", "sales_code", "starting_date"),)
    item_no: Mapped[str | None] = mapped_column(sa.String(20), ref("item.no"))
    resource_no: Mapped[str | None] = mapped_column(sa.String(20), ref("resource.no"), index=True)
    sales_type: Mapped[str] = mapped_column(sa.String(30))
    sales_code: Mapped[str | None] = mapped_column(sa.String(20))
    currency_code: Mapped[str | None] = mapped_column(sa.String(10), ref("currency.code"))
    starting_date: Mapped[date | None]
    ending_date: Mapped[date | None]
    unit_of_measure: Mapped[str | None] = mapped_column(sa.String(10), ref("unit_of_measure.code"))
    minimum_quantity: Mapped[Decimal]
    unit_price: Mapped[Decimal]


class ItemLedgerEntry(Base):
    """Append-only stock moves; `entry_no` is assigned by the database."""

    __tablename__ = "item_ledger_entry"
    __table_args__ = (sa.Index(None, "item_no", "location_code"),)
    entry_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    id: Mapped[UUID] = mapped_column(unique=True)
    item_no: Mapped[str] = mapped_column(sa.String(20), ref("item.no"))
    location_code: Mapped[str | None] = mapped_column(sa.String(10), ref("location.code"))
    posting_date: Mapped[date]
    entry_type: Mapped[str] = mapped_column(sa.String(20))
    quantity: Mapped[Decimal]
    document_no: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime] = mapped_column(index=True)


class SalesOrder(Base, Record):
    __tablename__ = "sales_order"
    no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    sell_to_customer_no: Mapped[str] = mapped_column(sa.String(20), ref("customer.no"), index=True)
    currency_code: Mapped[str | None] = mapped_column(sa.String(10), ref("currency.code"))
    order_date: Mapped[date | None]
    requested_delivery_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20))
    your_reference: Mapped[str | None] = mapped_column(sa.String(35))
    external_document_no: Mapped[str | None] = mapped_column(sa.String(35))


class SalesLine(Base, Record):
    __tablename__ = "sales_line"
    __table_args__ = (sa.UniqueConstraint("document_no", "line_no"), sa.Index(None, "type", "no"))
    document_no: Mapped[str] = mapped_column(sa.String(20), ref("sales_order.no"))
    line_no: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(20))
    no: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str | None] = mapped_column(sa.String(100))
    unit_of_measure: Mapped[str | None] = mapped_column(sa.String(10), ref("unit_of_measure.code"))
    quantity: Mapped[Decimal]
    unit_price: Mapped[Decimal]
    line_discount: Mapped[Decimal]
    quantity_shipped: Mapped[Decimal]
    location_code: Mapped[str | None] = mapped_column(sa.String(10), ref("location.code"))


class Tombstone(Base):
    """What is left of a deleted Financials row, for "deleted since T" queries."""

    __tablename__ = "erp_tombstone"
    __table_args__ = (sa.Index(None, "table_name", "deleted_at"),)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[UUID]
    record_key: Mapped[str] = mapped_column(sa.String(200))
    deleted_at: Mapped[datetime]
