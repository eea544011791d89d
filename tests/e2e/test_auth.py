"""API keys and roles (API.md "Auth"): no key → UNAUTHENTICATED, a role too
low → FORBIDDEN, keys shown once and stored hashed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import sqlalchemy as sa
from strawberry.permission import PermissionExtension

from adapters.db.models import ApiKeyRow
from api.bootstrap import Services
from api.graphql.schema import schema
from domain.auth import Role
from tests.support.graphql import GraphQLClient, error_codes


async def test_a_request_without_a_key_is_unauthenticated(gql: GraphQLClient) -> None:
    body = await gql.with_key(None).execute("{ customers { totalCount } }")
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_an_unknown_key_is_unauthenticated(gql: GraphQLClient) -> None:
    body = await gql.with_key("cpl_not-a-real-key").execute("{ customers { totalCount } }")
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_an_availability_key_cannot_read_erp_data(gql: GraphQLClient, keys: dict[Role, str]) -> None:
    body = await gql.with_key(keys[Role.AVAILABILITY]).execute("{ customers { totalCount } }")
    assert error_codes(body) == ["FORBIDDEN"]


async def test_an_integration_key_cannot_manage_keys(gql: GraphQLClient) -> None:
    body = await gql.execute('mutation { createApiKey(input: {name: "x", role: ADMIN}) { secret } }')
    assert error_codes(body) == ["FORBIDDEN"]


async def test_an_admin_creates_a_key_that_works_and_is_stored_only_as_a_hash(
    gql: GraphQLClient, keys: dict[Role, str], container: Services
) -> None:
    admin = gql.with_key(keys[Role.ADMIN])
    created = await admin.mutate(
        'mutation { p: createApiKey(input: {name: "CRM plugin", role: AVAILABILITY}) '
        "{ secret apiKey { name role prefix } userErrors { code } } }"
    )
    secret = created["secret"]
    assert created["apiKey"] == {"name": "CRM plugin", "role": "AVAILABILITY", "prefix": secret[:10]}
    works = await gql.with_key(secret).data('{ priceList(code: "RETAIL") { code } }')
    assert works == {"priceList": None}
    listed = await admin.data("{ apiKeys { name } }")
    assert "secret" not in str(listed)
    async with container.db.read() as session:
        stored = [tuple(r) for r in (await session.execute(sa.select(ApiKeyRow.__table__))).all()]
    assert all(secret not in str(value) and secret[10:] not in str(value) for row in stored for value in row)


async def test_an_admin_key_may_do_what_an_integration_key_may(
    gql: GraphQLClient, keys: dict[Role, str]
) -> None:
    body = await gql.with_key(keys[Role.ADMIN]).execute("{ customers { totalCount } }")
    assert body["data"] == {"customers": {"totalCount": 0}}


def test_every_root_field_requires_a_role() -> None:
    unguarded = []
    for type_name in ("Query", "Mutation", "Subscription"):
        definition = schema.get_type_by_name(type_name)
        for field in definition.fields:  # type: ignore[union-attr]
            if not any(isinstance(e, PermissionExtension) for e in field.extensions):
                unguarded.append(f"{type_name}.{field.name}")
    assert unguarded == []


async def test_the_cli_prints_a_new_key_alone_on_its_last_line(
    container: Services, http: httpx.AsyncClient
) -> None:
    env = {**os.environ, "COUPLET_DATABASE_URL": container.settings.database_url}
    done = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "api.cli.main",
            "keys",
            "create",
            "--role",
            "INTEGRATION",
            "--name",
            "sync script",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    secret = done.stdout.strip().splitlines()[-1]
    assert secret.startswith("cpl_")
    viewer = await GraphQLClient(http, secret).data("{ viewer { keyName role } }")
    assert viewer["viewer"] == {"keyName": "sync script", "role": "INTEGRATION"}
