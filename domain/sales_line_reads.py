"""What the AVAILABILITY fields read: stock, prices and price lists, all on one
connection per request (a CRM plugin asks often and wants answers fast)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.availability import AvailabilityStore
from domain.pricing import PriceLine
from domain.pricing_service import PriceStore


@dataclass(frozen=True, slots=True)
class PriceGroup:
    """A customer price group."""

    code: str
    description: str | None


class SalesLineRequest(AvailabilityStore, PriceStore, Protocol):
    """The reads of one request: availability, pricing and price lists."""

    async def price_group(self, code: str) -> PriceGroup | None:
        """The customer price group of this code, or None."""

    async def price_list_lines(
        self, code: str, on: date, offset: int, limit: int
    ) -> tuple[list[PriceLine], int]:
        """A page of the group's lines valid on `on`, and how many there are."""


class SalesLineReads(Protocol):
    """Opens the reads of one request (`async with reads.open() as request:`)."""

    def open(self) -> AbstractAsyncContextManager[SalesLineRequest]:
        """One connection for the whole request."""
