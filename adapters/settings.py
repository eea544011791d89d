"""Settings from `COUPLET_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./couplet.db"


class Settings(BaseSettings):
    """Everything Couplet reads from its environment; see the README's table."""

    model_config = SettingsConfigDict(
        env_prefix="COUPLET_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    redis_prefix: str = Field(
        default="couplet", description="Prefix of every Redis key and channel (queue: <prefix>:queue)"
    )
    worker_concurrency: int = 8
    job_lease_seconds: float = 30.0
    job_time_limit_seconds: float = 4 * 3600.0
    job_stop_grace_seconds: float = 10.0
    schedule_enabled: bool = True
    schedule_tick_seconds: float = 60.0
    secret_key: SecretStr | None = Field(
        default=None,
        description="Fernet key encrypting CRM secrets at rest; generated into data_dir when unset",
    )
    data_dir: Path = Path(".couplet")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False
    graphiql: bool = True
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_aliases: int = 40
    max_page_size: int = 100
    max_body_bytes: int = 1_000_000
    change_triggers: bool = True
    change_debounce_seconds: float = 2.0
    crm_timeout_seconds: float = 30.0
    crm_max_concurrency: int = 8
    db_pool_size: int = 10
    public_url: str = Field(
        default="",
        description="Where CRM plugins reach Couplet (written into the CRM); default http://<host>:<port>",
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        """Accept plain URLs and pick the async driver Couplet runs on."""
        for plain, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if url.startswith(plain):
                return driver + url[len(plain) :]
        return url

    @model_validator(mode="after")
    def _public_url(self) -> Settings:
        self.public_url = (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
