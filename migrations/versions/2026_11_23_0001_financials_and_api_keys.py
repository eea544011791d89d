"""financials and api keys

Revision ID: 08484f669bf2
Revises:
Create Date: 2026-11-23 19:12:30.974103
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.base


revision: str = "08484f669bf2"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", adapters.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
    )
    op.create_table(
        "currency",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=30), nullable=True),
        sa.Column("symbol", sa.String(length=10), nullable=True),
        sa.Column("exchange_rate", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_currency")),
        sa.UniqueConstraint("code", name=op.f("uq_currency_code")),
    )
    with op.batch_alter_table("currency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_currency_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "customer_price_group",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_price_group")),
        sa.UniqueConstraint("code", name=op.f("uq_customer_price_group_code")),
    )
    with op.batch_alter_table("customer_price_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_price_group_modified_at"), ["modified_at"], unique=False
        )

    op.create_table(
        "erp_tombstone",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("record_key", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erp_tombstone")),
    )
    with op.batch_alter_table("erp_tombstone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erp_tombstone_table_name_erp_tombstone_deleted_at"),
            ["table_name", "deleted_at"],
            unique=False,
        )

    op.create_table(
        "location",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
        sa.UniqueConstraint("code", name=op.f("uq_location_code")),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_location_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "payment_terms",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_terms")),
        sa.UniqueConstraint("code", name=op.f("uq_payment_terms_code")),
    )
    with op.batch_alter_table("payment_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_terms_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "salesperson",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("email", sa.String(length=80), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("job_title", sa.String(length=30), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salesperson")),
        sa.UniqueConstraint("code", name=op.f("uq_salesperson_code")),
    )
    with op.batch_alter_table("salesperson", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_salesperson_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "shipment_method",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_method")),
        sa.UniqueConstraint("code", name=op.f("uq_shipment_method_code")),
    )
    with op.batch_alter_table("shipment_method", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_method_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "shipping_agent",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_agent")),
        sa.UniqueConstraint("code", name=op.f("uq_shipping_agent_code")),
    )
    with op.batch_alter_table("shipping_agent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipping_agent_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "unit_group",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("source_type", sa.String(length=20), nullable=False),
        sa.Column("source_no", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_group")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_group_code")),
    )
    with op.batch_alter_table("unit_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_group_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "unit_of_measure",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=50), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_of_measure")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_of_measure_code")),
    )
    with op.batch_alter_table("unit_of_measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_of_measure_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "customer",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=True),
        sa.Column("salesperson_code", sa.String(length=20), nullable=True),
        sa.Column("currency_code", sa.String(length=10), nullable=True),
        sa.Column("credit_limit", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("customer_price_group", sa.String(length=10), nullable=True),
        sa.Column("payment_terms_code", sa.String(length=10), nullable=True),
        sa.Column("shipment_method_code", sa.String(length=10), nullable=True),
        sa.Column("shipping_agent_code", sa.String(length=10), nullable=True),
        sa.Column("primary_contact_no", sa.String(length=20), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=True),
        sa.Column("address_2", sa.String(length=50), nullable=True),
        sa.Column("post_code", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=30), nullable=True),
        sa.Column("country_code", sa.String(length=10), nullable=True),
        sa.Column("county", sa.String(length=30), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=80), nullable=True),
        sa.Column("fax", sa.String(length=30), nullable=True),
        sa.Column("home_page", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_customer_currency_code_currency"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["customer_price_group"],
            ["customer_price_group.code"],
            name=op.f("fk_customer_customer_price_group_customer_price_group"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payment_terms_code"],
            ["payment_terms.code"],
            name=op.f("fk_customer_payment_terms_code_payment_terms"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_code"],
            ["salesperson.code"],
            name=op.f("fk_customer_salesperson_code_salesperson"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_method_code"],
            ["shipment_method.code"],
            name=op.f("fk_customer_shipment_method_code_shipment_method"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shipping_agent_code"],
            ["shipping_agent.code"],
            name=op.f("fk_customer_shipping_agent_code_shipping_agent"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("no", name=op.f("uq_customer_no")),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "item",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("base_unit_of_measure", sa.String(length=10), nullable=False),
        sa.Column("unit_price", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("unit_cost", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("vendor_no", sa.String(length=20), nullable=True),
        sa.Column("vendor_item_no", sa.String(length=50), nullable=True),
        sa.Column("gross_weight", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("unit_volume", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_unit_of_measure"],
            ["unit_of_measure.code"],
            name=op.f("fk_item_base_unit_of_measure_unit_of_measure"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("no", name=op.f("uq_item_no")),
    )
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "resource",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("base_unit_of_measure", sa.String(length=10), nullable=False),
        sa.Column("unit_price", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("unit_cost", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("vendor_no", sa.String(length=20), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_unit_of_measure"],
            ["unit_of_measure.code"],
            name=op.f("fk_resource_base_unit_of_measure_unit_of_measure"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
        sa.UniqueConstraint("no", name=op.f("uq_resource_no")),
    )
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "contact",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("company_no", sa.String(length=20), nullable=True),
        sa.Column("first_name", sa.String(length=30), nullable=True),
        sa.Column("middle_name", sa.String(length=30), nullable=True),
        sa.Column("last_name", sa.String(length=30), nullable=True),
        sa.Column("mobile_phone", sa.String(length=30), nullable=True),
        sa.Column("job_title", sa.String(length=30), nullable=True),
        sa.Column("salesperson_code", sa.String(length=20), nullable=True),
        sa.Column("currency_code", sa.String(length=10), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=True),
        sa.Column("address_2", sa.String(length=50), nullable=True),
        sa.Column("post_code", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=30), nullable=True),
        sa.Column("country_code", sa.String(length=10), nullable=True),
        sa.Column("county", sa.String(length=30), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=80), nullable=True),
        sa.Column("fax", sa.String(length=30), nullable=True),
        sa.Column("home_page", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_no"], ["customer.no"], name=op.f("fk_contact_company_no_customer"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_contact_currency_code_currency"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_code"],
            ["salesperson.code"],
            name=op.f("fk_contact_salesperson_code_salesperson"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("no", name=op.f("uq_contact_no")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_company_no"), ["company_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_modified_at"), ["modified_at"], unique=False)

    # customer and contact refer to each other: this side is added once both exist
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_customer_primary_contact_no_contact"),
            "contact",
            ["primary_contact_no"],
            ["no"],
            ondelete="RESTRICT",
        )

    op.create_table(
        "item_ledger_entry",
        sa.Column("entry_no", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("entry_type", sa.String(length=20), nullable=False),
        sa.Column("quantity", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("document_no", sa.String(length=20), nullable=True),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_no"], ["item.no"], name=op.f("fk_item_ledger_entry_item_no_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["location_code"],
            ["location.code"],
            name=op.f("fk_item_ledger_entry_location_code_location"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("entry_no", name=op.f("pk_item_ledger_entry")),
        sa.UniqueConstraint("id", name=op.f("uq_item_ledger_entry_id")),
    )
    with op.batch_alter_table("item_ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_ledger_entry_item_no_item_ledger_entry_location_code"),
            ["item_no", "location_code"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_item_ledger_entry_modified_at"), ["modified_at"], unique=False)

    op.create_table(
        "item_unit_of_measure",
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("qty_per_unit", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["unit_of_measure.code"],
            name=op.f("fk_item_unit_of_measure_code_unit_of_measure"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["item_no"], ["item.no"], name=op.f("fk_item_unit_of_measure_item_no_item"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_unit_of_measure")),
        sa.UniqueConstraint("item_no", "code", name=op.f("uq_item_unit_of_measure_item_no_code")),
    )
    with op.batch_alter_table("item_unit_of_measure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_unit_of_measure_modified_at"), ["modified_at"], unique=False
        )

    op.create_table(
        "resource_unit_of_measure",
        sa.Column("resource_no", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("qty_per_unit", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["unit_of_measure.code"],
            name=op.f("fk_resource_unit_of_measure_code_unit_of_measure"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resource_no"],
            ["resource.no"],
            name=op.f("fk_resource_unit_of_measure_resource_no_resource"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_unit_of_measure")),
        sa.UniqueConstraint("resource_no", "code", name=op.f("uq_resource_unit_of_measure_resource_no_code")),
    )
    with op.batch_alter_table("resource_unit_of_measure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_unit_of_measure_modified_at"), ["modified_at"], unique=False
        )

    op.create_table(
        "sales_order",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("sell_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("currency_code", sa.String(length=10), nullable=True),
        sa.Column("order_date", sa.Date(), nullable=True),
        sa.Column("requested_delivery_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("your_reference", sa.String(length=35), nullable=True),
        sa.Column("external_document_no", sa.String(length=35), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_sales_order_currency_code_currency"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sell_to_customer_no"],
            ["customer.no"],
            name=op.f("fk_sales_order_sell_to_customer_no_customer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order")),
        sa.UniqueConstraint("no", name=op.f("uq_sales_order_no")),
    )
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_order_modified_at"), ["modified_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_order_sell_to_customer_no"), ["sell_to_customer_no"], unique=False
        )

    op.create_table(
        "sales_price",
        sa.Column("item_no", sa.String(length=20), nullable=True),
        sa.Column("resource_no", sa.String(length=20), nullable=True),
        sa.Column("sales_type", sa.String(length=30), nullable=False),
        sa.Column("sales_code", sa.String(length=20), nullable=True),
        sa.Column("currency_code", sa.String(length=10), nullable=True),
        sa.Column("starting_date", sa.Date(), nullable=True),
        sa.Column("ending_date", sa.Date(), nullable=True),
        sa.Column("unit_of_measure", sa.String(length=10), nullable=True),
        sa.Column("minimum_quantity", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("unit_price", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["currency_code"],
            ["currency.code"],
            name=op.f("fk_sales_price_currency_code_currency"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["item_no"], ["item.no"], name=op.f("fk_sales_price_item_no_item"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["resource_no"],
            ["resource.no"],
            name=op.f("fk_sales_price_resource_no_resource"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_of_measure"],
            ["unit_of_measure.code"],
            name=op.f("fk_sales_price_unit_of_measure_unit_of_measure"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_price")),
    )
    with op.batch_alter_table("sales_price", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f(
                "ix_sales_price_item_no_sales_price_sales_type_sales_price_sales_code_sales_price_starting_date"
            ),
            ["item_no", "sales_type", "sales_code", "starting_date"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_sales_price_modified_at"), ["modified_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_price_resource_no"), ["resource_no"], unique=False)

    op.create_table(
        "sales_line",
        sa.Column("document_no", sa.String(length=20), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), nullable=True),
        sa.Column("unit_of_measure", sa.String(length=10), nullable=True),
        sa.Column("quantity", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("unit_price", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("line_discount", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("quantity_shipped", adapters.db.base.Amount(precision=20, scale=5), nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adapters.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_no"],
            ["sales_order.no"],
            name=op.f("fk_sales_line_document_no_sales_order"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["location_code"],
            ["location.code"],
            name=op.f("fk_sales_line_location_code_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_of_measure"],
            ["unit_of_measure.code"],
            name=op.f("fk_sales_line_unit_of_measure_unit_of_measure"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_line")),
        sa.UniqueConstraint("document_no", "line_no", name=op.f("uq_sales_line_document_no_line_no")),
    )
    with op.batch_alter_table("sales_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_line_modified_at"), ["modified_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_line_type_sales_line_no"), ["type", "no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sales_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_line_type_sales_line_no"))
        batch_op.drop_index(batch_op.f("ix_sales_line_modified_at"))

    op.drop_table("sales_line")
    with op.batch_alter_table("sales_price", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_price_resource_no"))
        batch_op.drop_index(batch_op.f("ix_sales_price_modified_at"))
        batch_op.drop_index(
            batch_op.f(
                "ix_sales_price_item_no_sales_price_sales_type_sales_price_sales_code_sales_price_starting_date"
            )
        )

    op.drop_table("sales_price")
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_sell_to_customer_no"))
        batch_op.drop_index(batch_op.f("ix_sales_order_modified_at"))

    op.drop_table("sales_order")
    with op.batch_alter_table("resource_unit_of_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_unit_of_measure_modified_at"))

    op.drop_table("resource_unit_of_measure")
    with op.batch_alter_table("item_unit_of_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_unit_of_measure_modified_at"))

    op.drop_table("item_unit_of_measure")
    with op.batch_alter_table("item_ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_ledger_entry_modified_at"))
        batch_op.drop_index(batch_op.f("ix_item_ledger_entry_item_no_item_ledger_entry_location_code"))

    op.drop_table("item_ledger_entry")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_customer_primary_contact_no_contact"), type_="foreignkey")

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_modified_at"))
        batch_op.drop_index(batch_op.f("ix_contact_company_no"))

    op.drop_table("contact")
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_modified_at"))

    op.drop_table("resource")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_modified_at"))

    op.drop_table("item")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_modified_at"))

    op.drop_table("customer")
    with op.batch_alter_table("unit_of_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_of_measure_modified_at"))

    op.drop_table("unit_of_measure")
    with op.batch_alter_table("unit_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_group_modified_at"))

    op.drop_table("unit_group")
    with op.batch_alter_table("shipping_agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipping_agent_modified_at"))

    op.drop_table("shipping_agent")
    with op.batch_alter_table("shipment_method", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_method_modified_at"))

    op.drop_table("shipment_method")
    with op.batch_alter_table("salesperson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_salesperson_modified_at"))

    op.drop_table("salesperson")
    with op.batch_alter_table("payment_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_terms_modified_at"))

    op.drop_table("payment_terms")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_modified_at"))

    op.drop_table("location")
    with op.batch_alter_table("erp_tombstone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erp_tombstone_table_name_erp_tombstone_deleted_at"))

    op.drop_table("erp_tombstone")
    with op.batch_alter_table("customer_price_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_price_group_modified_at"))

    op.drop_table("customer_price_group")
    with op.batch_alter_table("currency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_currency_modified_at"))

    op.drop_table("currency")
    op.drop_table("api_key")
