"""`couplet serve`: run the API with uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from adapters.db import migrate
from adapters.settings import Settings
from api.app import create_app
from api.cli.common import console, run


def ensure_schema(settings: Settings) -> None:
    """The embedded SQLite database migrates itself; a server database must be
    migrated on purpose (`couplet db upgrade`), so serving refuses an old one."""
    if settings.is_sqlite:
        run(migrate.upgrade(settings.database_url))
    elif not run(migrate.is_current(settings.database_url)):
        console.print("[red]the database is not at the newest migration: run `couplet db upgrade`[/red]")
        raise typer.Exit(2)


def serve(
    host: str = typer.Option(None, "--host", help="Default: COUPLET_HOST (127.0.0.1)"),
    port: int = typer.Option(None, "--port", help="Default: COUPLET_PORT (8000)"),
) -> None:
    """Serve GraphQL on http://HOST:PORT/graphql."""
    settings = Settings()
    ensure_schema(settings)
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
