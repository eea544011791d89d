"""In-memory job, mapping and full-sync stores."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from domain.fullsync.model import ReviewLine
from domain.jobs.model import JobError, JobRecord, JobStatus, RecordOutcome, SyncJob
from domain.jobs.ports import DuplicateJobError
from domain.mappings.model import TableMapping
from tests.fakes.state import State

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class InMemoryJobStore:
    def __init__(self, state: State) -> None:
        self._state = state

    async def add(self, job: SyncJob) -> None:
        if job.dedupe_key is not None and await self.active(job.dedupe_key) is not None:
            raise DuplicateJobError(job.dedupe_key)
        self._state.jobs[job.id] = copy.deepcopy(job)

    async def get(self, job_id: UUID) -> SyncJob | None:
        found = self._state.jobs.get(job_id)
        return None if found is None else copy.deepcopy(found)

    async def save(self, job: SyncJob) -> None:
        self._state.jobs[job.id] = copy.deepcopy(job)

    async def active(self, dedupe_key: str) -> SyncJob | None:
        found = sorted(
            (j for j in self._state.jobs.values() if j.dedupe_key == dedupe_key and j.status in ACTIVE),
            key=lambda j: j.queued_at,
        )
        return await self.get(found[0].id) if found else None

    async def add_errors(self, errors: Sequence[JobError]) -> None:
        self._state.job_errors.extend(errors)

    async def add_records(self, records: Sequence[JobRecord]) -> None:
        self._state.job_records.extend(records)

    async def record_counts(self, job_id: UUID) -> dict[RecordOutcome, int]:
        return dict(Counter(r.outcome for r in self._state.job_records if r.job_id == job_id))

    async def request_cancel(self, job_id: UUID) -> SyncJob | None:
        job = self._state.jobs.get(job_id)
        if job is not None and job.status in ACTIVE:
            job.cancel_requested = True
        return await self.get(job_id)

    async def claim_lane(self, lane: str, job_id: UUID, at: datetime) -> UUID | None:
        holder = self._state.lanes.get(lane)
        if holder is not None and holder != job_id:
            held_by = self._state.jobs.get(holder)
            if held_by is not None and held_by.status in ACTIVE:
                return holder
        self._state.lanes[lane] = job_id
        return None

    async def release_lane(self, lane: str, job_id: UUID) -> None:
        if self._state.lanes.get(lane) == job_id:
            del self._state.lanes[lane]


class InMemoryMappingStore:
    def __init__(self, state: State) -> None:
        self._state = state

    def _with_watermarks(self, mapping: TableMapping) -> TableMapping:
        erp, crm = self._state.watermarks.get(mapping.name, (None, None))
        return replace(mapping, erp_watermark=erp, crm_watermark=crm)

    async def all(self) -> list[TableMapping]:
        return [self._with_watermarks(m) for _, m in sorted(self._state.mappings.items())]

    async def get(self, name: str) -> TableMapping | None:
        found = self._state.mappings.get(name)
        return None if found is None else self._with_watermarks(found)

    async def save(self, mapping: TableMapping) -> None:
        self._state.mappings[mapping.name] = mapping

    async def set_watermarks(self, name: str, *, erp: datetime | None, crm: datetime | None) -> None:
        old_erp, old_crm = self._state.watermarks.get(name, (None, None))
        self._state.watermarks[name] = (erp or old_erp, crm or old_crm)

    async def clear_watermarks(self, name: str) -> None:
        self._state.watermarks.pop(name, None)


class InMemoryFullSyncStore:
    def __init__(self, state: State) -> None:
        self._state = state

    async def lines(self, *, for_update: bool = False) -> list[ReviewLine]:
        return [replace(line) for line in sorted(self._state.review, key=lambda line: line.position)]

    async def replace(self, lines: Sequence[ReviewLine]) -> None:
        self._state.review = [replace(line) for line in lines]

    async def save(self, line: ReviewLine) -> None:
        self._state.review = [line if old.mapping == line.mapping else old for old in self._state.review]

    async def bump(self) -> int:
        self._state.review_version += 1
        return self._state.review_version

    async def version(self) -> int:
        return self._state.review_version
