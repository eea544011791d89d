"""`couplet demo`: the service on an embedded database with sample data."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn

from adapters.db import migrate
from adapters.db.engine import Database
from adapters.db.repositories.financials import SqlErpStore
from adapters.settings import Settings
from api.app import create_app
from api.cli.common import console, run
from api.cli.keys import create_key
from api.demo.sample_data import seed
from domain.auth import Role
from domain.clock import SystemClock, Uuid7Factory
from domain.financials.service import FinancialsService
from domain.financials.tables import table


async def prepare(url: str) -> bool:
    """Migrate, and seed the sample data once; True when it was seeded now."""
    await migrate.upgrade(url)
    db = Database.from_url(url)
    try:
        async with db.transaction() as session:
            store = SqlErpStore(session)
            if await store.count(table("customer"), {}):
                return False
            clock = SystemClock()
            await seed(FinancialsService(store, clock, Uuid7Factory()), today=clock.now().date())
            return True
    finally:
        await db.dispose()


def demo(
    port: int = typer.Option(8000, "--port"),
    data_dir: Path = typer.Option(Path(".couplet"), "--data-dir", help="Where the demo database lives"),
    reset: bool = typer.Option(False, "--reset", help="Start again from fresh sample data"),
) -> None:
    """Run Couplet on an embedded SQLite database with sample Financials data."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db_file = data_dir / "demo.db"
    if reset:
        for path in data_dir.glob("demo.db*"):
            path.unlink()
    url = f"sqlite+aiosqlite:///{db_file.resolve()}"
    console.print("preparing the demo database…")
    if run(prepare(url)):
        console.print("seeded sample Financials data")
    _, secret = run(create_key(url, "demo admin", Role.ADMIN))
    settings = Settings(database_url=url, data_dir=data_dir, port=port)
    console.rule("Couplet demo")
    console.print(f"GraphiQL:  http://127.0.0.1:{port}/graphql")
    console.print('Headers:   {"Authorization": "Bearer ' + secret + '"}', soft_wrap=True)
    console.print("Try:       { customers(first: 5) { totalCount nodes { no name city } } }")
    console.rule()
    print(secret, flush=True)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
