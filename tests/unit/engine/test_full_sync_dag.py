"""The full-sync review as a DAG, on fakes: lines in dependency order, a line
starts when its prerequisites are done, a failed line holds its dependants, and
a restart lets them go on. Jobs are not run: a test ends them by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.clock import SystemClock, Uuid7Factory
from domain.financials.tables import table
from domain.fullsync.model import LineStatus, Recommendation, ReviewLine
from domain.fullsync.service import FullSyncService
from domain.jobs.model import JobKind, JobStatus, SyncJob
from domain.jobs.service import JobService
from domain.mappings.defaults import f
from domain.mappings.model import SyncDirection, TableMapping
from domain.sync.service import SyncService
from tests.fakes.crm import FakeCrm
from tests.fakes.uow import InMemoryDatabase

TO_CRM = SyncDirection.TO_CRM
CURRENCY = TableMapping(
    "CURRENCY", "currency", "transactioncurrency", TO_CRM, (f("code", "isocurrencycode"),)
)
CUSTOMER = TableMapping(
    "CUSTOMER", "customer", "account", TO_CRM, (f("name", "name"),), depends_on=("CURRENCY",)
)
CONTACT = TableMapping(
    "CONTACT", "contact", "contact", TO_CRM, (f("first_name", "firstname"),), depends_on=("CUSTOMER",)
)


class RecordingQueue:
    """A `JobQueue` that only notes what it was given."""

    def __init__(self) -> None:
        self.enqueued: list[UUID] = []

    async def enqueue(self, job: SyncJob, *, defer: float = 0.0) -> None:
        self.enqueued.append(job.id)

    async def cancel(self, job_id: UUID) -> None:
        return None

    async def recover(self, jobs: Sequence[SyncJob]) -> list[SyncJob]:
        return []


class Review:
    def __init__(self) -> None:
        self.db = InMemoryDatabase()
        self.crm = FakeCrm()
        self.queue = RecordingQueue()
        clock, ids = SystemClock(), Uuid7Factory()
        jobs = JobService(self.db.uow, self.queue, clock, ids)
        self.service = FullSyncService(
            self.db.uow, self._crm, jobs, SyncService(self.db.uow, jobs, clock, ids), clock
        )

    async def _crm(self) -> FakeCrm:
        return self.crm

    async def with_mappings(self, *mappings: TableMapping) -> Review:
        async with self.db.uow() as uow:
            for mapping in mappings:
                await uow.mappings.save(mapping)
        return self

    async def erp_row(self, table_name: str, **values: object) -> None:
        async with self.db.uow() as uow:
            await uow.erp.insert(table(table_name), uuid4(), values, datetime.now(UTC))

    async def lines(self) -> dict[str, ReviewLine]:
        async with self.db.uow() as uow:
            return {line.mapping: line for line in await uow.full_sync.lines()}

    async def end_job_of(self, mapping: str, status: JobStatus = JobStatus.SUCCEEDED) -> None:
        job_id = (await self.lines())[mapping].to_crm_job_id
        assert job_id is not None, f"{mapping} has no job"
        async with self.db.uow() as uow:
            job = await uow.jobs.get(job_id)
            assert job is not None
            job.status, job.message = status, None if status is JobStatus.SUCCEEDED else "the CRM refused"
            await uow.jobs.save(job)
        await self.service.job_finished(job)


async def statuses(review: Review) -> dict[str, LineStatus]:
    return {name: line.status for name, line in (await review.lines()).items()}


async def test_the_lines_come_in_dependency_order() -> None:
    review = await Review().with_mappings(CONTACT, CUSTOMER, CURRENCY)
    lines, _ = await review.service.review()
    assert [line.mapping for line in lines] == ["CURRENCY", "CUSTOMER", "CONTACT"]


async def test_a_mapping_with_records_on_one_side_only_is_recommended_a_full_synchronization() -> None:
    review = await Review().with_mappings(CURRENCY)
    await review.erp_row("currency", code="DKK", description="Danish krone")
    lines, _ = await review.service.review()
    assert lines[0].recommendation is Recommendation.FULL_SYNCHRONIZATION


async def test_a_mapping_with_records_on_both_sides_is_recommended_coupling_first() -> None:
    review = await Review().with_mappings(CUSTOMER)
    await review.erp_row("customer", no="CUST-10000", name="Adatum Corporation")
    review.crm.add_row("account", {"name": "Adatum Corporation"})
    lines, _ = await review.service.review()
    assert lines[0].recommendation is Recommendation.COUPLE_RECORDS


async def test_a_line_without_records_on_either_side_finishes_without_a_job() -> None:
    review = await Review().with_mappings(CURRENCY)
    await review.service.start()
    assert await statuses(review) == {"CURRENCY": LineStatus.FINISHED}
    assert review.queue.enqueued == []


async def test_a_line_waits_until_its_prerequisite_has_finished() -> None:
    review = await Review().with_mappings(CURRENCY, CUSTOMER)
    await review.erp_row("currency", code="DKK")
    await review.erp_row("customer", no="CUST-10000", name="Adatum Corporation")
    await review.service.start()
    assert await statuses(review) == {"CURRENCY": LineStatus.IN_PROCESS, "CUSTOMER": LineStatus.READY}
    await review.end_job_of("CURRENCY")
    assert await statuses(review) == {"CURRENCY": LineStatus.FINISHED, "CUSTOMER": LineStatus.IN_PROCESS}


async def test_a_full_synchronization_line_queues_a_full_pass() -> None:
    review = await Review().with_mappings(CURRENCY)
    await review.erp_row("currency", code="DKK")
    await review.service.start()
    line = (await review.lines())["CURRENCY"]
    async with review.db.uow() as uow:
        job = await uow.jobs.get(line.to_crm_job_id or uuid4())
    assert job is not None
    assert (job.kind, job.direction) == (JobKind.SYNC, TO_CRM)
    assert review.queue.enqueued == [job.id]


async def test_a_coupling_line_starts_with_a_match_job() -> None:
    review = await Review().with_mappings(CUSTOMER.with_changes(depends_on=()))
    await review.erp_row("customer", no="CUST-10000", name="Adatum Corporation")
    review.crm.add_row("account", {"name": "Adatum Corporation"})
    await review.service.start()
    line = (await review.lines())["CUSTOMER"]
    async with review.db.uow() as uow:
        job = await uow.jobs.get(line.to_crm_job_id or uuid4())
    assert job is not None
    assert job.kind is JobKind.MATCH


async def test_a_failed_line_holds_its_dependants() -> None:
    review = await Review().with_mappings(CURRENCY, CUSTOMER, CONTACT)
    await review.erp_row("currency", code="DKK")
    await review.erp_row("customer", no="CUST-10000", name="Adatum Corporation")
    await review.erp_row("contact", no="CT-10000", first_name="Robin")
    await review.service.start()
    await review.end_job_of("CURRENCY", JobStatus.FAILED)
    assert await statuses(review) == {
        "CURRENCY": LineStatus.ERROR,
        "CUSTOMER": LineStatus.ON_HOLD,
        "CONTACT": LineStatus.ON_HOLD,
    }


async def test_restarting_a_failed_line_lets_its_held_dependants_follow() -> None:
    review = await Review().with_mappings(CURRENCY, CUSTOMER)
    await review.erp_row("currency", code="DKK")
    await review.erp_row("customer", no="CUST-10000", name="Adatum Corporation")
    await review.service.start()
    await review.end_job_of("CURRENCY", JobStatus.FAILED)
    await review.service.restart("CURRENCY")
    assert await statuses(review) == {"CURRENCY": LineStatus.IN_PROCESS, "CUSTOMER": LineStatus.READY}
    await review.end_job_of("CURRENCY")
    assert await statuses(review) == {"CURRENCY": LineStatus.FINISHED, "CUSTOMER": LineStatus.IN_PROCESS}
