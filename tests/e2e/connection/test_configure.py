"""configureConnection: where the CRM is and how Couplet signs in; the secret is
stored encrypted and only ever reported as set."""

from __future__ import annotations

from cryptography.fernet import Fernet

from adapters.crm_provider import CONNECTION_ID
from adapters.crypto import SecretBox
from adapters.db.models import ConnectionRow
from api.bootstrap import Services
from tests.e2e.connection.support import (
    CONFIGURE,
    INTEGRATION_APP,
    TEST,
    Dataverse,
    configured,
    connected,
    connection,
    enabled,
    local_currency,
)
from tests.support.graphql import GraphQLClient


async def test_the_connection_is_null_until_configured(admin: GraphQLClient, dataverse: Dataverse) -> None:
    assert await connection(admin) is None


async def test_configuring_saves_the_settings_and_says_only_that_a_secret_is_set(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    result = await configured(admin, dataverse, integrationUser="couplet@contoso.example")
    assert result == await connection(admin)
    assert {k: result[k] for k in ("serverUrl", "clientId", "hasClientSecret", "integrationUser")} == {
        "serverUrl": dataverse.url,
        "clientId": "couplet-sync",
        "hasClientSecret": True,
        "integrationUser": "couplet@contoso.example",
    }
    assert (result["status"], result["isEnabled"], result["lastTestedAt"]) == ("CONFIGURED", False, None)


async def test_the_secret_is_stored_encrypted(
    admin: GraphQLClient, dataverse: Dataverse, container: Services
) -> None:
    await configured(admin, dataverse)
    async with container.db.read() as session:
        row = await session.get(ConnectionRow, CONNECTION_ID)
    assert row is not None
    assert row.client_secret is not None
    assert INTEGRATION_APP[1] not in row.client_secret
    assert container.crm.secrets.decrypt(row.client_secret) == INTEGRATION_APP[1]


async def test_a_pasted_web_api_path_and_trailing_slash_are_trimmed(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    result = await configured(admin, dataverse, serverUrl=f" {dataverse.url}/api/data/v9.2/ ")
    assert result["serverUrl"] == dataverse.url


async def test_the_first_configuration_needs_a_secret(admin: GraphQLClient, dataverse: Dataverse) -> None:
    errors = await admin.refused(CONFIGURE, {"i": dataverse.settings(clientSecret=None)})
    assert errors == [
        {"field": "clientSecret", "code": "REQUIRED", "message": "required: no secret is stored yet"}
    ]
    assert await connection(admin) is None


async def test_a_reconfiguration_without_a_secret_keeps_the_stored_one(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await configured(admin, dataverse)
    again = await configured(admin, dataverse, clientSecret=None, integrationUser="couplet@contoso.example")
    assert again["hasClientSecret"] is True
    assert (await connected(admin, dataverse, clientSecret=None))["status"] == "CONNECTED"


async def test_bad_values_are_refused_each_with_its_field_and_nothing_is_stored(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    errors = await admin.refused(
        CONFIGURE,
        {
            "i": dataverse.settings(
                serverUrl="contoso.crm4.dynamics.com",
                tenantId="contoso tenant",
                clientId=" ",
                clientSecret="",
                authorityUrl="ftp://login.example",
            )
        },
    )
    assert {(e["field"], e["code"]) for e in errors} == {
        ("serverUrl", "INVALID_VALUE"),
        ("tenantId", "INVALID_VALUE"),
        ("clientId", "REQUIRED"),
        ("clientSecret", "REQUIRED"),
        ("authorityUrl", "INVALID_VALUE"),
    }
    assert "'contoso.crm4.dynamics.com' is not an http(s) URL like https://contoso.crm4.dynamics.com" in {
        e["message"] for e in errors
    }
    assert await connection(admin) is None


async def test_too_long_values_are_refused(admin: GraphQLClient, dataverse: Dataverse) -> None:
    errors = await admin.refused(CONFIGURE, {"i": dataverse.settings(integrationUser="x" * 201)})
    assert errors == [{"field": "integrationUser", "code": "TOO_LONG", "message": "at most 200 characters"}]


async def test_an_enabled_connection_must_be_disabled_before_it_is_changed(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    await enabled(admin)
    errors = await admin.refused(CONFIGURE, {"i": dataverse.settings(clientSecret="rotated")})
    assert errors == [
        {
            "field": None,
            "code": "INVALID_STATE",
            "message": "disable the connection before changing its settings "
            "(disableConnection keeps all data)",
        }
    ]
    assert (await connection(admin) or {})["status"] == "ENABLED"


async def test_a_secret_sealed_with_another_key_asks_for_the_secret_again(
    admin: GraphQLClient, dataverse: Dataverse, container: Services
) -> None:
    await configured(admin, dataverse)
    async with container.db.transaction() as session:
        row = await session.get(ConnectionRow, CONNECTION_ID)
        assert row is not None
        row.client_secret = SecretBox(Fernet.generate_key()).encrypt(INTEGRATION_APP[1])
    errors = await admin.refused(TEST)
    assert errors == [
        {
            "field": "clientSecret",
            "code": "NOT_CONFIGURED",
            "message": "the stored secret cannot be decrypted with this COUPLET_SECRET_KEY: "
            "configure the connection again",
        }
    ]
