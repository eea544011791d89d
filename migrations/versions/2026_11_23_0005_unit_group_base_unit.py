"""unit group base unit

Revision ID: 7c2b1e5f0a55
Revises: 5a1e0c3d9b21
Create Date: 2026-11-23 20:04:55.196436
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.base


revision: str = '7c2b1e5f0a55'
down_revision: str | None = '5a1e0c3d9b21'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('unit_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_unit_of_measure', sa.String(length=10), nullable=True))
    for source, table in (("ITEM", "item"), ("RESOURCE", "resource")):
        op.execute(
            f"UPDATE unit_group SET base_unit_of_measure = (SELECT base_unit_of_measure FROM {table} "
            f"WHERE {table}.no = unit_group.source_no) WHERE source_type = '{source}'"
        )



def downgrade() -> None:
    with op.batch_alter_table('unit_group', schema=None) as batch_op:
        batch_op.drop_column('base_unit_of_measure')

