"""API keys: who is calling, issued and listed by admins (README "API keys and roles")."""

from __future__ import annotations

import time
from typing import Protocol

from domain.auth import ApiKey, Principal, Role, hash_secret


class ApiKeyStore(Protocol):
    """Where keys are kept: only a key's hash and display prefix, never its secret."""

    async def create(self, name: str, role: Role) -> tuple[ApiKey, str]:
        """Store a new key; return it with its secret, which is not kept anywhere."""

    async def principal(self, secret: str) -> Principal | None:
        """Who holds this secret, unless the key is unknown or revoked."""

    async def list(self) -> list[ApiKey]:
        """Every key, oldest first, revoked ones included."""


class PrincipalCache:
    """Remembers recent key lookups so a busy CRM plugin does not cost a query
    per request. A revoked key stops working within `ttl` seconds."""

    def __init__(self, ttl: float = 30.0, size: int = 1024) -> None:
        self._ttl = ttl
        self._size = size
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, secret_hash: str) -> Principal | None:
        entry = self._entries.get(secret_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, secret_hash: str, principal: Principal) -> None:
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[secret_hash] = (time.monotonic() + self._ttl, principal)

    def clear(self) -> None:
        self._entries.clear()


class ApiKeyService:
    """Looks callers up by their key (cached per process) and issues keys."""

    def __init__(self, store: ApiKeyStore, cache: PrincipalCache | None = None) -> None:
        self._store = store
        self.cache = cache or PrincipalCache()

    async def principal(self, secret: str) -> Principal | None:
        """The holder of an API key, or None for an unknown or revoked key."""
        secret_hash = hash_secret(secret)
        cached = self.cache.get(secret_hash)
        if cached is not None:
            return cached
        principal = await self._store.principal(secret)
        if principal is not None:
            self.cache.put(secret_hash, principal)
        return principal

    async def create(self, name: str, role: Role) -> tuple[ApiKey, str]:
        """A new key and its secret (shown once)."""
        return await self._store.create(name, role)

    async def list(self) -> list[ApiKey]:
        return await self._store.list()
