"""The simulator as an ASGI app: the token endpoint at ``/<tenant>/oauth2/v2.0/token``
and the Web API under ``/api/data/v9.2/``, on the same port.

Every Web API request passes, in order: injected faults (latency, dropped
connection, hang, error status), the bearer token check (401), the service
protection limits of its user (429), then the handler in one transaction; after
the commit its changes go to the webhooks."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from adapters.dataverse import _json
from adapters.dataverse.simulator._errors import REQUESTS_LIMIT, DataverseFault
from adapters.dataverse.simulator._messages import API_PREFIX, ApiRequest, ApiResponse, fault_response

if TYPE_CHECKING:
    from adapters.dataverse.simulator._simulator import DataverseSimulator

Scope = dict[str, Any]
_TOKEN_PATH = re.compile(r"^/([^/]+)/oauth2/v2\.0/token/?$")


class SimulatedConnectionReset(Exception):
    """Raised after the response started, so the server drops the connection."""


class _DropSimulatedResets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], SimulatedConnectionReset))


class SimulatorApp:
    def __init__(self, simulator: DataverseSimulator) -> None:
        self.simulator = simulator
        server_log = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, _DropSimulatedResets) for f in server_log.filters):
            server_log.addFilter(_DropSimulatedResets())

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        path = scope["path"]
        token_path = _TOKEN_PATH.match(path)
        if token_path and scope["method"] == "POST":
            await self._token(scope, token_path.group(1), body, send)
        elif path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/"):
            await self._web_api(scope, body, receive, send)
        else:
            await _send(send, ApiResponse(404, {"Content-Type": "text/plain"}, b"Not Found"))

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.simulator.webhooks.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _token(self, scope: Scope, tenant: str, body: bytes, send: Any) -> None:
        headers = _headers(scope)
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        status, payload = self.simulator.authority.issue(
            tenant, form, headers.get("authorization"), _base_url(scope, headers)
        )
        response = ApiResponse(
            status, {"Content-Type": "application/json; charset=utf-8"}, _json.dumps(payload)
        )
        await _send(send, response)

    async def _web_api(self, scope: Scope, body: bytes, receive: Any, send: Any) -> None:
        simulator = self.simulator
        faults = simulator.faults
        delay = faults.delay()
        if delay:
            await asyncio.sleep(delay)
        outcome = faults.draw()
        if outcome == "reset":
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]}
            )
            raise SimulatedConnectionReset()
        if outcome == "timeout":
            await self._hang(receive, send, faults.hang_seconds)
            return
        if isinstance(outcome, int):
            await _send(send, _injected(outcome, faults.retry_after))
            return
        headers = _headers(scope)
        request = ApiRequest(
            scope["method"],
            scope["path"][len(API_PREFIX) :] if scope["path"].startswith(API_PREFIX) else "",
            dict(parse_qsl(scope.get("query_string", b"").decode("utf-8"), keep_blank_values=True)),
            headers,
            body,
            _base_url(scope, headers),
        )
        try:
            request.user_id = simulator.authority.authenticate(headers.get("authorization"))
            simulator.limiter.admit(request.user_id)
        except DataverseFault as fault:
            simulator.stats.count(fault.status)
            await _send(send, fault_response(fault))
            return
        started = time.perf_counter()
        try:
            response, changes = simulator.router.dispatch(request)
        finally:
            simulator.limiter.release(request.user_id, (time.perf_counter() - started) * 1000)
        simulator.stats.count(response.status)
        await _send(send, response)
        simulator.webhooks.organization["host"] = scope.get("server", ("localhost",))[0] or "localhost"
        simulator.webhooks.dispatch(changes)

    async def _hang(self, receive: Any, send: Any, seconds: float) -> None:
        """Answer nothing until the client disconnects; after `seconds`, a 504."""
        try:
            async with asyncio.timeout(seconds):
                while (await receive())["type"] != "http.disconnect":
                    pass
        except TimeoutError:
            await _send(send, _injected(504, None))


def _injected(status: int, retry_after: int | None) -> ApiResponse:
    if status == 429:
        message = "Number of requests exceeded the limit of 6000 over time window of 300 seconds."
        return fault_response(DataverseFault(429, REQUESTS_LIMIT, message, retry_after=retry_after))
    return fault_response(DataverseFault(status, "", f"Injected fault: HTTP {status}"))


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


def _base_url(scope: Scope, headers: dict[str, str]) -> str:
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


async def _send(send: Any, response: ApiResponse) -> None:
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.items()
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
