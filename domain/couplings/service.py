"""Coupling by hand and uncoupling (DOMAIN.md "Couplings"; BC ref §3.2).

CRM reads happen before the write transaction opens, so no database lock is
held across a network call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from domain.clock import Clock, IdFactory
from domain.couplings.lookups import RecordLookups
from domain.couplings.model import Coupling
from domain.couplings.ports import DuplicateCouplingError
from domain.couplings.prerequisites import missing_prerequisites
from domain.crm import CrmError, CrmRows
from domain.errors import ErrorCode, ValidationFailed
from domain.filters import matches, parse
from domain.financials.records import ErpRecord
from domain.financials.tables import table
from domain.jobs.model import JobKind, JobStatus, SyncJob
from domain.jobs.params import UncoupleParams
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection, TableMapping
from domain.uow import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class CoupleRequest:
    mapping: str
    crm_id: UUID | None = None
    crm_option: int | None = None
    erp_id: UUID | None = None
    erp_key: str | None = None
    sync_after: SyncDirection | None = None


async def require_mapping(uow: RecordLookups, name: str) -> TableMapping:
    mapping = await uow.mappings.get(name)
    if mapping is None:
        raise ValidationFailed.single("mapping", f"there is no table mapping {name!r}", ErrorCode.NOT_FOUND)
    return mapping


async def find_erp_record(
    uow: RecordLookups, mapping: TableMapping, erp_id: UUID | None, erp_key: str | None
) -> ErpRecord:
    spec = table(mapping.erp_table)
    if erp_id is not None:
        record = await uow.erp.get_by_id(spec, erp_id)
    elif erp_key is not None:
        parts = erp_key.strip().upper().split("|")
        record = (
            await uow.erp.get(spec, dict(zip(spec.key, parts, strict=False)))
            if len(parts) == len(spec.key)
            else None
        )
    else:
        raise ValidationFailed.single("erp_id", "give the ERP record's id or key", ErrorCode.REQUIRED)
    if record is None:
        raise ValidationFailed.single(
            "erp_id" if erp_id else "erp_key",
            f"{spec.label} {erp_id or erp_key} does not exist",
            ErrorCode.NOT_FOUND,
        )
    return record


def crm_label(mapping: TableMapping, crm_id: UUID | None, option: int | None) -> str:
    if mapping.is_option_mapping:
        return f"{mapping.crm_entity}.{mapping.crm_option_attribute} option {option}"
    return f"{mapping.crm_entity} {crm_id}"


@contextmanager
def crm_refusals() -> Iterator[None]:
    """A CRM failure during a user's request becomes a userError saying so."""
    try:
        yield
    except CrmError as error:
        raise ValidationFailed.single(None, f"the CRM refused: {error}", ErrorCode.CRM_ERROR) from None


