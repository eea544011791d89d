"""Job parameters: one dataclass per kind, kept as the JSON job rows have always held."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.jobs.model import JobKind, SyncJob, params_from_json
from domain.jobs.params import Criterion, MatchParams, StockParams, SyncParams, UncoupleParams
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection

A = UUID("01900000-0000-7000-8000-000000000001")
B = UUID("01900000-0000-7000-8000-000000000002")
AT = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_sync_row_of_today_loads_and_is_written_back_with_the_same_keys() -> None:
    stored = {
        "erp_ids": [str(A)],
        "crm_ids": [],
        "create": True,
        "full": False,
        "force": False,
        "after_jobs": [str(B)],
        "interruptions": 1,
    }
    params = params_from_json(JobKind.SYNC, stored)
    assert params == SyncParams(erp_ids=(A,), create=True, after_jobs=(B,), interruptions=1)
    assert params.as_json() == stored


def test_a_row_waiting_for_one_job_under_the_old_key_still_waits_for_it() -> None:
    assert params_from_json(JobKind.SYNC, {"after_job": str(B)}).after_jobs == (B,)


def test_a_match_row_loads_its_criteria_and_sync_after() -> None:
    stored = {
        "criteria": [{"erp_field": "name", "crm_attribute": "name", "priority": 0, "case_sensitive": False}],
        "create_if_no_match": True,
        "sync_after": "TO_CRM",
        "dry_run": False,
    }
    params = params_from_json(JobKind.MATCH, stored)
    assert params == MatchParams(
        criteria=(Criterion("name", "name"),), create_if_no_match=True, sync_after=SyncDirection.TO_CRM
    )
    assert params.as_json() == stored


@pytest.mark.parametrize(
    ("kind", "stored", "expected"),
    [
        (JobKind.UNCOUPLE, {}, UncoupleParams()),
        (JobKind.UNCOUPLE, {"coupling_ids": [str(A)]}, UncoupleParams(coupling_ids=(A,))),
        (JobKind.UNCOUPLE, {"crm_id": str(B)}, UncoupleParams(crm_id=B)),
        (JobKind.STOCK, {}, StockParams()),
        (JobKind.STOCK, None, StockParams()),
    ],
)
def test_rows_with_few_params_keep_only_what_is_set(
    kind: JobKind, stored: dict[str, object] | None, expected: object
) -> None:
    params = params_from_json(kind, stored)
    assert params == expected
    assert params.as_json() == (stored or {})


def test_a_job_without_params_gets_its_kinds_defaults_and_refuses_another_kinds() -> None:
    job = SyncJob(id=A, kind=JobKind.STOCK, trigger=Trigger.SCHEDULE, queued_at=AT)
    assert job.params == StockParams()
    with pytest.raises(TypeError):
        SyncJob(
            id=A, kind=JobKind.STOCK, trigger=Trigger.SCHEDULE, queued_at=AT, params=SyncParams(full=True)
        )


def test_trigger_values_are_those_stored_and_shown() -> None:
    assert Trigger.FULL_SYNC == "full sync"
    assert Trigger("sync after coupling") is Trigger.SYNC_AFTER_COUPLING
