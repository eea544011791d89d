"""What started a job. The values are stored in the job's row and shown as they
are (GraphQL `trigger`, the CLI), so a member's value never changes."""

from __future__ import annotations

from enum import StrEnum


class Trigger(StrEnum):
    MANUAL = "manual"  # a user asked (API, CLI)
    DRY_RUN = "dry run"  # a user asked for a matching plan
    SCHEDULE = "schedule"  # the scheduler's tick
    FULL_SYNC = "full sync"  # a line of the full-sync review
    STOCK_MOVES = "stock moves"  # stock moves were posted: push the stock
    ERP_CHANGE = "erp change"  # a change trigger saw ERP records change
    CRM_CHANGE = "crm change"  # a change trigger (webhook) saw CRM rows change
    CRM_DELETE = "crm delete"  # a webhook said a CRM row was deleted
    SYNC_AFTER_COUPLING = "sync after coupling"  # a coupling asked to be synchronized once made
    CREATED_WHEN_NO_MATCH = "created when no match"  # matching found nothing: create the counterpart
    CREATE = "create"  # a user asked to create counterparts
    RETRY = "retry"  # skipped records restored
    CONFLICT_RESOLVED = "conflict resolved"  # a user chose the winner of a conflict
    CREATED_FROM_CRM = "created from the CRM"  # ERP records a CRM → ERP pass made get their values back
    DEPENDENCY_COUPLED = "dependency coupled"  # records parked for a coupling are released
    BENCH_SETUP = "setup"  # a benchmark (bench/) loads its data
    BENCH = "bench"  # a benchmark's measured run
