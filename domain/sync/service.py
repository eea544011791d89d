"""Starting syncs: a mapping, one record, all modified records, creating
counterparts, retrying skipped records, resolving conflicts (API.md mutations)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from domain.clock import Clock, IdFactory, Uuid7Factory
from domain.couplings.model import Coupling, Side, SyncResult
from domain.couplings.service import find_erp_record, require_mapping
from domain.crm import CrmRows
from domain.errors import ErrorCode, ValidationFailed
from domain.financials.tables import table
from domain.jobs.model import ErrorClass, JobKind, JobStatus, SyncJob
from domain.jobs.params import SyncParams, UncoupleParams
from domain.jobs.service import JobService
from domain.jobs.triggers import Trigger
from domain.mappings.dag import dependency_order, effective_dependencies
from domain.mappings.model import DeletionConflictResolution, SyncDirection, TableMapping
from domain.sync.deletions import crm_deleted_message
from domain.uow import UnitOfWork, UnitOfWorkFactory

WRITE_BACK_LIMIT = 1000


def dedupe_key(mapping: str, direction: SyncDirection) -> str:
    return f"sync:{mapping}:{direction.value}"


class SyncService:
    def __init__(
        self, uow: UnitOfWorkFactory, jobs: JobService, clock: Clock, ids: IdFactory | None = None
    ) -> None:
        self._uow = uow
        self._jobs = jobs
        self._clock = clock
        self._ids = ids or Uuid7Factory()

    async def _pass(
        self,
        mapping: TableMapping,
        direction: SyncDirection,
        params: SyncParams,
        *,
        trigger: Trigger,
        after: Sequence[SyncJob] = (),
        dedupe: bool = True,
        enqueue: bool = True,
    ) -> SyncJob:
        return await self._jobs.start(
            JobKind.SYNC,
            mapping.name,
            trigger=trigger,
            direction=direction,
            params=params.following(tuple(j.id for j in after)),
            dedupe=dedupe_key(mapping.name, direction) if dedupe else None,
            enqueue=enqueue,
        )

    async def start_pass(
        self, name: str, direction: SyncDirection, params: SyncParams, *, trigger: Trigger
    ) -> SyncJob:
        """One pass of a mapping over the records `params` names."""
        async with self._uow() as uow:
            mapping = await require_mapping(uow, name)
        return await self._pass(mapping, direction, params, trigger=trigger, dedupe=False)

    async def run_mapping(
        self,
        name: str,
        direction: SyncDirection | None = None,
        *,
        only_modified: bool = True,
        trigger: Trigger = Trigger.MANUAL,
        after: Sequence[SyncJob] = (),
        full: bool = False,
        enqueue: bool = True,
        dedupe: bool = True,
    ) -> list[SyncJob]:
        """One job per pass: ERP → CRM first, then CRM → ERP (which waits for it).
        With `dedupe`, a pass already queued or running for the mapping and
        direction is returned instead of a new one; a caller that must track its
        own jobs (the full sync) asks for new ones (the mapping's lane still runs
        them one at a time)."""
        async with self._uow() as uow:
            mapping = await require_mapping(uow, name)
        chosen = direction or mapping.direction
        if mapping.direction is not SyncDirection.BIDIRECTIONAL and chosen is not mapping.direction:
            raise ValidationFailed.single(
                "direction", f"{name} only syncs {mapping.direction.value}", ErrorCode.INVALID_VALUE
            )
        params = SyncParams(full=full or not only_modified)
        jobs: list[SyncJob] = []
        for one_way in chosen.passes():
            jobs.append(
                await self._pass(
                    mapping,
                    one_way,
                    params,
                    trigger=trigger,
                    after=[*after, *jobs],
                    enqueue=enqueue,
                    dedupe=dedupe,
                )
            )
        return jobs

    async def sync_modified(
        self, *, trigger: Trigger = Trigger.MANUAL, only: Collection[str] | None = None
    ) -> list[SyncJob]:
        """Every enabled mapping's modified records (or those of the mappings in
        `only`), prerequisites first: a mapping's jobs wait for the jobs started
        here for the mappings it depends on. The schedule and `syncAll` share it."""
        async with self._uow() as uow:
            mappings = {m.name: m for m in await uow.mappings.all() if m.enabled and m.parent is None}
        started: dict[str, list[SyncJob]] = {}
        for name in dependency_order({n: effective_dependencies(m, mappings) for n, m in mappings.items()}):
            if only is not None and name not in only:
                continue
            after = [
                job
                for dep in effective_dependencies(mappings[name], mappings)
                for job in started.get(dep, [])
            ]
            started[name] = await self.run_mapping(name, trigger=trigger, after=after)
        return [job for jobs in started.values() for job in jobs]

    async def sync_record(
        self,
        name: str,
        *,
        erp_id: UUID | None = None,
        erp_key: str | None = None,
        crm_id: UUID | None = None,
        direction: SyncDirection | None = None,
        crm: CrmRows | None = None,
        trigger: Trigger = Trigger.MANUAL,
    ) -> list[SyncJob]:
        """Synchronize one coupled record now, writing every mapped value. Without a
        direction: the mapping's, or for bidirectional mappings the side that changed
        since the last sync (both, merged field by field, when both or neither did)."""
        async with self._uow() as uow:
            mapping = await require_mapping(uow, name)
            coupling = await self._coupling(uow, mapping, erp_id, erp_key, crm_id)
            record = await uow.erp.get_by_id(table(mapping.erp_table), coupling.erp_id)
            if coupling.skipped:
                coupling.skipped = False
                await uow.couplings.save(coupling)
        if direction is None:
            direction = await self._recommend(mapping, coupling, record.modified_at if record else None, crm)
        if mapping.direction is not SyncDirection.BIDIRECTIONAL and direction is not mapping.direction:
            raise ValidationFailed.single(
                "direction", f"{name} only syncs {mapping.direction.value}", ErrorCode.INVALID_VALUE
            )
        jobs: list[SyncJob] = []
        for one_way in direction.passes():
            params = SyncParams(
                erp_ids=(coupling.erp_id,) if one_way is SyncDirection.TO_CRM else (),
                crm_ids=(coupling.crm_id,) if one_way is SyncDirection.FROM_CRM and coupling.crm_id else (),
                force=direction is not SyncDirection.BIDIRECTIONAL,
            )
            jobs.append(await self._pass(mapping, one_way, params, trigger=trigger, after=jobs, dedupe=False))
        return jobs

    async def sync_coupled(
        self, name: str, erp_ids: Collection[UUID], direction: SyncDirection, *, trigger: Trigger
    ) -> list[SyncJob]:
        """Write every mapped value of these coupled records in `direction` (after coupling)."""
        async with self._uow() as uow:
            mapping = await require_mapping(uow, name)
            couplings = list((await uow.couplings.in_mapping_by_erp(name, erp_ids)).values())
        jobs: list[SyncJob] = []
        for one_way in direction.passes():
            if not mapping.direction.covers(one_way):
                continue
            params = SyncParams(
                erp_ids=tuple(c.erp_id for c in couplings) if one_way is SyncDirection.TO_CRM else (),
                crm_ids=tuple(c.crm_id for c in couplings if c.crm_id)
                if one_way is SyncDirection.FROM_CRM
                else (),
                force=True,
            )
            if params.explicit:
                jobs.append(
                    await self._pass(mapping, one_way, params, trigger=trigger, after=jobs, dedupe=False)
                )
        return jobs

    async def _coupling(
        self,
        uow: UnitOfWork,
        mapping: TableMapping,
        erp_id: UUID | None,
        erp_key: str | None,
        crm_id: UUID | None,
    ) -> Coupling:
        coupling: Coupling | None = None
        if crm_id is not None:
            coupling = await uow.couplings.by_crm(mapping.name, crm_id)
        else:
            record = await find_erp_record(uow, mapping, erp_id, erp_key)
            coupling = await uow.couplings.by_erp(mapping.name, record.id)
        if coupling is None:
            raise ValidationFailed.single(
                None,
                f"the record is not coupled in {mapping.name}: couple it first, or create its counterpart",
                ErrorCode.NOT_COUPLED,
            )
        return coupling

    async def _recommend(
        self, mapping: TableMapping, coupling: Coupling, erp_modified: datetime | None, crm: CrmRows | None
    ) -> SyncDirection:
        if mapping.direction is not SyncDirection.BIDIRECTIONAL:
            return mapping.direction
        erp_changed = coupling.erp_modified_at is None or (
            erp_modified is not None and erp_modified > coupling.erp_modified_at
        )
        crm_changed = True
        if crm is not None and coupling.crm_id is not None:
            row = await crm.get(mapping.crm_entity, coupling.crm_id, ["modifiedon"])
            crm_changed = (
                row is None
                or coupling.crm_modified_at is None
                or (row.modified_on is not None and row.modified_on > coupling.crm_modified_at)
            )
        if erp_changed and not crm_changed:
            return SyncDirection.TO_CRM
        if crm_changed and not erp_changed:
            return SyncDirection.FROM_CRM
        return SyncDirection.BIDIRECTIONAL

    async def create_counterparts(
        self, name: str, direction: SyncDirection, ids: Collection[UUID], *, trigger: Trigger = Trigger.CREATE
    ) -> SyncJob:
        """Create the CRM rows of these ERP records (TO_CRM), or the ERP records of
        these CRM rows (FROM_CRM); already coupled ones are synchronized instead."""
        async with self._uow() as uow:
            mapping = await require_mapping(uow, name)
        if not ids:
            raise ValidationFailed.single("ids", "give at least one record", ErrorCode.REQUIRED)
        if not mapping.direction.covers(direction):
            raise ValidationFailed.single(
                "mapping", f"{name} does not sync {direction.value}", ErrorCode.INVALID_VALUE
            )
        async with self._uow() as uow:  # asked for by a user: a deleted counterpart no longer holds it back
            await uow.deletion_marks.forget_deleted_counterparts(
                name, Side.ERP if direction is SyncDirection.TO_CRM else Side.CRM, ids
            )
        params = SyncParams(
            erp_ids=tuple(ids) if direction is SyncDirection.TO_CRM else (),
            crm_ids=tuple(ids) if direction is SyncDirection.FROM_CRM else (),
            create=True,
        )
        return await self._pass(mapping, direction, params, trigger=trigger, dedupe=False)

    async def retry_skipped(
        self, *, coupling_ids: Collection[UUID] = (), mapping: str | None = None
    ) -> list[SyncJob]:
        """Restore skipped couplings and synchronize them again."""
        async with self._uow() as uow:
            if mapping is not None:
                await require_mapping(uow, mapping)
                couplings = await uow.couplings.skipped_of(mapping)
            else:
                couplings = [c for c in [await uow.couplings.get(i) for i in coupling_ids] if c is not None]
            if not couplings:
                raise ValidationFailed.single(
                    None, "there are no skipped records to retry", ErrorCode.NOT_FOUND
                )
            by_mapping: dict[str, list[Coupling]] = defaultdict(list)
            for coupling in couplings:
                coupling.skipped, coupling.repeated_failures = False, 0
                await uow.couplings.save(coupling)
                by_mapping[coupling.mapping].append(coupling)
            mappings = {m.name: m for m in await uow.mappings.all()}
        jobs: list[SyncJob] = []
        for name, group in by_mapping.items():
            table_mapping = mappings[name]
            passes: list[SyncJob] = []
            for one_way in table_mapping.direction.passes():
                params = SyncParams(
                    erp_ids=tuple(c.erp_id for c in group) if one_way is SyncDirection.TO_CRM else (),
                    crm_ids=tuple(c.crm_id for c in group if c.crm_id)
                    if one_way is SyncDirection.FROM_CRM
                    else (),
                )
                if params.explicit:
                    passes.append(
                        await self._pass(
                            table_mapping, one_way, params, trigger=Trigger.RETRY, after=passes, dedupe=False
                        )
                    )
            jobs += passes
        return jobs

    async def resolve_conflict(self, coupling_id: UUID, winner: SyncDirection) -> tuple[Coupling, SyncJob]:
        """Settle a conflict: the winner's values are written over the other side's."""
        if winner is SyncDirection.BIDIRECTIONAL:
            raise ValidationFailed.single("winner", "choose ERP or CRM", ErrorCode.INVALID_VALUE)
        async with self._uow() as uow:
            coupling = await uow.couplings.get(coupling_id)
            if coupling is None:
                raise ValidationFailed.single("coupling_id", "there is no such coupling", ErrorCode.NOT_FOUND)
            if not coupling.conflict:
                raise ValidationFailed.single(
                    "coupling_id", "the coupling has no conflict", ErrorCode.INVALID_STATE
                )
            mapping = await require_mapping(uow, coupling.mapping)
            coupling.conflict, coupling.skipped = None, False
            await uow.couplings.save(coupling)
        params = SyncParams(
            erp_ids=(coupling.erp_id,) if winner is SyncDirection.TO_CRM else (),
            crm_ids=(coupling.crm_id,) if winner is SyncDirection.FROM_CRM and coupling.crm_id else (),
            force=True,
        )
        job = await self._pass(mapping, winner, params, trigger=Trigger.CONFLICT_RESOLVED, dedupe=False)
        return coupling, job

    async def after_coupling(self, mapping: str, from_crm: Collection[UUID] = ()) -> list[SyncJob]:
        """A pass coupled records in `mapping`: records parked for them are released;
        ERP records a CRM → ERP pass created (or coupled) get their own values — the
        number the series gave them, defaults — written to their CRM rows now, not
        at the next change (up to WRITE_BACK_LIMIT of them; more wait for the next
        pass, which finds them changed anyway)."""
        jobs = await self.release_parked(mapping)
        if from_crm and len(from_crm) <= WRITE_BACK_LIMIT:
            async with self._uow() as uow:
                table_mapping = await require_mapping(uow, mapping)
            if table_mapping.direction.covers(SyncDirection.TO_CRM):
                params = SyncParams(erp_ids=tuple(sorted(set(from_crm))))
                jobs.append(
                    await self._pass(
                        table_mapping,
                        SyncDirection.TO_CRM,
                        params,
                        trigger=Trigger.CREATED_FROM_CRM,
                        dedupe=False,
                    )
                )
        return jobs

    async def release_parked(self, coupled_in: str) -> list[SyncJob]:
        """Records parked because they waited for a coupling in `coupled_in` are
        synchronized again now."""
        async with self._uow() as uow:
            parked = await uow.parked.parked_waiting_for(coupled_in)
            mappings = {m.name: m for m in await uow.mappings.all()}
        groups: dict[tuple[str, SyncDirection, bool], set[UUID]] = defaultdict(set)
        for record in parked:
            groups[(record.mapping, record.direction, record.create)].add(record.record_id)
        jobs = []
        for (name, direction, create), ids in sorted(groups.items(), key=lambda g: g[0]):
            if name not in mappings:
                continue
            # A record parked by a pass that would not have created its counterpart
            # (only-coupled) is released the same way: never created by its release.
            params = SyncParams(
                erp_ids=tuple(sorted(ids)) if direction is SyncDirection.TO_CRM else (),
                crm_ids=tuple(sorted(ids)) if direction is SyncDirection.FROM_CRM else (),
                create=create,
            )
            jobs.append(
                await self._pass(
                    mappings[name], direction, params, trigger=Trigger.DEPENDENCY_COUPLED, dedupe=False
                )
            )
        return jobs

    async def crm_row_deleted(self, entity: str, row_id: UUID) -> int:
        """A CRM row was deleted (a webhook said so): its couplings follow each
        mapping's deletion policy, as a pass finding the row gone would. A mapping
        that only reads from the CRM just removes the coupling (the ERP record is
        kept); one that writes to the CRM: REMOVE_COUPLING removes it and marks the
        ERP record so no pass creates a new row for it; RESTORE_RECORD creates the
        row again now, under its id; NONE keeps the coupling, failed, until a user
        decides. Returns how many couplings it touched; each is recorded in a job."""
        touched = 0
        restore: list[tuple[str, UUID]] = []
        async with self._uow() as uow:
            for mapping in await uow.mappings.all():
                if mapping.crm_entity != entity or mapping.is_option_mapping:
                    continue
                coupling = await uow.couplings.by_crm(mapping.name, row_id)
                if coupling is None:
                    continue
                touched += 1
                label = f"{entity} {row_id}"
                record = await uow.erp.get_by_id(table(mapping.erp_table), coupling.erp_id)
                erp_key = table(mapping.erp_table).key_of(record.values) if record else str(coupling.erp_id)
                policy = mapping.deletion_conflict_resolution
                now = self._clock.now()
                removed = not mapping.direction.covers(SyncDirection.TO_CRM) or (
                    policy is DeletionConflictResolution.REMOVE_COUPLING
                )
                if removed:
                    await uow.couplings.remove([coupling.id])
                    if mapping.direction.covers(SyncDirection.TO_CRM):
                        await uow.deletion_marks.mark_deleted_counterparts(
                            mapping.name, Side.ERP, [(coupling.erp_id, f"{label} was deleted in the CRM")]
                        )
                    message = f"{label} was deleted in the CRM; the ERP record is kept and uncoupled"
                elif policy is DeletionConflictResolution.RESTORE_RECORD:
                    restore.append((mapping.name, coupling.erp_id))
                    message = f"{label} was deleted in the CRM; it is created again"
                else:
                    message = crm_deleted_message(table(mapping.erp_table).label, erp_key)
                    coupling.to_crm.result, coupling.last_error = SyncResult.FAILURE, message
                    coupling.last_error_class, coupling.last_error_at = ErrorClass.PERMANENT.value, now
                    coupling.modified_at = now
                    await uow.couplings.save(coupling)
                await uow.jobs.add(
                    SyncJob(
                        id=self._ids.new_id(),
                        kind=JobKind.UNCOUPLE,
                        trigger=Trigger.CRM_DELETE,
                        queued_at=now,
                        mapping=mapping.name,
                        direction=mapping.direction,
                        status=JobStatus.SUCCEEDED,
                        started_at=now,
                        finished_at=now,
                        processed=1,
                        total=1,
                        uncoupled=1 if removed else 0,
                        message=message,
                        params=UncoupleParams(crm_id=row_id),
                    )
                )
        for name, erp_id in restore:
            await self.start_pass(
                name, SyncDirection.TO_CRM, SyncParams(erp_ids=(erp_id,)), trigger=Trigger.CRM_DELETE
            )
        return touched