class CouplingService:
    def __init__(self, uow: UnitOfWorkFactory, crm: CrmRows, clock: Clock, ids: IdFactory) -> None:
        self._uow = uow
        self._crm = crm
        self._clock = clock
        self._ids = ids

    async def couple(self, request: CoupleRequest) -> Coupling:
        """Couple one ERP record to one CRM row (or option). Both must exist and fall
        inside the mapping's filters; neither may be coupled already. Uncoupled
        prerequisites do not block: they are named on the coupling."""
        async with self._uow() as uow:
            mapping = await require_mapping(uow, request.mapping)
            record = await find_erp_record(uow, mapping, request.erp_id, request.erp_key)
        await self._check_crm_side(mapping, request)
        if mapping.erp_filter and not matches(parse(mapping.erp_filter), record.values):
            raise ValidationFailed.single(
                "erp_id",
                f"{table(mapping.erp_table).label} {table(mapping.erp_table).key_of(record.values)} is "
                f"outside the mapping's ERP filter ({mapping.erp_filter})",
                ErrorCode.OUTSIDE_FILTER,
            )
        async with self._uow() as uow:
            await self._refuse_taken(uow, mapping, record, request)
            everything = {m.name: m for m in await uow.mappings.all()}
            now = self._clock.now()
            coupling = Coupling(
                id=self._ids.new_id(),
                mapping=mapping.name,
                erp_id=record.id,
                crm_id=request.crm_id,
                crm_option=request.crm_option,
                created_at=now,
                modified_at=now,
                sync_after=request.sync_after,
                missing_prerequisites=await missing_prerequisites(uow, mapping, record, everything),
            )
            try:
                await uow.couplings.add(coupling)
            except DuplicateCouplingError:
                raise ValidationFailed.single(
                    None, "the record was coupled by someone else just now", ErrorCode.ALREADY_COUPLED
                ) from None
        return coupling

    async def _check_crm_side(self, mapping: TableMapping, request: CoupleRequest) -> None:
        if mapping.is_option_mapping:
            if request.crm_option is None:
                raise ValidationFailed.single(
                    "crm_option_value", "give the CRM option value", ErrorCode.REQUIRED
                )
            with crm_refusals():
                options = await self._crm.option_set(mapping.crm_entity, mapping.crm_option_attribute or "")
            if request.crm_option not in {o.value for o in options}:
                raise ValidationFailed.single(
                    "crm_option_value",
                    f"{crm_label(mapping, None, request.crm_option)} does not exist",
                    ErrorCode.NOT_FOUND,
                )
            return
        if request.crm_id is None:
            raise ValidationFailed.single("crm_id", "give the CRM row's id", ErrorCode.REQUIRED)
        with crm_refusals():
            row = await self._crm.get(mapping.crm_entity, request.crm_id)
        if row is None:
            raise ValidationFailed.single(
                "crm_id", f"{crm_label(mapping, request.crm_id, None)} does not exist", ErrorCode.NOT_FOUND
            )
        if mapping.crm_filter and not matches(parse(mapping.crm_filter), row.attributes):
            raise ValidationFailed.single(
                "crm_id",
                f"{crm_label(mapping, row.id, None)} is outside the mapping's "
                f"CRM filter ({mapping.crm_filter})",
                ErrorCode.OUTSIDE_FILTER,
            )

    async def _refuse_taken(
        self, uow: UnitOfWork, mapping: TableMapping, record: ErpRecord, request: CoupleRequest
    ) -> None:
        spec = table(mapping.erp_table)
        mine = await uow.couplings.by_erp(mapping.name, record.id)
        if mine is not None:
            raise ValidationFailed.single(
                "erp_id",
                f"{spec.label} {spec.key_of(record.values)} is already coupled to "
                f"{crm_label(mapping, mine.crm_id, mine.crm_option)}",
                ErrorCode.ALREADY_COUPLED,
            )
        if request.crm_option is not None:
            theirs = await uow.couplings.by_option(mapping.name, request.crm_option)
        else:
            theirs = await uow.couplings.by_crm(mapping.name, request.crm_id) if request.crm_id else None
        if theirs is not None:
            other = await uow.erp.get_by_id(spec, theirs.erp_id)
            who = spec.key_of(other.values) if other else str(theirs.erp_id)
            raise ValidationFailed.single(
                "crm_id",
                f"{crm_label(mapping, request.crm_id, request.crm_option)} is already coupled to "
                f"{spec.label} {who}",
                ErrorCode.ALREADY_COUPLED,
            )

    async def uncouple(
        self,
        mapping_name: str,
        *,
        coupling_id: UUID | None = None,
        erp_id: UUID | None = None,
        crm_id: UUID | None = None,
        trigger: Trigger = Trigger.MANUAL,
    ) -> SyncJob:
        """Uncouple one record now; the returned job (already finished) records it."""
        async with self._uow() as uow:
            mapping = await require_mapping(uow, mapping_name)
            if coupling_id is not None:
                coupling = await uow.couplings.get(coupling_id)
            elif erp_id is not None:
                coupling = await uow.couplings.by_erp(mapping.name, erp_id)
            elif crm_id is not None:
                coupling = await uow.couplings.by_crm(mapping.name, crm_id)
            else:
                raise ValidationFailed.single(None, "give the coupling, ERP id or CRM id", ErrorCode.REQUIRED)
            if coupling is None or coupling.mapping != mapping.name:
                raise ValidationFailed.single(
                    None, f"that record is not coupled in {mapping.name}", ErrorCode.NOT_COUPLED
                )
            now = self._clock.now()
            job = SyncJob(
                id=self._ids.new_id(),
                kind=JobKind.UNCOUPLE,
                trigger=trigger,
                queued_at=now,
                mapping=mapping.name,
                status=JobStatus.SUCCEEDED,
                started_at=now,
                finished_at=now,
                processed=1,
                total=1,
                uncoupled=await uow.couplings.remove([coupling.id]),
                params=UncoupleParams(coupling_ids=(coupling.id,)),
            )
            await uow.jobs.add(job)
        return job
