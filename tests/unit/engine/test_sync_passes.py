"""The sync passes through `run_sync` on fakes: what a pass writes to the CRM and
back to the ERP, what it leaves alone, and how a CRM failure ends it."""

from __future__ import annotations

from domain.crm import CrmTransientError
from domain.jobs.model import JobStatus
from domain.mappings.model import SyncDirection
from tests.unit.engine.sync_harness import CUSTOMERS, SyncHarness

TO_CRM, FROM_CRM = SyncDirection.TO_CRM, SyncDirection.FROM_CRM


async def test_a_new_customer_gets_an_account_with_its_mapped_values() -> None:
    h = await SyncHarness().setup()
    adatum = await h.customer("CUST-10000", "Adatum Corporation", phone="+45 8612 3456", city="Aarhus C")
    job = await h.sync(TO_CRM)
    coupling = await h.coupling_of(adatum)
    assert (job.status, job.inserted) == (JobStatus.SUCCEEDED, 1)
    assert coupling is not None
    assert coupling.crm_id is not None
    account = h.crm.row("account", coupling.crm_id)
    assert account.get("name") == "Adatum Corporation"
    assert account.get("telephone1") == "+45 8612 3456"
    assert account.get("address1_city") == "Aarhus C"


async def test_a_customer_unchanged_since_the_last_pass_is_not_written_again() -> None:
    h = await SyncHarness().setup()
    await h.customer("CUST-10000", "Adatum Corporation")
    await h.sync(TO_CRM)
    writes = len(h.crm.writes)
    await h.sync(TO_CRM, full=True)
    assert len(h.crm.writes) == writes


async def test_a_changed_customer_is_written_to_its_account() -> None:
    h = await SyncHarness().setup()
    await h.customer("CUST-10000", "Adatum Corporation", city="Aarhus C")
    await h.sync(TO_CRM)
    adatum = await h.customer("CUST-10000", "Adatum Corporation", city="Odense")
    job = await h.sync(TO_CRM, full=True)
    coupling = await h.coupling_of(adatum)
    assert coupling is not None
    assert coupling.crm_id is not None
    assert job.modified == 1
    assert h.crm.row("account", coupling.crm_id).get("address1_city") == "Odense"


async def test_an_only_coupled_mapping_creates_no_account_for_a_new_customer() -> None:
    h = await SyncHarness(CUSTOMERS.with_changes(only_coupled=True)).setup()
    adatum = await h.customer("CUST-10000", "Adatum Corporation")
    await h.sync(TO_CRM)
    assert await h.coupling_of(adatum) is None
    assert h.crm.rows.get("account", {}) == {}


async def test_an_unavailable_crm_puts_the_job_back_in_the_queue() -> None:
    h = await SyncHarness().setup()
    await h.customer("CUST-10000", "Adatum Corporation")
    h.crm.fail_next(CrmTransientError("service unavailable", status=503))
    job = await h.sync(TO_CRM)
    assert job.status is JobStatus.QUEUED
    assert [job_id for job_id, _ in h.requeued] == [job.id]


async def test_an_account_changed_in_the_crm_is_written_to_its_customer() -> None:
    h = await SyncHarness().setup()
    adatum = await h.customer("CUST-10000", "Adatum Corporation", phone="+45 8612 3456")
    await h.sync(TO_CRM)
    coupling = await h.coupling_of(adatum)
    assert coupling is not None
    assert coupling.crm_id is not None
    h.crm.add_row(
        "account", {"name": "Adatum Corporation", "telephone1": "+45 7000 0000"}, id=coupling.crm_id
    )
    job = await h.sync(FROM_CRM)
    assert (job.status, job.modified) == (JobStatus.SUCCEEDED, 1)
    assert (await h.customer_named("CUST-10000")).get("phone") == "+45 7000 0000"


async def test_the_syncs_own_writes_in_the_crm_are_not_read_back() -> None:
    h = await SyncHarness().setup()
    await h.customer("CUST-10000", "Adatum Corporation")
    await h.sync(TO_CRM)
    job = await h.sync(FROM_CRM)
    assert (job.status, job.modified, job.inserted) == (JobStatus.SUCCEEDED, 0, 0)


async def test_a_field_changed_on_both_sides_is_a_conflict_and_neither_value_is_written() -> None:
    h = await SyncHarness().setup()
    await h.customer("CUST-10000", "Adatum Corporation", city="Aarhus C")
    await h.sync(TO_CRM)
    adatum = await h.customer("CUST-10000", "Adatum Corporation", city="Odense")
    coupling = await h.coupling_of(adatum)
    assert coupling is not None
    assert coupling.crm_id is not None
    h.crm.add_row("account", {"name": "Adatum Corporation", "address1_city": "Vejle"}, id=coupling.crm_id)
    await h.sync(TO_CRM, full=True)
    after = await h.coupling_of(adatum)
    assert after is not None
    assert after.conflict
    assert h.crm.row("account", coupling.crm_id).get("address1_city") == "Vejle"
    assert (await h.customer_named("CUST-10000")).get("city") == "Odense"


async def test_different_fields_changed_on_each_side_both_reach_the_other_side() -> None:
    h = await SyncHarness().setup()
    await h.customer("CUST-10000", "Adatum Corporation", city="Aarhus C", phone="+45 8612 3456")
    await h.sync(TO_CRM)
    adatum = await h.customer("CUST-10000", "Adatum Corporation", city="Odense", phone="+45 8612 3456")
    coupling = await h.coupling_of(adatum)
    assert coupling is not None
    assert coupling.crm_id is not None
    h.crm.add_row(
        "account",
        {"name": "Adatum Corporation", "address1_city": "Aarhus C", "telephone1": "+45 7000 0000"},
        id=coupling.crm_id,
    )
    await h.sync(TO_CRM, full=True)
    await h.sync(FROM_CRM)
    assert h.crm.row("account", coupling.crm_id).get("address1_city") == "Odense"
    assert (await h.customer_named("CUST-10000")).get("phone") == "+45 7000 0000"
