"""A small GraphQL-over-HTTP client for black-box tests."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLError(AssertionError):
    pass


class GraphQLClient:
    """Posts operations to `/graphql` with one API key (or none)."""

    def __init__(self, http: httpx.AsyncClient, key: str | None) -> None:
        self.http = http
        self.key = key

    def with_key(self, key: str | None) -> GraphQLClient:
        return GraphQLClient(self.http, key)

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = await self.execute(query, variables)
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        result: dict[str, Any] = body["data"]
        return result

    async def mutate(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The single payload of a mutation whose userErrors must be empty."""
        data = await self.data(query, variables)
        (payload,) = data.values()
        assert payload["userErrors"] == [], payload["userErrors"]
        return dict(payload)

    async def refused(self, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The userErrors of a mutation that must be refused."""
        data = await self.data(query, variables)
        (payload,) = data.values()
        assert payload["userErrors"], f"expected userErrors, got {payload}"
        return list(payload["userErrors"])


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
