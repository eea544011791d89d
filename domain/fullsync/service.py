"""Running the full-sync review as a DAG (DOMAIN.md "Full sync"; BC ref §5.2–5.4).

A line starts when every line it depends on is FINISHED or had no records.
A FULL_SYNCHRONIZATION line runs the mapping's passes over every record,
creating counterparts (only-coupled off, no watermark). A COUPLE_RECORDS line
first couples by the mapping's match fields, then runs the same full passes, so
records without a match get their counterpart created and matched ones are
synchronized; if any record matched several rows the line stops in ERROR before
creating anything (a full pass would otherwise add yet another row). A line
whose pass fails holds its dependants ON_HOLD until it is restarted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from domain.clock import Clock
from domain.crm import CrmRows
from domain.errors import ErrorCode, ValidationFailed
from domain.filters import parse
from domain.financials.tables import table
from domain.fullsync.model import LineStatus, PassStatus, Recommendation, ReviewLine, recommend
from domain.jobs.model import JobKind, JobStatus, RecordOutcome, SyncJob
from domain.jobs.params import Criterion, MatchParams
from domain.jobs.service import JobService
from domain.jobs.triggers import Trigger
from domain.mappings.dag import dependency_order, effective_dependencies
from domain.mappings.model import SyncDirection, TableMapping
from domain.sync.service import SyncService
from domain.uow import UnitOfWork, UnitOfWorkFactory

TRIGGER = Trigger.FULL_SYNC  # the review's jobs are known by it
CrmProvider = Callable[[], Awaitable[CrmRows]]
Changed = Callable[[int], Awaitable[None]]
EMPTY_UNIT_GROUPS = 1  # an org starts with one default unit group; that counts as empty (BC ref §5.3)


class FullSyncService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        crm: CrmProvider,
        jobs: JobService,
        sync: SyncService,
        clock: Clock,
        changed: Changed | None = None,
    ) -> None:
        self._uow = uow
        self._crm = crm
        self._jobs = jobs
        self._sync = sync
        self._clock = clock
        self._changed = changed

    async def review(self) -> tuple[list[ReviewLine], dict[str, TableMapping]]:
        """The review's lines (generated on first use) and their mappings."""
        async with self._uow() as uow:
            lines = await uow.full_sync.lines()
            mappings = await self._mappings(uow)
        if not lines:
            lines = await self._generate(mappings)
        return lines, mappings

    async def reset(self) -> list[ReviewLine]:
        async with self._uow() as uow:
            if any(line.status is LineStatus.IN_PROCESS for line in await uow.full_sync.lines()):
                raise ValidationFailed.single(
                    None, "a full synchronization is running", ErrorCode.INVALID_STATE
                )
            mappings = await self._mappings(uow)
        return await self._generate(mappings)

    async def _mappings(self, uow: UnitOfWork) -> dict[str, TableMapping]:
        return {m.name: m for m in await uow.mappings.all() if m.enabled and m.parent is None}

    async def _generate(self, mappings: dict[str, TableMapping]) -> list[ReviewLine]:
        crm = await self._crm()
        order = dependency_order({n: effective_dependencies(m, mappings) for n, m in mappings.items()})
        lines = []
        for position, name in enumerate(order):
            mapping = mappings[name]
            lines.append(
                ReviewLine(
                    mapping=name,
                    position=position,
                    modified_at=self._clock.now(),
                    recommendation=await self._recommend(mapping, crm),
                )
            )
        async with self._uow() as uow:
            await uow.full_sync.replace(lines)
            version = await uow.full_sync.bump()
        await self._announce(version)
        return lines

    async def _recommend(self, mapping: TableMapping, crm: CrmRows) -> Recommendation:
        spec = table(mapping.erp_table)
        async with self._uow() as uow:
            erp_rows = await uow.erp.count_matching(
                spec, parse(mapping.erp_filter) if mapping.erp_filter else None
            )
        if mapping.is_option_mapping:
            return recommend(erp_rows > 0, True, option_mapping=True)
        empty_at = EMPTY_UNIT_GROUPS if mapping.crm_entity == "uomschedule" else 0
        seen = 0
        async for page in crm.query(
            mapping.crm_entity, filter=mapping.crm_filter, select=[], top=empty_at + 1
        ):
            seen += len(page)
        return recommend(erp_rows > 0, seen > empty_at)

    async def start(self, names: Sequence[str] | None = None) -> list[ReviewLine]:
        """Start every line (or the named ones) whose prerequisites are done; the
        rest start by themselves as their prerequisites finish."""
        lines, mappings = await self.review()
        known = {line.mapping for line in lines}
        unknown = [n for n in names or [] if n not in known]
        if unknown:
            raise ValidationFailed.single(
                "mappings", f"no review line for {', '.join(unknown)}", ErrorCode.NOT_FOUND
            )
        await self._crm()  # refuse at once when no CRM connection is configured
        async with self._uow() as uow:
            lines = await uow.full_sync.lines(for_update=True)
            for line in lines:
                if (names is None or line.mapping in names) and line.status is LineStatus.BLANK:
                    line.status = LineStatus.READY
                    await uow.full_sync.save(line)
        return await self._advance()

    async def restart(self, name: str) -> list[ReviewLine]:
        """Run a failed (or finished) line again; its held dependants follow it."""
        async with self._uow() as uow:
            lines = {line.mapping: line for line in await uow.full_sync.lines(for_update=True)}
            line = lines.get(name)
            if line is None:
                raise ValidationFailed.single("mapping", f"no review line for {name}", ErrorCode.NOT_FOUND)
            if line.status not in (LineStatus.ERROR, LineStatus.FINISHED):
                raise ValidationFailed.single(
                    "mapping",
                    f"{name} is {line.status.value}; only a failed or finished line can be restarted",
                    ErrorCode.INVALID_STATE,
                )
            line.status, line.message = LineStatus.READY, None
            line.to_crm_status = line.from_crm_status = PassStatus.BLANK
            line.to_crm_job_id = line.from_crm_job_id = None
            await uow.full_sync.save(line)
            for other in lines.values():
                if other.status is LineStatus.ON_HOLD:
                    other.status = LineStatus.READY
                    await uow.full_sync.save(other)
        return await self._advance()

    async def _advance(self) -> list[ReviewLine]:
        """Start the READY lines whose prerequisites are satisfied; hold the ones
        behind a failed line. Runs again after every line that finishes."""
        started: list[tuple[ReviewLine, TableMapping]] = []
        async with self._uow() as uow:
            mappings = await self._mappings(uow)
            lines = await uow.full_sync.lines(for_update=True)
            by_name = {line.mapping: line for line in lines}
            for line in lines:
                if line.status is not LineStatus.READY or line.mapping not in mappings:
                    continue
                deps = [
                    by_name[d]
                    for d in effective_dependencies(mappings[line.mapping], mappings)
                    if d in by_name
                ]
                if any(d.status in (LineStatus.ERROR, LineStatus.ON_HOLD) for d in deps):
                    line.status = LineStatus.ON_HOLD
                elif all(d.satisfies_dependants for d in deps):
                    line.status = LineStatus.IN_PROCESS
                    started.append((line, mappings[line.mapping]))
                else:
                    continue
                line.modified_at = self._clock.now()
                await uow.full_sync.save(line)
            version = await uow.full_sync.bump()
        await self._announce(version)
        for line, mapping in started:
            await self._launch(line, mapping)
        async with self._uow() as uow:
            return await uow.full_sync.lines()

    async def _launch(self, line: ReviewLine, mapping: TableMapping) -> None:
        if line.recommendation is Recommendation.NO_RECORDS_FOUND:
            await self._finish_line(line.mapping, LineStatus.FINISHED, "no records to synchronize")
        elif line.recommendation is Recommendation.COUPLE_RECORDS:
            criteria = tuple(
                Criterion(f.erp_field, f.crm_attribute, f.match_priority, f.case_sensitive)
                for f in mapping.match_fields()
                if f.erp_field and f.crm_attribute
            )
            match = await self._jobs.start(
                JobKind.MATCH,
                mapping.name,
                trigger=TRIGGER,
                dedupe=None,
                params=MatchParams(
                    criteria=criteria, create_if_no_match=False, sync_after=None, dry_run=False
                ),
                enqueue=False,
            )
            await self._track(line.mapping, [match])
        else:
            await self._passes(line.mapping)

    async def _passes(self, name: str) -> None:
        jobs = await self._sync.run_mapping(name, full=True, trigger=TRIGGER, enqueue=False, dedupe=False)
        await self._track(name, jobs)

    async def _track(self, name: str, jobs: Sequence[SyncJob]) -> None:
        async with self._uow() as uow:
            line = {line.mapping: line for line in await uow.full_sync.lines(for_update=True)}[name]
            for job in jobs:
                if job.kind is JobKind.MATCH or job.direction is SyncDirection.TO_CRM:
                    line.to_crm_job_id, line.to_crm_status = job.id, PassStatus.IN_PROCESS
                else:
                    line.from_crm_job_id, line.from_crm_status = job.id, PassStatus.IN_PROCESS
            line.modified_at = self._clock.now()
            await uow.full_sync.save(line)
            version = await uow.full_sync.bump()
        await self._jobs.enqueue(jobs)  # only now: the line knows its jobs before any can finish
        await self._announce(version)

    async def job_changed(self, job: SyncJob) -> None:
        """As the runner's `JobEvents`: a job of the review that ended moves it on."""
        await self.job_finished(job)

    async def job_finished(self, job: SyncJob) -> None:
        """A job of the review ended: update its line and start what may follow."""
        if not job.status.is_final or job.trigger is not TRIGGER:
            return
        async with self._uow() as uow:
            line = next(
                (
                    line
                    for line in await uow.full_sync.lines(for_update=True)
                    if job.id in (line.to_crm_job_id, line.from_crm_job_id)
                ),
                None,
            )
            if line is None:
                return
            ambiguous = 0
            if job.kind is JobKind.MATCH:
                ambiguous = (await uow.jobs.record_counts(job.id)).get(RecordOutcome.AMBIGUOUS, 0)
            passed = job.status is JobStatus.SUCCEEDED and (job.failed == 0 or job.kind is JobKind.MATCH)
            status = PassStatus.SUCCESS if passed and not ambiguous else PassStatus.ERROR
            if status is PassStatus.ERROR and not ambiguous:
                side = "ERP → CRM" if job.id == line.to_crm_job_id else "CRM → ERP"
                line.message = (
                    f"the {side} pass failed: {job.message}"
                    if job.status is JobStatus.FAILED
                    else f"the {side} pass: {job.failed} record(s) failed"
                )
            if job.id == line.to_crm_job_id:
                line.to_crm_status = status
            else:
                line.from_crm_status = status
            await uow.full_sync.save(line)
        if job.kind is JobKind.MATCH and status is PassStatus.SUCCESS:
            await self._passes(line.mapping)
            return
        if ambiguous:
            await self._finish_line(
                line.mapping,
                LineStatus.ERROR,
                f"{ambiguous} record(s) match more than one "
                "CRM row: couple them by hand, then restart the line",
            )
            return
        statuses = {line.to_crm_status, line.from_crm_status} - {PassStatus.BLANK}
        if PassStatus.IN_PROCESS in statuses:
            return
        failed = PassStatus.ERROR in statuses
        await self._finish_line(
            line.mapping,
            LineStatus.ERROR if failed else LineStatus.FINISHED,
            line.message if failed else None,
        )

    async def _finish_line(self, name: str, status: LineStatus, message: str | None) -> None:
        async with self._uow() as uow:
            line = {line.mapping: line for line in await uow.full_sync.lines(for_update=True)}[name]
            line.status, line.message, line.modified_at = status, message, self._clock.now()
            await uow.full_sync.save(line)
        await self._advance()

    async def _announce(self, version: int) -> None:
        if self._changed is not None:
            await self._changed(version)
