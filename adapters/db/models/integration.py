"""Integration state: table mappings, couplings, sync jobs, the full-sync review
and the CRM connection. Field meanings are DOMAIN.md's."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


class TableMappingRow(Base):
    __tablename__ = "table_mapping"
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    erp_table: Mapped[str] = mapped_column(sa.String(40))
    crm_entity: Mapped[str] = mapped_column(sa.String(64))
    crm_option_attribute: Mapped[str | None] = mapped_column(sa.String(64))
    direction: Mapped[str] = mapped_column(sa.String(20))
    only_coupled: Mapped[bool]
    depends_on: Mapped[list[str]] = mapped_column(JSON)
    erp_filter: Mapped[str | None] = mapped_column(sa.Text)
    crm_filter: Mapped[str | None] = mapped_column(sa.Text)
    interval_minutes: Mapped[int]
    enabled: Mapped[bool]
    update_conflict_resolution: Mapped[str] = mapped_column(sa.String(20))
    deletion_conflict_resolution: Mapped[str] = mapped_column(sa.String(20))
    sync_after_coupling: Mapped[bool]
    create_if_no_match: Mapped[bool]
    parent: Mapped[str | None] = mapped_column(sa.String(40))
    number_series: Mapped[str | None] = mapped_column(sa.String(20))
    erp_watermark: Mapped[datetime | None]
    crm_watermark: Mapped[datetime | None]
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime]


class FieldMappingRow(Base):
    __tablename__ = "field_mapping"
    __table_args__ = (sa.UniqueConstraint("mapping_name", "position"),)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    mapping_name: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("table_mapping.name", ondelete="CASCADE")
    )
    position: Mapped[int]
    erp_field: Mapped[str | None] = mapped_column(sa.String(64))
    crm_attribute: Mapped[str | None] = mapped_column(sa.String(100))
    direction: Mapped[str] = mapped_column(sa.String(20))
    constant: Mapped[Any | None] = mapped_column(JSON)
    transform: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    clear_on_failed_lookup: Mapped[bool]
    not_null: Mapped[bool]
    enabled: Mapped[bool]
    use_for_matching: Mapped[bool]
    case_sensitive: Mapped[bool]
    match_priority: Mapped[int]


class CouplingRow(Base):
    """One ERP record ↔ one CRM row (or option value) within a mapping."""

    __tablename__ = "coupling"
    __table_args__ = (
        sa.UniqueConstraint("mapping_name", "erp_id"),
        sa.UniqueConstraint("mapping_name", "crm_id"),
        sa.UniqueConstraint("mapping_name", "crm_option"),
        sa.Index(None, "mapping_name", "skipped", "last_result_to_crm"),
        sa.Index(None, "mapping_name", "skipped", "last_result_from_crm"),
    )
    id: Mapped[UUID] = mapped_column(primary_key=True)
    mapping_name: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("table_mapping.name", ondelete="RESTRICT")
    )
    erp_id: Mapped[UUID]
    crm_id: Mapped[UUID | None]
    crm_option: Mapped[int | None]
    pending: Mapped[bool] = mapped_column(default=False)
    erp_modified_at: Mapped[datetime | None]
    crm_modified_at: Mapped[datetime | None]
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_result_to_crm: Mapped[str | None] = mapped_column(sa.String(20))
    last_job_to_crm: Mapped[UUID | None]
    last_result_from_crm: Mapped[str | None] = mapped_column(sa.String(20))
    last_job_from_crm: Mapped[UUID | None]
    last_synced_at: Mapped[datetime | None]
    skipped: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_error_class: Mapped[str | None] = mapped_column(sa.String(20))
    last_error_at: Mapped[datetime | None]
    repeated_failures: Mapped[int] = mapped_column(default=0)
    conflict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    missing_prerequisites: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    sync_after: Mapped[str | None] = mapped_column(sa.String(20))
    merge_pending: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime] = mapped_column(index=True)


class ParkedRecordRow(Base):
    """A record whose sync waits for a record it refers to to be coupled
    (a DEPENDENCY failure); released as soon as that coupling appears."""

    __tablename__ = "parked_record"
    __table_args__ = (
        sa.UniqueConstraint("mapping_name", "direction", "record_id", "waiting_for"),
        sa.Index(None, "waiting_for"),
    )
    id: Mapped[UUID] = mapped_column(primary_key=True)
    mapping_name: Mapped[str] = mapped_column(sa.String(40))
    direction: Mapped[str] = mapped_column(sa.String(20))
    record_id: Mapped[UUID]
    waiting_for: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(200))
    parked_at: Mapped[datetime]
    create: Mapped[bool] = mapped_column(default=False)  # parked by a pass that creates counterparts


class DeletedCounterpartRow(Base):
    """A record whose coupled counterpart was deleted and whose coupling was
    removed by the deletion policy: automatic syncs never create a new
    counterpart for it (that would bring the deleted record back). Coupling the
    record again, or creating its counterpart by hand, forgets the mark."""

    __tablename__ = "deleted_counterpart"
    __table_args__ = (sa.UniqueConstraint("mapping_name", "side", "record_id"),)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    mapping_name: Mapped[str] = mapped_column(sa.String(40))
    side: Mapped[str] = mapped_column(sa.String(10))  # ERP or CRM: the side of the record that is left
    record_id: Mapped[UUID]
    counterpart: Mapped[str] = mapped_column(sa.String(200))  # what was deleted, for people
    deleted_at: Mapped[datetime]


class JobLaneRow(Base):
    """Which job holds a mapping's lane: one SYNC, MATCH or UNCOUPLE job of a
    mapping runs at a time, whatever started it."""

    __tablename__ = "job_lane"
    lane: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    job_id: Mapped[UUID]
    claimed_at: Mapped[datetime]


class SyncOutcomeRow(Base):
    """The history of one coupling: an outcome per record per job."""

    __tablename__ = "sync_outcome"
    __table_args__ = (sa.Index(None, "coupling_id", "at"),)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    coupling_id: Mapped[UUID] = mapped_column(sa.ForeignKey("coupling.id", ondelete="CASCADE"))
    job_id: Mapped[UUID | None]
    direction: Mapped[str] = mapped_column(sa.String(20))
    outcome: Mapped[str] = mapped_column(sa.String(20))
    message: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime]


ACTIVE_JOB = "status IN ('QUEUED', 'RUNNING')"


class SyncJobRow(Base):
    __tablename__ = "sync_job"
    __table_args__ = (
        sa.Index(None, "mapping_name", "queued_at"),
        sa.Index(None, "status", "queued_at"),
        # one queued-or-running job per dedupe key: concurrent starts cannot both win
        sa.Index(
            "uq_sync_job_active_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=sa.text(ACTIVE_JOB),
            postgresql_where=sa.text(ACTIVE_JOB),
        ),
    )
    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    mapping_name: Mapped[str | None] = mapped_column(sa.String(40))
    direction: Mapped[str | None] = mapped_column(sa.String(20))
    trigger: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    queued_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    processed: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    inserted: Mapped[int] = mapped_column(default=0)
    modified: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    coupled: Mapped[int] = mapped_column(default=0)
    uncoupled: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.Text)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    seq: Mapped[int] = mapped_column(default=0)


class SyncJobErrorRow(Base):
    __tablename__ = "sync_job_error"
    __table_args__ = (sa.Index(None, "job_id", "at"),)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    job_id: Mapped[UUID] = mapped_column(sa.ForeignKey("sync_job.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    error_class: Mapped[str] = mapped_column(sa.String(20))
    erp_ref: Mapped[str | None] = mapped_column(sa.String(200))
    crm_ref: Mapped[str | None] = mapped_column(sa.String(200))
    message: Mapped[str] = mapped_column(sa.Text)
    detail: Mapped[str | None] = mapped_column(sa.Text)


class JobRecordRow(Base):
    """What a coupling job did with one record (match-based coupling, uncoupling,
    creating counterparts): COUPLED, AMBIGUOUS, UNMATCHED, WOULD_COUPLE, …"""

    __tablename__ = "job_record"
    __table_args__ = (sa.Index(None, "job_id", "position"),)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    job_id: Mapped[UUID] = mapped_column(sa.ForeignKey("sync_job.id", ondelete="CASCADE"))
    position: Mapped[int]
    outcome: Mapped[str] = mapped_column(sa.String(20))
    erp_id: Mapped[UUID | None]
    erp_ref: Mapped[str | None] = mapped_column(sa.String(200))
    crm_id: Mapped[UUID | None]
    crm_ids: Mapped[list[str] | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(sa.Text)


class FullSyncLineRow(Base):
    __tablename__ = "full_sync_line"
    mapping_name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    position: Mapped[int]
    recommendation: Mapped[str] = mapped_column(sa.String(30))
    status: Mapped[str] = mapped_column(sa.String(20))
    to_crm_status: Mapped[str] = mapped_column(sa.String(20))
    from_crm_status: Mapped[str] = mapped_column(sa.String(20))
    to_crm_job_id: Mapped[UUID | None]
    from_crm_job_id: Mapped[UUID | None]
    message: Mapped[str | None] = mapped_column(sa.Text)
    modified_at: Mapped[datetime]


class ConnectionRow(Base):
    """The single CRM connection (id 1). Secrets are stored encrypted."""

    __tablename__ = "crm_connection"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    server_url: Mapped[str] = mapped_column(sa.String(300))
    tenant_id: Mapped[str] = mapped_column(sa.String(100))
    client_id: Mapped[str] = mapped_column(sa.String(100))
    client_secret: Mapped[str | None] = mapped_column(sa.Text)
    authority_url: Mapped[str | None] = mapped_column(sa.String(300))
    integration_user: Mapped[str | None] = mapped_column(sa.String(200))
    integration_user_id: Mapped[UUID | None]
    is_enabled: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(30))
    last_tested_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    crm_version: Mapped[str | None] = mapped_column(sa.String(40))
    organization_id: Mapped[UUID | None]
    solution_installed: Mapped[bool] = mapped_column(default=False)
    solution_version: Mapped[str | None] = mapped_column(sa.String(40))
    enabled_mappings: Mapped[list[str] | None] = mapped_column(JSON)
    item_availability_enabled: Mapped[bool] = mapped_column(default=False)
    availability_key_id: Mapped[UUID | None]
    sales_order_integration_enabled: Mapped[bool] = mapped_column(default=False)
    sales_order_user: Mapped[str | None] = mapped_column(sa.String(200))
    sales_order_user_id: Mapped[UUID | None]
    webhook_secret: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime]


class SettingRow(Base):
    """Small named values the service keeps (e.g. the stock-push watermark)."""

    __tablename__ = "integration_setting"
    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    modified_at: Mapped[datetime]
