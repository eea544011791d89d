"""A scripted Dataverse behind `httpx.MockTransport`, and time that passes only when told."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.dataverse import DataverseClient, DataverseConfig

URL = "https://contoso.crm4.dynamics.com"
TENANT = "contoso.onmicrosoft.com"
ACCOUNT_ID = "7f6c5e8a-1b2c-4d3e-9f00-0a1b2c3d4e5f"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeTime:
    """`clock` reads it; `sleep` records the delay and moves time on (no real waiting)."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class FakeDataverse:
    """Token endpoint answering fresh tokens; Web API calls answered in order from `answers`
    (then 200 ``{}``). Every request is recorded."""

    answers: deque[Answer] = field(default_factory=deque)
    token_lifetime: int = 3599
    token_answer: httpx.Response | None = None
    api_requests: list[httpx.Request] = field(default_factory=list)
    token_requests: list[httpx.Request] = field(default_factory=list)

    def answer(self, *answers: Answer) -> FakeDataverse:
        self.answers.extend(answers)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/v2.0/token"):
            self.token_requests.append(request)
            if self.token_answer is not None:
                return self.token_answer
            token = f"token-{len(self.token_requests)}"
            return httpx.Response(
                200, json={"token_type": "Bearer", "expires_in": self.token_lifetime, "access_token": token}
            )
        self.api_requests.append(request)
        answer = self.answers.popleft() if self.answers else httpx.Response(200, json={})
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def body(self, index: int = -1) -> Any:
        return json.loads(self.api_requests[index].content)


def client(
    fake: FakeDataverse,
    time: FakeTime | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **config: Any,
) -> DataverseClient:
    time = time or FakeTime()
    settings: dict[str, Any] = {
        "url": URL,
        "tenant_id": TENANT,
        "client_id": "couplet-app",
        "client_secret": "s3cret-value",
        "timeout": 5.0,
    }
    settings.update(config)
    return DataverseClient(
        DataverseConfig(**settings),
        transport=transport or httpx.MockTransport(fake.handler),
        sleep=time.sleep,
        jitter=lambda: 0.5,
        clock=time.clock,
    )


def error(
    status: int, code: str = "", message: str = "failed", headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}}, headers=headers)


def no_content(entity_id: str | None = None) -> httpx.Response:
    headers = {"OData-EntityId": f"{URL}/api/data/v9.2/accounts({entity_id})"} if entity_id else {}
    return httpx.Response(204, headers=headers)


def account_json(**columns: Any) -> dict[str, Any]:
    return {"@odata.etag": 'W/"1001"', "accountid": ACCOUNT_ID, **columns}
