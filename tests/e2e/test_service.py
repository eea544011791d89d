"""Health, readiness, metrics and the request limits of the HTTP surface."""

from __future__ import annotations

import os

import httpx
import pytest

from api.app import create_app
from api.bootstrap import Services, bootstrap
from domain.auth import Role
from tests.support.databases import REDIS_ENV
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.servers import serve_asgi


async def test_healthz_answers_while_the_process_lives(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_reports_the_database(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


async def test_readyz_fails_when_redis_is_configured_but_unreachable(container: Services) -> None:
    settings = container.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    broken = bootstrap(settings, db=container.db)
    async with serve_asgi(create_app(services=broken)) as url, httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("unreachable")


@pytest.mark.usefixtures("database")
async def test_readyz_checks_a_configured_redis(container: Services) -> None:
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"{REDIS_ENV} is not set")
    configured = bootstrap(container.settings.model_copy(update={"redis_url": redis_url}), db=container.db)
    async with serve_asgi(create_app(services=configured)) as url, httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/readyz")
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


async def test_metrics_count_operations_by_name(gql: GraphQLClient, http: httpx.AsyncClient) -> None:
    await gql.data("query CustomerCount { customers { totalCount } }")
    metrics = (await http.get("/metrics")).text
    assert 'couplet_graphql_requests_total{operation="CustomerCount",outcome="ok",type="query"}' in metrics
    assert 'couplet_graphql_request_duration_seconds_count{operation="CustomerCount",type="query"}' in metrics


async def test_a_query_deeper_than_the_limit_is_refused(container: Services, keys: dict[Role, str]) -> None:
    settings = container.settings.model_copy(update={"max_query_depth": 3})
    async with (
        serve_asgi(create_app(services=bootstrap(settings, db=container.db))) as url,
        httpx.AsyncClient(base_url=url) as http,
    ):
        client = GraphQLClient(http, keys[Role.INTEGRATION])
        shallow = await client.execute("{ items { nodes { no } } }")
        deep = await client.execute("{ items { edges { node { unitsOfMeasure { code } } } } }")
    assert "errors" not in shallow
    assert error_codes(deep) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exceeds maximum operation depth of 3" in deep["errors"][0]["message"]


async def test_a_page_larger_than_the_maximum_is_bad_user_input(gql: GraphQLClient) -> None:
    body = await gql.execute("{ customers(first: 1000) { totalCount } }")
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_an_oversized_request_body_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", content=b"x" * 300_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
