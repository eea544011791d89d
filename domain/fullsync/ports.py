"""Where the full-sync review lines are kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.fullsync.model import ReviewLine


class FullSyncStore(Protocol):
    async def lines(self, *, for_update: bool = False) -> list[ReviewLine]:
        """The lines in dependency order; `for_update` locks them for this transaction."""

    async def replace(self, lines: Sequence[ReviewLine]) -> None: ...

    async def save(self, line: ReviewLine) -> None: ...

    async def bump(self) -> int:
        """Advance and return the review's version (subscribers order changes by it)."""

    async def version(self) -> int: ...
