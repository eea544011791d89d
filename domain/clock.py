"""Time and identity, injectable so tests control them."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Source of aware UTC time."""

    def now(self) -> datetime: ...


class IdFactory(Protocol):
    """Source of new record ids."""

    def new_id(self) -> uuid.UUID: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Uuid7Factory:
    """Time-ordered UUIDs (RFC 9562 version 7): new rows land at the end of
    their indexes instead of at random pages, and ids sort by creation."""

    def new_id(self) -> uuid.UUID:
        millis = time.time_ns() // 1_000_000
        rand = int.from_bytes(os.urandom(10), "big")
        value = (millis & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= (rand >> 64 & 0xFFF) << 64
        value |= 0b10 << 62
        value |= rand & ((1 << 62) - 1)
        return uuid.UUID(int=value)
