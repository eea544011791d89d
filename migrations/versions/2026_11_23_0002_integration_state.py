"""integration state

Revision ID: de35ddd101d7
Revises: 08484f669bf2
Create Date: 2026-11-23 19:31:23.142388
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.base
from sqlalchemy.dialects import postgresql

revision: str = 'de35ddd101d7'
down_revision: str | None = '08484f669bf2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crm_connection',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('server_url', sa.String(length=300), nullable=False),
    sa.Column('tenant_id', sa.String(length=100), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('client_secret', sa.Text(), nullable=True),
    sa.Column('authority_url', sa.String(length=300), nullable=True),
    sa.Column('integration_user', sa.String(length=200), nullable=True),
    sa.Column('integration_user_id', sa.Uuid(), nullable=True),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('last_tested_at', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('crm_version', sa.String(length=40), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('solution_installed', sa.Boolean(), nullable=False),
    sa.Column('solution_version', sa.String(length=40), nullable=True),
    sa.Column('enabled_mappings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('item_availability_enabled', sa.Boolean(), nullable=False),
    sa.Column('availability_key_id', sa.Uuid(), nullable=True),
    sa.Column('sales_order_integration_enabled', sa.Boolean(), nullable=False),
    sa.Column('sales_order_user', sa.String(length=200), nullable=True),
    sa.Column('sales_order_user_id', sa.Uuid(), nullable=True),
    sa.Column('webhook_secret', sa.Text(), nullable=True),
    sa.Column('created_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('modified_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_connection'))
    )
    op.create_table('full_sync_line',
    sa.Column('mapping_name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('recommendation', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('to_crm_status', sa.String(length=20), nullable=False),
    sa.Column('from_crm_status', sa.String(length=20), nullable=False),
    sa.Column('to_crm_job_id', sa.Uuid(), nullable=True),
    sa.Column('from_crm_job_id', sa.Uuid(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('modified_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('mapping_name', name=op.f('pk_full_sync_line'))
    )
    op.create_table('integration_setting',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('modified_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_integration_setting'))
    )
    op.create_table('sync_job',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('mapping_name', sa.String(length=40), nullable=True),
    sa.Column('direction', sa.String(length=20), nullable=True),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('queued_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('modified', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('coupled', sa.Integer(), nullable=False),
    sa.Column('uncoupled', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_job'))
    )
    with op.batch_alter_table('sync_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_job_dedupe_key'), ['dedupe_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_job_mapping_name_sync_job_queued_at'), ['mapping_name', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_job_status_sync_job_queued_at'), ['status', 'queued_at'], unique=False)

    op.create_table('table_mapping',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('erp_table', sa.String(length=40), nullable=False),
    sa.Column('crm_entity', sa.String(length=64), nullable=False),
    sa.Column('crm_option_attribute', sa.String(length=64), nullable=True),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('only_coupled', sa.Boolean(), nullable=False),
    sa.Column('depends_on', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('erp_filter', sa.Text(), nullable=True),
    sa.Column('crm_filter', sa.Text(), nullable=True),
    sa.Column('interval_minutes', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('update_conflict_resolution', sa.String(length=20), nullable=False),
    sa.Column('deletion_conflict_resolution', sa.String(length=20), nullable=False),
    sa.Column('sync_after_coupling', sa.Boolean(), nullable=False),
    sa.Column('create_if_no_match', sa.Boolean(), nullable=False),
    sa.Column('parent', sa.String(length=40), nullable=True),
    sa.Column('number_series', sa.String(length=20), nullable=True),
    sa.Column('erp_watermark', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('crm_watermark', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('modified_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_table_mapping'))
    )
    op.create_table('coupling',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('mapping_name', sa.String(length=40), nullable=False),
    sa.Column('erp_id', sa.Uuid(), nullable=False),
    sa.Column('crm_id', sa.Uuid(), nullable=True),
    sa.Column('crm_option', sa.Integer(), nullable=True),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.Column('erp_modified_at', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('crm_modified_at', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('last_result_to_crm', sa.String(length=20), nullable=True),
    sa.Column('last_job_to_crm', sa.Uuid(), nullable=True),
    sa.Column('last_result_from_crm', sa.String(length=20), nullable=True),
    sa.Column('last_job_from_crm', sa.Uuid(), nullable=True),
    sa.Column('last_synced_at', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_class', sa.String(length=20), nullable=True),
    sa.Column('last_error_at', adapters.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('repeated_failures', sa.Integer(), nullable=False),
    sa.Column('conflict', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('missing_prerequisites', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('sync_after', sa.String(length=20), nullable=True),
    sa.Column('created_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('modified_at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mapping_name'], ['table_mapping.name'], name=op.f('fk_coupling_mapping_name_table_mapping'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupling')),
    sa.UniqueConstraint('mapping_name', 'crm_id', name=op.f('uq_coupling_mapping_name_crm_id')),
    sa.UniqueConstraint('mapping_name', 'crm_option', name=op.f('uq_coupling_mapping_name_crm_option')),
    sa.UniqueConstraint('mapping_name', 'erp_id', name=op.f('uq_coupling_mapping_name_erp_id'))
    )
    with op.batch_alter_table('coupling', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupling_mapping_name_coupling_skipped_coupling_last_result_to_crm'), ['mapping_name', 'skipped', 'last_result_to_crm'], unique=False)
        batch_op.create_index(batch_op.f('ix_coupling_mapping_name_coupling_skipped_coupling_last_result_from_crm'), ['mapping_name', 'skipped', 'last_result_from_crm'], unique=False)
        batch_op.create_index(batch_op.f('ix_coupling_modified_at'), ['modified_at'], unique=False)

    op.create_table('field_mapping',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('mapping_name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('erp_field', sa.String(length=64), nullable=True),
    sa.Column('crm_attribute', sa.String(length=100), nullable=True),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('constant', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('transform', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('clear_on_failed_lookup', sa.Boolean(), nullable=False),
    sa.Column('not_null', sa.Boolean(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('use_for_matching', sa.Boolean(), nullable=False),
    sa.Column('case_sensitive', sa.Boolean(), nullable=False),
    sa.Column('match_priority', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mapping_name'], ['table_mapping.name'], name=op.f('fk_field_mapping_mapping_name_table_mapping'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_mapping')),
    sa.UniqueConstraint('mapping_name', 'position', name=op.f('uq_field_mapping_mapping_name_position'))
    )
    op.create_table('job_record',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('erp_id', sa.Uuid(), nullable=True),
    sa.Column('erp_ref', sa.String(length=200), nullable=True),
    sa.Column('crm_id', sa.Uuid(), nullable=True),
    sa.Column('crm_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['sync_job.id'], name=op.f('fk_job_record_job_id_sync_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_record'))
    )
    with op.batch_alter_table('job_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_record_job_id_job_record_position'), ['job_id', 'position'], unique=False)

    op.create_table('sync_job_error',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('error_class', sa.String(length=20), nullable=False),
    sa.Column('erp_ref', sa.String(length=200), nullable=True),
    sa.Column('crm_ref', sa.String(length=200), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['sync_job.id'], name=op.f('fk_sync_job_error_job_id_sync_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_job_error'))
    )
    with op.batch_alter_table('sync_job_error', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_job_error_job_id_sync_job_error_at'), ['job_id', 'at'], unique=False)

    op.create_table('sync_outcome',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('coupling_id', sa.Uuid(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=True),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('at', adapters.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coupling_id'], ['coupling.id'], name=op.f('fk_sync_outcome_coupling_id_coupling'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_outcome'))
    )
    with op.batch_alter_table('sync_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_outcome_coupling_id_sync_outcome_at'), ['coupling_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sync_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_outcome_coupling_id_sync_outcome_at'))

    op.drop_table('sync_outcome')
    with op.batch_alter_table('sync_job_error', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_job_error_job_id_sync_job_error_at'))

    op.drop_table('sync_job_error')
    with op.batch_alter_table('job_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_record_job_id_job_record_position'))

    op.drop_table('job_record')
    op.drop_table('field_mapping')
    with op.batch_alter_table('coupling', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupling_modified_at'))
        batch_op.drop_index(batch_op.f('ix_coupling_mapping_name_coupling_skipped_coupling_last_result_from_crm'))
        batch_op.drop_index(batch_op.f('ix_coupling_mapping_name_coupling_skipped_coupling_last_result_to_crm'))

    op.drop_table('coupling')
    op.drop_table('table_mapping')
    with op.batch_alter_table('sync_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_job_status_sync_job_queued_at'))
        batch_op.drop_index(batch_op.f('ix_sync_job_mapping_name_sync_job_queued_at'))
        batch_op.drop_index(batch_op.f('ix_sync_job_dedupe_key'))

    op.drop_table('sync_job')
    op.drop_table('integration_setting')
    op.drop_table('full_sync_line')
    op.drop_table('crm_connection')
