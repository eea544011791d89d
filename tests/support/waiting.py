"""Waiting for something that happens in the background, with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T]], *, within: float = 15.0, every: float = 0.05) -> T:
    """The first truthy result of `check`; fails with its last result after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within} s (last result: {result!r})")
        await asyncio.sleep(every)
