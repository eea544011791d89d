"""Service protection limits (reference §3), per user over a sliding window:
requests, combined execution time, and concurrent requests. Exceeding one answers
429 with ``Retry-After`` (whole seconds) and the documented code and message:
0x80072322 (requests), 0x80072321 (execution time), 0x80072326 (concurrency).
Requests refused with 429 do not count. A ``$batch`` or bulk message is one request."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.dataverse.simulator._errors import (
    CONCURRENCY_LIMIT,
    EXECUTION_TIME_LIMIT,
    REQUESTS_LIMIT,
    DataverseFault,
)


@dataclass(slots=True)
class ServiceProtection:
    """The limits; Dataverse's defaults per web server. Mutable at runtime."""

    requests_per_window: int = 6000
    window_seconds: float = 300.0
    execution_ms_per_window: float = 1_200_000.0
    concurrent_requests: int = 52
    enabled: bool = True


@dataclass(slots=True)
class _UserLoad:
    requests: deque[float] = field(default_factory=deque)
    executions: deque[tuple[float, float]] = field(default_factory=deque)
    in_flight: int = 0


class Limiter:
    def __init__(self, limits: ServiceProtection, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._users: dict[str, _UserLoad] = {}
        self.throttled = 0

    def admit(self, user_id: str) -> None:
        """Count a request in, or raise the 429 fault."""
        load = self._users.setdefault(user_id, _UserLoad())
        limits = self.limits
        if limits.enabled:
            now = self.clock()
            self._expire(load, now)
            if load.in_flight >= limits.concurrent_requests:
                self._refuse(
                    CONCURRENCY_LIMIT,
                    f"Number of concurrent requests exceeded the limit of {limits.concurrent_requests}.",
                    1,
                )
            if len(load.requests) >= limits.requests_per_window:
                wait = load.requests[0] + limits.window_seconds - now
                self._refuse(
                    REQUESTS_LIMIT,
                    f"Number of requests exceeded the limit of {limits.requests_per_window} over time window "
                    f"of {limits.window_seconds:g} seconds.",
                    wait,
                )
            spent = sum(ms for _, ms in load.executions)
            if spent >= limits.execution_ms_per_window:
                wait = load.executions[0][0] + limits.window_seconds - now
                self._refuse(
                    EXECUTION_TIME_LIMIT,
                    f"Combined execution time of incoming requests exceeded limit of "
                    f"{limits.execution_ms_per_window:,.0f} milliseconds over time window of "
                    f"{limits.window_seconds:g} seconds. Decrease number of concurrent requests or reduce "
                    "the duration of requests and try again later.",
                    wait,
                )
            load.requests.append(now)
        load.in_flight += 1

    def release(self, user_id: str, execution_ms: float) -> None:
        load = self._users[user_id]
        load.in_flight -= 1
        if self.limits.enabled:
            load.executions.append((self.clock(), execution_ms))

    def reset(self) -> None:
        self._users = {user: _UserLoad(in_flight=load.in_flight) for user, load in self._users.items()}

    def _expire(self, load: _UserLoad, now: float) -> None:
        horizon = now - self.limits.window_seconds
        while load.requests and load.requests[0] <= horizon:
            load.requests.popleft()
        while load.executions and load.executions[0][0] <= horizon:
            load.executions.popleft()

    def _refuse(self, code: str, message: str, wait: float) -> None:
        self.throttled += 1
        raise DataverseFault(429, code, message, retry_after=max(1, math.ceil(wait)))
