"""An in-memory unit of work: the stores work on a copy of the database's state,
which replaces the state on commit and is dropped on rollback."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

from domain.uow import UnitOfWork
from tests.fakes.couplings import (
    InMemoryCouplingStore,
    InMemoryDeletionMarks,
    InMemoryOutcomeHistory,
    InMemoryParkedRecords,
)
from tests.fakes.erp import InMemoryErpStore
from tests.fakes.state import State
from tests.fakes.stores import InMemoryFullSyncStore, InMemoryJobStore, InMemoryMappingStore


class InMemoryDatabase:
    """The committed state; `uow()` is a `UnitOfWorkFactory`. `commits` counts
    committed units of work (tests can tell that something was written at all)."""

    def __init__(self) -> None:
        self.state = State()
        self.commits = 0

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self)


class InMemoryUnitOfWork:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db
        self._bind(State())

    def _bind(self, state: State) -> None:
        self._state = state
        self.erp = InMemoryErpStore(state)
        self.mappings = InMemoryMappingStore(state)
        self.couplings = InMemoryCouplingStore(state)
        self.parked = InMemoryParkedRecords(state)
        self.deletion_marks = InMemoryDeletionMarks(state)
        self.history = InMemoryOutcomeHistory(state)
        self.jobs = InMemoryJobStore(state)
        self.full_sync = InMemoryFullSyncStore(state)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        before = copy.deepcopy(self._state)
        try:
            yield
        except BaseException:
            self._restore(before)
            raise

    def _restore(self, before: State) -> None:
        # In place: the stores (and anything holding them) keep seeing the same state.
        for name in vars(before):
            setattr(self._state, name, getattr(before, name))

    async def __aenter__(self) -> InMemoryUnitOfWork:
        self._bind(copy.deepcopy(self._db.state))
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self._db.state = self._state
            self._db.commits += 1


def _implements_the_port(uow: InMemoryUnitOfWork) -> UnitOfWork:
    return uow  # mypy checks the fake (and each of its stores) against the port here
