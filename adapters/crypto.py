"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with the service's key.

The key is `COUPLET_SECRET_KEY`. The embedded mode (SQLite) generates one into
`COUPLET_DATA_DIR/secret.key` (mode 0600) on first use; with a server database
the key must be set, because every process (API, workers) must share it."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from adapters.settings import Settings


class SecretKeyMissing(RuntimeError):
    pass


class SecretBox:
    """Encrypts and decrypts short secrets (client secrets, webhook keys)."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.secret_key is not None:
            return cls(settings.secret_key.get_secret_value().encode())
        if not settings.is_sqlite:
            raise SecretKeyMissing(
                "set COUPLET_SECRET_KEY (a Fernet key) so every process can read the CRM secret"
            )
        return cls(_local_key(settings.data_dir / "secret.key"))

    def encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyMissing(
                "the stored secret cannot be decrypted with this COUPLET_SECRET_KEY"
            ) from None


def _local_key(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
