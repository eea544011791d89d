"""The UNCOUPLE job: remove listed couplings, or all of a mapping, page by page."""

from __future__ import annotations

from domain.jobs.model import Outcome
from domain.jobs.params import UncoupleParams
from domain.jobs.runner import JobContext

PAGE = 500


async def run_uncouple(ctx: JobContext) -> None:
    listed = list(ctx.job.params_as(UncoupleParams).coupling_ids)
    if listed:
        async with ctx.uow() as uow:
            ctx.count(Outcome.UNCOUPLED, await uow.couplings.remove(listed))
        ctx.advance(len(listed))
        return
    while True:
        async with ctx.uow() as uow:
            page = await uow.couplings.page_of_mapping(ctx.job.mapping or "", limit=PAGE)
            removed = await uow.couplings.remove([c.id for c in page])
        if not page:
            break
        ctx.count(Outcome.UNCOUPLED, removed)
        ctx.advance(len(page))
        await ctx.checkpoint()
