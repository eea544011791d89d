"""`DataverseClient`: the CRM ports (`CrmRows`, `CrmAdmin`) over the Dataverse Web API."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

import httpx

from adapters.dataverse._admin import AdminMixin
from adapters.dataverse._batch import BatchMixin
from adapters.dataverse._bulk import BulkMixin
from adapters.dataverse._config import DataverseConfig
from adapters.dataverse._core import Core
from adapters.dataverse._http import RequestStats
from adapters.dataverse._reads import ReadsMixin
from adapters.dataverse._schema import EntitySpec
from domain.crm import CrmRows
from domain.crm_admin import CrmAdmin, CrmClient


class DataverseClient(ReadsMixin, BulkMixin, BatchMixin, AdminMixin):
    """Async client of one Dataverse environment (or the simulator), implementing
    `domain.crm.CrmRows` and `domain.crm_admin.CrmAdmin` (together `CrmClient`).

    :param config: where and how (timeouts, retries, concurrency, page sizes).
    :param transport: an httpx transport, e.g. ``httpx.MockTransport`` in tests.
    :param sleep: how to wait between retries (tests pass a recorder, not a clock).
    :param jitter: a source of ``[0, 1)`` for the backoff's random half.
    :param clock: monotonic seconds, for token expiry and Retry-After.

    Use it as an async context manager, or call `close()`::

        async with DataverseClient(config) as crm:
            me = await crm.who_am_i()
    """

    def __init__(
        self,
        config: DataverseConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._core = Core(config, transport=transport, sleep=sleep, jitter=jitter, clock=clock)

    @property
    def config(self) -> DataverseConfig:
        return self._core.config

    @property
    def stats(self) -> RequestStats:
        """Requests sent (attempts, including retries), retries, and 429s met so far."""
        return self._core.requester.stats

    def register_entity(self, spec: EntitySpec) -> None:
        """Teach the client an entity up front instead of reading its table definition."""
        self._core.registry.add(spec)

    async def close(self) -> None:
        await self._core.aclose()

    async def __aenter__(self) -> DataverseClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def _implements_the_port(client: DataverseClient) -> CrmClient:
    return client  # mypy checks DataverseClient against the whole CrmClient protocol here


def _implements_row_access(client: DataverseClient) -> CrmRows:
    return client  # … and against each narrow port, so a drift names the port it breaks


def _implements_administration(client: DataverseClient) -> CrmAdmin:
    return client
