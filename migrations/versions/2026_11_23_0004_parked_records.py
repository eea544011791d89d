"""parked records, merge flag, one active job per key

Revision ID: 5a1e0c3d9b21
Revises: de35ddd101d7
Create Date: 2026-11-23 19:42:53.926045
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.base


revision: str = '5a1e0c3d9b21'
down_revision: str | None = 'de35ddd101d7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('parked_record',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('mapping_name', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('waiting_for', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('parked_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parked_record')),
    sa.UniqueConstraint('mapping_name', 'direction', 'record_id', 'waiting_for', name=op.f('uq_parked_record_mapping_name_direction_record_id_waiting_for'))
    )
    with op.batch_alter_table('parked_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parked_record_waiting_for'), ['waiting_for'], unique=False)

    with op.batch_alter_table('coupling', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merge_pending', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('sync_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_job_dedupe_key'))
        batch_op.create_index('uq_sync_job_active_dedupe_key', ['dedupe_key'], unique=True, sqlite_where=sa.text("status IN ('QUEUED', 'RUNNING')"), postgresql_where=sa.text("status IN ('QUEUED', 'RUNNING')"))



def downgrade() -> None:
    with op.batch_alter_table('sync_job', schema=None) as batch_op:
        batch_op.drop_index('uq_sync_job_active_dedupe_key', sqlite_where=sa.text("status IN ('QUEUED', 'RUNNING')"), postgresql_where=sa.text("status IN ('QUEUED', 'RUNNING')"))
        batch_op.create_index(batch_op.f('ix_sync_job_dedupe_key'), ['dedupe_key'], unique=False)

    with op.batch_alter_table('coupling', schema=None) as batch_op:
        batch_op.drop_column('merge_pending')

    with op.batch_alter_table('parked_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parked_record_waiting_for'))

    op.drop_table('parked_record')
