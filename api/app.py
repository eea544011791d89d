"""The FastAPI application: GraphQL, health, readiness and metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from adapters.logging import configure_logging
from adapters.settings import Settings, get_settings
from api.auth import bearer_secret
from api.bootstrap import Services, bootstrap
from api.context import Context
from api.graphql.schema import Limits, build_schema
from api.webhooks import router as webhooks_router

log = structlog.get_logger("couplet.api")


class CoupletGraphQLRouter(GraphQLRouter[Context, None]):
    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate a websocket from its `connection_init` payload."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = params.get("Authorization") or params.get("authorization")
        secret = bearer_secret(header) if isinstance(header, str) else None
        principal = await context.services.principal(secret) if secret else None
        if principal is None:
            raise ConnectionRejectionError({"message": "an API key is required", "code": "UNAUTHENTICATED"})
        context.principal = principal
        return cast(UnsetType, UNSET)


class BodySizeLimit:
    """Refuse request bodies over `limit` bytes with 413, before any parsing."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise ValueError("request body too large")
            return message

        await self.app(scope, limited, send)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The app; given services are used (and left open) instead of bootstrapping them."""
    settings = settings or (services.settings if services else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level, json=settings.log_json)
        own = services is None
        app.state.services = running = services or bootstrap(settings)
        log.info("couplet.started", database=running.db.dialect)
        timer: asyncio.Task[None] | None = None
        stopping = asyncio.Event()
        if not running.settings.redis_url:  # embedded: jobs and the schedule live in this process
            await running.scheduler.recover()
            if running.settings.schedule_enabled:
                timer = asyncio.create_task(
                    running.scheduler.run_every(running.settings.schedule_tick_seconds, stopping),
                    name="schedule",
                )
        try:
            yield
        finally:
            stopping.set()
            if timer is not None:
                await timer
            if own:
                await running.close()

    app = FastAPI(title="Couplet", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    async def get_context(connection: HTTPConnection) -> Context:
        running: Services = connection.app.state.services
        secret = bearer_secret(connection.headers.get("authorization"))
        principal = await running.principal(secret) if secret else None
        return Context(running, principal)

    schema = build_schema(Limits(settings.max_query_depth, settings.max_query_tokens, settings.max_aliases))
    graphql = CoupletGraphQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(webhooks_router)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> Response:
        checks = await request.app.state.services.readiness()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "checks": checks}, status_code=200 if ready else 503
        )

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    return app


def app_factory() -> Any:
    """For `uvicorn --factory api.app:app_factory`."""
    return create_app()
