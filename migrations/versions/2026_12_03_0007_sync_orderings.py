"""sync orderings: parked records remember whether their pass creates, deleted
counterparts are remembered, one job per mapping at a time (lanes)

Revision ID: 9f3c2a7b5d10
Revises: 0dbe707d7624
Create Date: 2026-12-03 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.base


revision: str = '9f3c2a7b5d10'
down_revision: str | None = '0dbe707d7624'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deleted_counterpart',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('mapping_name', sa.String(length=40), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('counterpart', sa.String(length=200), nullable=False),
    sa.Column('deleted_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_counterpart')),
    sa.UniqueConstraint('mapping_name', 'side', 'record_id', name=op.f('uq_deleted_counterpart_mapping_name_side_record_id'))
    )
    op.create_table('job_lane',
    sa.Column('lane', sa.String(length=80), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('claimed_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('lane', name=op.f('pk_job_lane'))
    )
    with op.batch_alter_table('parked_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('create', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('parked_record', schema=None) as batch_op:
        batch_op.drop_column('create')
    op.drop_table('job_lane')
    op.drop_table('deleted_counterpart')
