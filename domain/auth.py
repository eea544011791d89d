"""API keys and the roles they carry (API.md "Auth").

Roles are ordered: ADMIN can do everything INTEGRATION can, and INTEGRATION
everything AVAILABILITY can. The AVAILABILITY key is the one handed to CRM
plugins: it reads availability and prices and nothing else."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

KEY_PREFIX = "cpl_"


class Role(StrEnum):
    AVAILABILITY = "AVAILABILITY"
    INTEGRATION = "INTEGRATION"
    ADMIN = "ADMIN"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: Role) -> bool:
        return self.rank >= required.rank


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key: never the secret itself, only its hash and a display prefix."""

    id: UUID
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, name and role."""

    key_id: UUID
    name: str
    role: Role


def new_secret() -> str:
    """A fresh key: 'cpl_' + 43 URL-safe characters (256 random bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 of the key. Keys carry 256 random bits, so a fast hash is the
    right tool (as for GitHub tokens); a slow password hash would add nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[: len(KEY_PREFIX) + 6]
