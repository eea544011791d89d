"""The sync's outcome vocabulary: job counters by outcome, a coupling's two sides,
how a failed CRM call is logged."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.couplings.model import Coupling, SyncResult
from domain.crm import CrmErrorClass
from domain.jobs.model import ErrorClass, JobKind, Outcome, SyncJob
from domain.mappings.model import SyncDirection

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_each_outcome_counts_on_its_own_counter() -> None:
    job = SyncJob(id=uuid4(), kind=JobKind.SYNC, trigger="manual", queued_at=NOW)
    for by, outcome in enumerate(Outcome, start=1):
        job.count(outcome, by)
    assert job.counts() == {outcome: by for by, outcome in enumerate(Outcome, start=1)}
    assert (job.inserted, job.uncoupled) == (1, 8)


def test_an_outcome_names_its_counter_at_the_edges() -> None:
    assert [o.counter for o in Outcome] == [
        "inserted",
        "modified",
        "deleted",
        "unchanged",
        "skipped",
        "failed",
        "coupled",
        "uncoupled",
    ]


def test_a_coupling_has_one_side_per_direction() -> None:
    coupling = Coupling(id=uuid4(), mapping="CUSTOMER", erp_id=uuid4(), created_at=NOW, modified_at=NOW)
    job = uuid4()
    coupling.side(SyncDirection.FROM_CRM).record(SyncResult.FAILURE, job)
    assert coupling.failed
    assert coupling.from_crm.job == job
    assert coupling.to_crm.result is None
    assert coupling.other_side(SyncDirection.TO_CRM) is coupling.from_crm
    with pytest.raises(ValueError, match="no BIDIRECTIONAL side"):
        coupling.side(SyncDirection.BIDIRECTIONAL)


@pytest.mark.parametrize(
    ("crm", "logged"),
    [
        (CrmErrorClass.TRANSIENT, ErrorClass.TRANSIENT),
        (CrmErrorClass.CONFLICT, ErrorClass.CONFLICT),
        (CrmErrorClass.NOT_FOUND, ErrorClass.PERMANENT),
        (CrmErrorClass.PERMANENT, ErrorClass.PERMANENT),
        (None, ErrorClass.PERMANENT),
    ],
)
def test_a_failed_crm_call_is_logged_by_its_class(crm: CrmErrorClass | None, logged: ErrorClass) -> None:
    assert ErrorClass.of(crm) is logged
