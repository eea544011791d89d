"""The unit of work: every store on one transaction, committed together."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol

from domain.couplings.ports import CouplingStore
from domain.financials.ports import ErpStore
from domain.fullsync.ports import FullSyncStore
from domain.jobs.ports import JobStore
from domain.mappings.ports import MappingStore


class UnitOfWork(Protocol):
    """`async with uow:` commits when the block ends and rolls back when it raises."""

    erp: ErpStore
    mappings: MappingStore
    couplings: CouplingStore
    jobs: JobStore
    full_sync: FullSyncStore

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: what fails inside it rolls back alone."""

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
