"""Fault injection for tests and benchmarks, changeable at runtime.

Every Web API request (not the token endpoint) first waits `latency` (± `jitter`),
then may meet a fault: a scripted one from `fail_next` (taken in order), else one
drawn from the rates. Outcomes:

* a status (429, 500, 502, 503, 504): an error answer; 429 looks exactly like the
  service-protection "requests" error with ``Retry-After: retry_after``;
* ``"reset"``: the connection is dropped after the response has started;
* ``"timeout"``: no answer until the client gives up (or `hang_seconds` pass, then 504).
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

Outcome = int | str
OUTCOMES = ("reset", "timeout")


@dataclass(slots=True)
class Faults:
    latency: float = 0.0
    jitter: float = 0.0
    error_rates: dict[int, float] = field(default_factory=dict)
    reset_rate: float = 0.0
    timeout_rate: float = 0.0
    retry_after: int = 1
    hang_seconds: float = 30.0
    seed: int | None = None
    scripted: deque[Outcome] = field(default_factory=deque)
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def delay(self) -> float:
        if not self.latency and not self.jitter:
            return 0.0
        return max(0.0, self.latency + self._random.uniform(-self.jitter, self.jitter))

    def draw(self) -> Outcome | None:
        if self.scripted:
            return self.scripted.popleft()
        roll = self._random.random()
        choices: list[tuple[Outcome, float]] = [
            ("reset", self.reset_rate),
            ("timeout", self.timeout_rate),
            *self.error_rates.items(),
        ]
        for outcome, rate in choices:
            if roll < rate:
                return outcome
            roll -= rate
        return None

    def script(self, outcomes: tuple[Outcome, ...]) -> None:
        for outcome in outcomes:
            if not (isinstance(outcome, int) or outcome in OUTCOMES):
                raise ValueError(f"unknown fault {outcome!r}: use an HTTP status, 'reset' or 'timeout'")
            self.scripted.append(outcome)
