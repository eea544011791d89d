"""The SYNC job: one mapping, one pass (ERP → CRM or CRM → ERP)."""

from __future__ import annotations

from domain.couplings.prerequisites import local_currency
from domain.crm import CrmRows, CrmThrottledError, CrmTransientError
from domain.jobs.params import SyncParams
from domain.jobs.runner import JobContext, JobRetry
from domain.mappings.model import SyncDirection
from domain.sync.context import CoupledHook, SyncContext
from domain.sync.from_crm import run_from_crm
from domain.sync.options import run_options_to_crm
from domain.sync.to_crm import run_to_crm

MAX_BACKOFF = 300.0


def retry_later(error: CrmTransientError, attempts: int) -> JobRetry:
    """A TRANSIENT CRM failure: run the job again when the CRM said (429
    Retry-After), else after a backoff growing with the attempts."""
    if isinstance(error, CrmThrottledError):
        return JobRetry(error.retry_after or 30.0, f"the CRM asked to wait: {error}")
    return JobRetry(min(MAX_BACKOFF, 5.0 * 2**attempts), f"the CRM is unavailable: {error}")


async def run_sync(ctx: JobContext, crm: CrmRows, on_coupled: CoupledHook | None = None) -> None:
    job = ctx.job
    params = job.params_as(SyncParams)
    async with ctx.uow() as uow:
        mappings = {m.name: m for m in await uow.mappings.all()}
        mapping = mappings.get(job.mapping or "")
        lcy = await local_currency(uow)
    if mapping is None:
        raise ValueError(f"there is no table mapping {job.mapping!r}")
    direction = job.direction or SyncDirection.TO_CRM
    try:
        user = (await crm.who_am_i()).user_id if direction is SyncDirection.FROM_CRM else None
        sc = SyncContext(
            job=ctx,
            crm=crm,
            mapping=mapping,
            mappings=mappings,
            direction=direction,
            params=params,
            started=ctx.clock.now(),
            lcy=lcy,
            integration_user=user,
            on_coupled=on_coupled,
        )
        if direction is SyncDirection.FROM_CRM:
            await run_from_crm(sc)
        elif mapping.is_option_mapping:
            await run_options_to_crm(sc)
        else:
            await run_to_crm(sc)
        if sc.on_coupled is not None:
            for name in sorted(sc.coupled_now):
                from_crm = direction is SyncDirection.FROM_CRM and name == mapping.name
                await sc.on_coupled(name, sc.coupled_erp_ids if from_crm else [])
    except CrmTransientError as error:
        raise retry_later(error, job.attempts) from error
    job.total = job.processed
