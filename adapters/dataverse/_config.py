"""How to reach one Dataverse environment, and how hard to try."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_AUTHORITY_URL = "https://login.microsoftonline.com"
API_PATH = "/api/data/v9.2/"


@dataclass(frozen=True, slots=True)
class DataverseConfig:
    """Connection settings for `DataverseClient`.

    :param url: the environment, e.g. ``https://contoso.crm4.dynamics.com`` (or a simulator's base URL).
    :param tenant_id: the Microsoft Entra tenant (GUID or domain name).
    :param client_id: the app registration's application id.
    :param client_secret: its secret; never logged, not shown by ``repr``.
    :param authority_url: where ``/<tenant>/oauth2/v2.0/token`` lives; the simulator serves it itself.
    :param timeout: seconds for each HTTP call (connect, read, write, pool).
    :param max_concurrency: requests in flight at once; Dataverse refuses more than 52 per user.
    :param max_retries: retries after the first attempt for transient failures and 429s.
    :param backoff_base: first backoff delay in seconds; doubles per retry, with jitter.
    :param backoff_max: ceiling of one backoff delay.
    :param max_retry_after: the longest Retry-After the client waits for by itself; a longer
        one is raised as `CrmThrottledError` so a job can be deferred instead of sleeping.
    :param page_size: default ``odata.maxpagesize`` (Dataverse allows at most 5000).
    :param bulk_chunk_size: rows per CreateMultiple/UpdateMultiple/UpsertMultiple request.
    :param token_refresh_margin: a cached token is renewed this many seconds before it expires.
    :param max_url_length: GET URLs are kept under this (Dataverse's limit is 32,768).
    :param long_timeout: the timeout of ImportSolution, which runs for minutes on a real org.
    :param language_code: the LCID of labels written by InsertOptionValue.
    """

    url: str
    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)
    authority_url: str = DEFAULT_AUTHORITY_URL
    timeout: float = 30.0
    max_concurrency: int = 8
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 300.0
    page_size: int = 1000
    bulk_chunk_size: int = 500
    token_refresh_margin: float = 300.0
    max_url_length: int = 32_000
    long_timeout: float = 600.0
    language_code: int = 1033
    user_agent: str = "couplet-dataverse/1"

    def __post_init__(self) -> None:
        if not 1 <= self.max_concurrency <= 52:
            raise ValueError("max_concurrency must be between 1 and 52 (Dataverse's per-user limit)")
        if not 1 <= self.page_size <= 5000:
            raise ValueError("page_size must be between 1 and 5000")
        if self.max_retries < 0:
            raise ValueError("max_retries must not be negative")

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")

    @property
    def api_url(self) -> str:
        return self.base_url + API_PATH

    @property
    def token_url(self) -> str:
        return f"{self.authority_url.rstrip('/')}/{self.tenant_id}/oauth2/v2.0/token"

    @property
    def scope(self) -> str:
        return f"{self.base_url}/.default"
