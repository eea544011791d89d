"""Shared pieces of the CLI commands."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import typer
from rich.console import Console

from adapters.settings import Settings

T = TypeVar("T")
console = Console(stderr=True)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def settings(database_url: str | None = None) -> Settings:
    overrides: dict[str, Any] = {"database_url": database_url} if database_url else {}
    return Settings(**overrides)


DatabaseOption = typer.Option(None, "--database-url", help="Overrides COUPLET_DATABASE_URL")
