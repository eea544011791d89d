"""A Microsoft Entra look-alike for client credentials (reference §1.1, §8 item 1):
``POST /<tenant>/oauth2/v2.0/token`` with ``grant_type=client_credentials``,
``client_id``, ``client_secret`` (or HTTP Basic) and ``scope=<org url>/.default``;
errors carry Entra's ``error`` / ``error_description`` (AADSTS codes). Registered
apps are stored with their secret hashed; tokens live in memory, so a restarted
simulator answers 401 to old tokens, as an expired token would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from adapters.dataverse.simulator._errors import unauthorized
from adapters.dataverse.simulator._store import Store


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Authority:
    def __init__(
        self,
        store: Store,
        tenant_id: str,
        *,
        token_lifetime: int = 3599,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.tenant_id = tenant_id
        self.token_lifetime = token_lifetime
        self.clock = clock
        self._tokens: dict[str, tuple[str, float]] = {}
        self.issued = 0

    def register(self, client_id: str, client_secret: str, user_id: str) -> None:
        self.store.execute(
            "INSERT INTO apps (client_id, secret_sha256, user_id) VALUES (?, ?, ?) ON CONFLICT(client_id) "
            "DO UPDATE SET secret_sha256 = excluded.secret_sha256, user_id = excluded.user_id",
            [client_id, _hash(client_secret), user_id],
        )

    def app_user(self, client_id: str) -> str | None:
        value = self.store.scalar("SELECT user_id FROM apps WHERE client_id = ?", [client_id])
        return None if value is None else str(value)

    def expire_all(self) -> None:
        """Make every issued token expired (the next Web API call answers 401)."""
        self._tokens = {token: (user, 0.0) for token, (user, _) in self._tokens.items()}

    def issue(
        self, tenant: str, form: dict[str, str], authorization: str | None, resource: str
    ) -> tuple[int, dict[str, Any]]:
        """The token endpoint's answer: (status, JSON)."""
        if tenant.lower() != self.tenant_id.lower():
            return _error(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
        if form.get("grant_type") != "client_credentials":
            return _error(
                400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
            )
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        stored = self.store.scalar("SELECT secret_sha256 FROM apps WHERE client_id = ?", [client_id])
        if stored is None:
            return _error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory '{tenant}'.",
            )
        if secret is None or not hmac.compare_digest(str(stored), _hash(secret)):
            return _error(401, "invalid_client", 7000215, "Invalid client secret provided.")
        scope = form.get("scope", "")
        if not scope.endswith("/.default"):
            return _error(
                400, "invalid_scope", 70011, f"The provided value for scope '{scope}' is not valid."
            )
        if scope.removesuffix("/.default").rstrip("/").lower() != resource.rstrip("/").lower():
            return _error(
                400,
                "invalid_resource",
                500011,
                f"The resource principal named {scope.removesuffix('/.default')} "
                "was not found in the tenant.",
            )
        token = secrets.token_urlsafe(32)
        user_id = self.app_user(client_id) or ""
        self._tokens[token] = (user_id, self.clock() + self.token_lifetime)
        self.issued += 1
        lifetime = self.token_lifetime
        return 200, {
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": token,
        }

    def authenticate(self, authorization: str | None) -> str:
        """The user id behind a bearer token; raises the 401 fault otherwise."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise unauthorized("The request does not carry a bearer token.")
        entry = self._tokens.get(authorization[7:].strip())
        if entry is None:
            raise unauthorized("The bearer token is not valid (InvalidAuthTicket).")
        user_id, expires_at = entry
        if self.clock() >= expires_at:
            raise unauthorized("The bearer token has expired (ExpiredAuthTicket).")
        return user_id


def _error(status: int, error: str, code: int, description: str) -> tuple[int, dict[str, Any]]:
    return status, {
        "error": error,
        "error_description": f"AADSTS{code}: {description}\r\nTrace ID: {uuid.uuid4()}",
        "error_codes": [code],
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4()),
    }
