"""How a queue stops the job it runs, shared by both adapters.

The runner works in its own task inside the job's task. A user's cancel reaches
it gently: the job's cancel flag is already set, so it stops at its next
checkpoint, never inside a database transaction (a write cut off there can keep
SQLite locked); it is cut off only if it has not stopped after a grace. When
the process stops, the runner is cancelled at once and puts the job back in the
queue. The time limit cancels the runner's task itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
CANCEL_GRACE_SECONDS = 10.0


async def run_guarded(
    running: asyncio.Task[T], *, canceled_by_user: Callable[[], bool], timed_out: Callable[[], bool]
) -> T | None:
    """The runner's result; None when its time limit stopped it (the job is FAILED).
    A cancel of the calling task is re-raised once the runner has stopped."""
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if running.done():
            if timed_out() and current is not None and not current.cancelling():
                return None
            raise
        try:
            if canceled_by_user():
                await asyncio.wait({running}, timeout=CANCEL_GRACE_SECONDS)
        finally:
            if not running.done():
                running.cancel()
            await asyncio.wait({running})
        raise
