"""Prometheus metrics: GraphQL requests and latency per operation."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from strawberry.extensions import SchemaExtension

GRAPHQL_REQUESTS = Counter(
    "couplet_graphql_requests_total", "GraphQL operations executed", ["operation", "type", "outcome"]
)
GRAPHQL_LATENCY = Histogram(
    "couplet_graphql_request_duration_seconds",
    "GraphQL operation latency",
    ["operation", "type"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
MAX_NAME = 64


class GraphQLMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        name = (ctx.operation_name or "anonymous")[:MAX_NAME]
        try:
            kind = ctx.operation_type.value.lower()
        except Exception:
            kind = "invalid"
        failed = ctx.pre_execution_errors or (ctx.result is not None and getattr(ctx.result, "errors", None))
        outcome = "error" if failed else "ok"
        GRAPHQL_REQUESTS.labels(name, kind, outcome).inc()
        GRAPHQL_LATENCY.labels(name, kind).observe(time.perf_counter() - started)
