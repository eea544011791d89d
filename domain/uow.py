"""The unit of work: every store on one transaction, committed together."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol

from domain.couplings.ports import CouplingStore, DeletionMarks, OutcomeHistory, ParkedRecords
from domain.financials.ports import ErpStore
from domain.fullsync.ports import FullSyncStore
from domain.jobs.ports import JobStore
from domain.mappings.ports import MappingStore


class UnitOfWork(Protocol):
    """`async with uow:` commits when the block ends and rolls back when it raises."""

    # Read-only properties, not attributes: an implementation may hold its own
    # store classes (a protocol's settable attribute would have to be exactly the port).
    @property
    def erp(self) -> ErpStore: ...

    @property
    def mappings(self) -> MappingStore: ...

    @property
    def couplings(self) -> CouplingStore:
        """The couplings themselves."""

    @property
    def parked(self) -> ParkedRecords:
        """Records waiting for a prerequisite to be coupled."""

    @property
    def deletion_marks(self) -> DeletionMarks:
        """Records whose counterpart was deleted."""

    @property
    def history(self) -> OutcomeHistory:
        """The outcome history of couplings."""

    @property
    def jobs(self) -> JobStore: ...

    @property
    def full_sync(self) -> FullSyncStore: ...

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: what fails inside it rolls back alone."""

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
