"""Checks on what an administrator types in: URLs, ids, lengths."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from domain.connection.model import AdminCredentials, ConnectionSettings
from domain.errors import ErrorCode, FieldError, ValidationFailed

MAX_LENGTHS = {
    "server_url": 300,
    "tenant_id": 100,
    "client_id": 100,
    "authority_url": 300,
    "integration_user": 200,
    "client_secret": 1000,
}
_API_PATH = re.compile(r"/api/data(/v\d+(\.\d+)?)?/?$", re.IGNORECASE)
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")
EXAMPLE_URL = "https://contoso.crm4.dynamics.com"


def normalize_url(value: str) -> str:
    """Trimmed, without a trailing slash or a pasted Web API path."""
    return _API_PATH.sub("", value.strip()).rstrip("/")


def url_error(name: str, value: str) -> FieldError | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return FieldError(
            name, f"{value!r} is not an http(s) URL like {EXAMPLE_URL}", ErrorCode.INVALID_VALUE
        )
    return None


def _blank(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip()


def _optional_url(value: str | None) -> str | None:
    given = _blank(value)
    return None if given is None else normalize_url(given)


def _common_errors(values: dict[str, str | None]) -> list[FieldError]:
    errors = []
    for name, value in values.items():
        if value is not None and len(value) > MAX_LENGTHS[name]:
            errors.append(FieldError(name, f"at most {MAX_LENGTHS[name]} characters", ErrorCode.TOO_LONG))
    tenant = values.get("tenant_id")
    if tenant and not _TENANT.match(tenant):
        errors.append(FieldError("tenant_id", "a tenant is a GUID or a domain name", ErrorCode.INVALID_VALUE))
    authority = values.get("authority_url")
    if authority and (error := url_error("authority_url", authority)) is not None:
        errors.append(error)
    return errors


def clean_settings(settings: ConnectionSettings, *, has_stored_secret: bool) -> ConnectionSettings:
    """The settings trimmed and normalised; ValidationFailed lists every problem."""
    cleaned = replace(
        settings,
        server_url=normalize_url(settings.server_url),
        tenant_id=settings.tenant_id.strip(),
        client_id=settings.client_id.strip(),
        authority_url=_optional_url(settings.authority_url),
        integration_user=_blank(settings.integration_user),
    )
    errors: list[FieldError] = []
    for name in ("server_url", "tenant_id", "client_id"):
        if not getattr(cleaned, name):
            errors.append(FieldError(name, "required", ErrorCode.REQUIRED))
    if cleaned.server_url and (error := url_error("server_url", cleaned.server_url)) is not None:
        errors.append(error)
    secret = settings.client_secret
    if secret is None and not has_stored_secret:
        errors.append(FieldError("client_secret", "required: no secret is stored yet", ErrorCode.REQUIRED))
    elif secret is not None and not secret.strip():
        errors.append(
            FieldError(
                "client_secret", "must not be blank; leave it out to keep the stored one", ErrorCode.REQUIRED
            )
        )
    errors += _common_errors(
        {
            "server_url": cleaned.server_url,
            "tenant_id": cleaned.tenant_id,
            "client_id": cleaned.client_id,
            "authority_url": cleaned.authority_url,
            "integration_user": cleaned.integration_user,
            "client_secret": secret,
        }
    )
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def clean_admin(admin: AdminCredentials, *, integration_client_id: str) -> AdminCredentials:
    """The admin credentials trimmed; refused when blank or when they are the
    integration app's (the integration user must not be a system administrator)."""
    cleaned = replace(
        admin,
        client_id=admin.client_id.strip(),
        tenant_id=_blank(admin.tenant_id),
        authority_url=_optional_url(admin.authority_url),
    )
    errors: list[FieldError] = []
    if not cleaned.client_id:
        errors.append(FieldError("client_id", "required", ErrorCode.REQUIRED))
    elif cleaned.client_id.lower() == integration_client_id.lower():
        errors.append(
            FieldError(
                "client_id",
                "the admin app must not be the integration app: Couplet's integration user "
                "must not hold System Administrator",
                ErrorCode.INVALID_VALUE,
            )
        )
    if not admin.client_secret.strip():
        errors.append(FieldError("client_secret", "required", ErrorCode.REQUIRED))
    errors += _common_errors(
        {
            "client_id": cleaned.client_id,
            "tenant_id": cleaned.tenant_id,
            "authority_url": cleaned.authority_url,
            "client_secret": admin.client_secret,
        }
    )
    if errors:
        raise ValidationFailed(errors)
    return cleaned
