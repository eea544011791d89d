"""item inventory summary: the ledger summed per item and location, kept by triggers

Revision ID: 0dbe707d7624
Revises: 7c2b1e5f0a55
Create Date: 2026-11-25 14:54:58.322637
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.base


revision: str = '0dbe707d7624'
down_revision: str | None = '7c2b1e5f0a55'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One signed row per ledger change; the upsert adds it to the summary row.
_ADD = (
    "INSERT INTO item_inventory (item_no, location_code, quantity) "
    "VALUES ({row}.item_no, COALESCE({row}.location_code, ''), {sign}{row}.quantity) "
    "ON CONFLICT (item_no, location_code) DO UPDATE SET quantity = item_inventory.quantity + excluded.quantity"
)

_PG_FUNCTION = f"""
CREATE FUNCTION item_inventory_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_ADD.format(row="OLD", sign="-")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_ADD.format(row="NEW", sign="")};
    END IF;
    RETURN NULL;
END $$
"""

_SQLITE_TRIGGERS = {
    "item_inventory_insert": ("INSERT", [_ADD.format(row="NEW", sign="")]),
    "item_inventory_update": ("UPDATE", [_ADD.format(row="OLD", sign="-"), _ADD.format(row="NEW", sign="")]),
    "item_inventory_delete": ("DELETE", [_ADD.format(row="OLD", sign="-")]),
}


def upgrade() -> None:
    op.create_table('item_inventory',
    sa.Column('item_no', sa.String(length=20), nullable=False),
    sa.Column('location_code', sa.String(length=10), nullable=False),
    sa.Column('quantity', adapters.db.base.Amount(precision=20, scale=5), nullable=False),
    sa.PrimaryKeyConstraint('item_no', 'location_code', name=op.f('pk_item_inventory'))
    )
    op.execute(
        "INSERT INTO item_inventory (item_no, location_code, quantity) "
        "SELECT item_no, COALESCE(location_code, ''), SUM(quantity) FROM item_ledger_entry "
        "GROUP BY item_no, COALESCE(location_code, '')"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER item_inventory_apply AFTER INSERT OR UPDATE OR DELETE ON item_ledger_entry "
            "FOR EACH ROW EXECUTE FUNCTION item_inventory_apply()"
        )
        return
    for name, (event, statements) in _SQLITE_TRIGGERS.items():
        body = "; ".join(statements)
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON item_ledger_entry BEGIN {body}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER item_inventory_apply ON item_ledger_entry")
        op.execute("DROP FUNCTION item_inventory_apply()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('item_inventory')
