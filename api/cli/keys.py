"""`couplet keys create|list|revoke`."""

from __future__ import annotations

import typer

from adapters.db.engine import Database
from adapters.db.repositories.api_keys import ApiKeyRepository
from api.cli.common import DatabaseOption, console, run, settings
from domain.auth import ApiKey, Role
from domain.clock import SystemClock, Uuid7Factory

app = typer.Typer(no_args_is_help=True, help="API keys.")


async def create_key(url: str, name: str, role: Role) -> tuple[ApiKey, str]:
    db = Database.from_url(url)
    try:
        async with db.transaction() as session:
            return await ApiKeyRepository(session).create(name, role, SystemClock(), Uuid7Factory())
    finally:
        await db.dispose()


@app.command()
def create(
    role: Role = typer.Option(..., "--role", case_sensitive=False, help="ADMIN, INTEGRATION or AVAILABILITY"),
    name: str = typer.Option(None, "--name", help="Default: '<role> key'"),
    database_url: str | None = DatabaseOption,
) -> None:
    """Create a key. The key is printed once, alone on the last line of stdout."""
    key, secret = run(
        create_key(settings(database_url).database_url, name or f"{role.value.lower()} key", role)
    )
    console.print(f"created {key.role.value} key '{key.name}' ({key.prefix}…); it is not shown again:")
    print(secret)


@app.command("list")
def list_keys(database_url: str | None = DatabaseOption) -> None:
    """List keys (never their secrets)."""

    async def load() -> list[ApiKey]:
        db = Database.from_url(settings(database_url).database_url)
        try:
            async with db.read() as session:
                return await ApiKeyRepository(session).list()
        finally:
            await db.dispose()

    for key in run(load()):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        print(f"{key.prefix}…  {key.role.value:<12} {state:<18} {key.name}")


@app.command()
def revoke(prefix_or_name: str, database_url: str | None = DatabaseOption) -> None:
    """Revoke keys by their prefix or name."""

    async def apply() -> int:
        db = Database.from_url(settings(database_url).database_url)
        try:
            async with db.transaction() as session:
                return await ApiKeyRepository(session).revoke(prefix_or_name, SystemClock().now())
        finally:
            await db.dispose()

    count = run(apply())
    console.print(f"revoked {count} key(s)")
    if count == 0:
        raise typer.Exit(1)
