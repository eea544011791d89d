"""OAuth 2.0 client credentials against Microsoft Entra ID (or the simulator).

One form POST to ``<authority>/<tenant>/oauth2/v2.0/token`` with the scope
``<environment url>/.default``; the token is cached until `refresh_margin`
seconds before it expires (MSAL treats under 5 minutes left as expired) and
dropped when Dataverse answers 401, so the next call fetches a fresh one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from adapters.dataverse._config import DataverseConfig
from adapters.dataverse._transport import in_words
from domain.crm import CrmAuthError, CrmTimeoutError, CrmTransientError


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    expires_at: float


class TokenProvider:
    """Caches one access token per client; concurrent callers share one fetch."""

    def __init__(
        self,
        config: DataverseConfig,
        http: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._http = http
        self._clock = clock
        self._token: _Token | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        cached = self._fresh()
        if cached is not None:
            return cached
        async with self._lock:
            cached = self._fresh()
            if cached is not None:
                return cached
            self._token = await self._fetch()
            return self._token.value

    def invalidate(self, token: str) -> None:
        """Forget `token` (after a 401), unless another caller already replaced it."""
        if self._token is not None and self._token.value == token:
            self._token = None

    def _fresh(self) -> str | None:
        token = self._token
        if token is not None and self._clock() < token.expires_at - self._config.token_refresh_margin:
            return token.value
        return None

    async def _fetch(self) -> _Token:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret,
            "scope": self._config.scope,
        }
        started = self._clock()
        try:
            response = await self._http.post(
                self._config.token_url,
                data=form,
                headers={"Accept": "application/json"},
                timeout=self._config.timeout,
            )
        except httpx.TimeoutException as exc:
            raise CrmTimeoutError(f"token endpoint timed out: {in_words(exc)}") from exc
        except httpx.TransportError as exc:
            raise CrmTransientError(f"token endpoint unreachable: {in_words(exc)}") from exc
        if response.status_code >= 500:
            raise CrmTransientError("token endpoint failed", status=response.status_code)
        payload = _json_object(response)
        if response.status_code != 200 or "access_token" not in payload:
            error = str(payload.get("error") or "invalid_response")
            description = str(payload.get("error_description") or response.reason_phrase)
            first_line = description.splitlines()[0] if description else ""
            raise CrmAuthError(f"token request refused: {error}: {first_line}", status=response.status_code)
        expires_in = float(str(payload.get("expires_in") or 3599))
        return _Token(str(payload["access_token"]), started + expires_in)


def _json_object(response: httpx.Response) -> dict[str, object]:
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
