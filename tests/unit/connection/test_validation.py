"""What an administrator types in: trimmed, normalised, or refused with a reason."""

from __future__ import annotations

import pytest

from domain.connection.model import AdminCredentials, ConnectionSettings
from domain.connection.validation import clean_admin, clean_settings, normalize_url
from domain.errors import ValidationFailed

SETTINGS = ConnectionSettings(
    server_url="https://contoso.crm4.dynamics.com",
    tenant_id="contoso.onmicrosoft.com",
    client_id="11111111-2222-3333-4444-555555555555",
    client_secret="s3cret",
)


@pytest.mark.parametrize(
    "typed",
    [
        "https://contoso.crm4.dynamics.com",
        " https://contoso.crm4.dynamics.com/ ",
        "https://contoso.crm4.dynamics.com/api/data/v9.2/",
        "https://contoso.crm4.dynamics.com/api/data",
    ],
)
def test_a_pasted_url_is_reduced_to_the_environment(typed: str) -> None:
    assert normalize_url(typed) == "https://contoso.crm4.dynamics.com"


def test_settings_are_trimmed_and_blanks_mean_none() -> None:
    cleaned = clean_settings(
        ConnectionSettings(
            server_url=" https://contoso.crm4.dynamics.com/ ",
            tenant_id=" contoso.onmicrosoft.com ",
            client_id=" couplet ",
            client_secret="s3cret",
            authority_url=" ",
            integration_user="",
        ),
        has_stored_secret=False,
    )
    assert (cleaned.server_url, cleaned.tenant_id, cleaned.client_id) == (
        "https://contoso.crm4.dynamics.com",
        "contoso.onmicrosoft.com",
        "couplet",
    )
    assert (cleaned.authority_url, cleaned.integration_user) == (None, None)


def test_a_missing_secret_is_fine_once_one_is_stored() -> None:
    settings = ConnectionSettings(SETTINGS.server_url, SETTINGS.tenant_id, SETTINGS.client_id)
    assert clean_settings(settings, has_stored_secret=True).client_secret is None


def test_the_secret_never_shows_in_a_repr() -> None:
    assert "s3cret" not in repr(SETTINGS)
    assert "s3cret" not in repr(AdminCredentials("admin", "s3cret"))


def test_admin_credentials_must_not_be_the_integration_apps() -> None:
    with pytest.raises(ValidationFailed) as failed:
        clean_admin(AdminCredentials("COUPLET", "s3cret"), integration_client_id="couplet")
    assert [(e.field, e.code.value) for e in failed.value.errors] == [("client_id", "INVALID_VALUE")]
