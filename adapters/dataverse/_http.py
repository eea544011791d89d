"""Every Web API call goes through `Requester.send`: headers, bearer token,
timeout, bounded concurrency, and the retry policy.

Retry policy (reference §2.2, §3, §1.2):

* 401: the token is dropped and the call repeated once with a fresh one.
* 429, or a service-protection error code under any status: wait ``Retry-After``
  (backoff when absent) - and every other call of this client waits too, since
  the limits are per user. A Retry-After above `max_retry_after` is raised at once.
* 503, and errors raised before the request left (connect errors, pool timeouts):
  retried with jittered exponential backoff.
* 502, 504, read timeouts and dropped connections leave it unknown whether the
  CRM acted, so only idempotent calls are retried after them.

Every retry counts against `max_retries`; the last failure is raised as a `CrmError`."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx
import structlog

from adapters.dataverse._auth import TokenProvider
from adapters.dataverse._config import DataverseConfig
from adapters.dataverse._errors import map_error
from adapters.dataverse._transport import in_words
from domain.crm import CrmError, CrmThrottledError, CrmTimeoutError, CrmTransientError

log = structlog.get_logger("couplet.dataverse")

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_ALWAYS_RETRIED_STATUSES = frozenset({503})


@dataclass(slots=True)
class Attempts:
    """What happened to one call: `ambiguous` is set when it was retried after a
    failure that leaves open whether the CRM acted (a timeout or dropped connection
    after sending, 502, 504) - so "already exists" may mean "our earlier attempt landed"."""

    count: int = 0
    ambiguous: bool = False


@dataclass(slots=True)
class RequestStats:
    """Counters for one client: attempts sent, retries made, 429s met."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0


class Requester:
    def __init__(
        self,
        config: DataverseConfig,
        http: httpx.AsyncClient,
        tokens: TokenProvider,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._http = http
        self._tokens = tokens
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self._resume_at = 0.0
        self.stats = RequestStats()

    async def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool,
        http_timeout: float | None = None,
        passthrough: frozenset[int] = frozenset(),
        attempts: Attempts | None = None,
    ) -> httpx.Response:
        """Send until a success (< 400, or a status in `passthrough`) comes back or the
        retry budget is spent."""
        attempts = attempts if attempts is not None else Attempts()
        retries = 0
        refreshed = False
        while True:
            await self._wait_out_throttling()
            token = ""
            ambiguous = False
            try:
                token = await self._tokens.token()
                attempts.count += 1
                response = await self._once(method, url, token, params, content, headers, http_timeout)
            except CrmTransientError as exc:  # the token endpoint's trouble
                failure: CrmError = exc
            except httpx.TimeoutException as exc:
                failure = CrmTimeoutError(f"{method} timed out: {in_words(exc)}")
                ambiguous = not isinstance(exc, _NOT_SENT)
                if ambiguous and not idempotent:
                    raise failure from exc
            except httpx.TransportError as exc:
                failure = CrmTransientError(f"{method} failed: {in_words(exc)}")
                ambiguous = not isinstance(exc, _NOT_SENT)
                if ambiguous and not idempotent:
                    raise failure from exc
            else:
                if response.status_code < 400 or response.status_code in passthrough:
                    return response
                if response.status_code == 401 and not refreshed:
                    refreshed = True
                    self._tokens.invalidate(token)
                    continue
                failure = map_error(response)
                if not self._retryable(failure, idempotent):
                    raise failure
                ambiguous = failure.status in (502, 504)
            if retries >= self._config.max_retries:
                raise failure
            attempts.ambiguous = attempts.ambiguous or ambiguous
            delay = self._delay(failure, retries)
            retries += 1
            self.stats.retries += 1
            log.info(
                "dataverse.retry",
                method=method,
                path=httpx.URL(url).path,
                status=failure.status,
                code=failure.code,
                delay=round(delay, 3),
                attempt=retries,
            )
            if not isinstance(failure, CrmThrottledError):
                await self._sleep(delay)

    async def _once(
        self,
        method: str,
        url: str,
        token: str,
        params: Mapping[str, str] | None,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        http_timeout: float | None,
    ) -> httpx.Response:
        merged = {
            "Accept": "application/json",
            "OData-MaxVersion": "4.0",
            "OData-Version": "4.0",
            "User-Agent": self._config.user_agent,
        }
        if method == "GET":
            merged["If-None-Match"] = "null"
        if content is not None:
            merged["Content-Type"] = "application/json; charset=utf-8"
        merged.update(headers or {})
        merged["Authorization"] = f"Bearer {token}"
        async with self._slots:
            self.stats.requests += 1
            return await self._http.request(
                method,
                url,
                params=params,
                content=content,
                headers=merged,
                timeout=http_timeout or self._config.timeout,
            )

    def _retryable(self, failure: CrmError, idempotent: bool) -> bool:
        if isinstance(failure, CrmThrottledError):
            self.stats.throttled += 1
            wait = failure.retry_after
            return wait is None or wait <= self._config.max_retry_after
        if not isinstance(failure, CrmTransientError) or failure.status == 500:
            return False
        return idempotent or failure.status in _ALWAYS_RETRIED_STATUSES

    def _delay(self, failure: CrmError, retries: int) -> float:
        if isinstance(failure, CrmThrottledError):
            wait = failure.retry_after if failure.retry_after is not None else self._backoff(retries)
            self._resume_at = max(self._resume_at, self._clock() + wait)
            return wait
        if failure.retry_after is not None:
            return min(failure.retry_after, self._config.backoff_max)
        return self._backoff(retries)

    def _backoff(self, retries: int) -> float:
        """Exponential with "equal jitter": half fixed, half random."""
        ceiling = min(self._config.backoff_max, self._config.backoff_base * float(2**retries))
        return ceiling / 2 + ceiling / 2 * self._jitter()

    async def _wait_out_throttling(self) -> None:
        while (remaining := self._resume_at - self._clock()) > 0:
            await self._sleep(remaining)
