"""`couplet db upgrade|downgrade|check|current`."""

from __future__ import annotations

import typer

from adapters.db import migrate
from api.cli.common import DatabaseOption, console, run, settings

app = typer.Typer(no_args_is_help=True, help="Database migrations.")


@app.command()
def upgrade(revision: str = typer.Argument("head"), database_url: str | None = DatabaseOption) -> None:
    """Migrate the database to a revision (default: the newest)."""
    url = settings(database_url).database_url
    run(migrate.upgrade(url, revision))
    console.print(f"[green]database at {revision}[/green]")


@app.command()
def downgrade(revision: str = typer.Argument(...), database_url: str | None = DatabaseOption) -> None:
    """Migrate the database back to a revision ('base' empties it)."""
    run(migrate.downgrade(settings(database_url).database_url, revision))
    console.print(f"[yellow]database at {revision}[/yellow]")


@app.command()
def check(database_url: str | None = DatabaseOption) -> None:
    """Fail when the schema differs from the models."""
    run(migrate.check(settings(database_url).database_url))
    console.print("[green]schema matches the models[/green]")
