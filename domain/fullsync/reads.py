"""What the API reads about the full-sync review beside its lines."""

from __future__ import annotations

from typing import Protocol


class FullSyncReads(Protocol):
    """Read-only queries of the full-sync review."""

    async def version(self) -> int:
        """The review's version (it advances with every change of a line)."""
