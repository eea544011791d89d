"""`couplet demo`: Couplet end to end on one machine: an embedded database with
sample Financials data, a simulated CRM with sample data, the connection enabled."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
import uvicorn

from adapters.dataverse.simulator import DataverseSimulator
from adapters.dataverse.simulator import create_app as create_simulator_app
from adapters.db import migrate
from adapters.db.engine import Database
from adapters.db.repositories.financials import SqlErpStore
from adapters.settings import Settings
from api.app import create_app
from api.bootstrap import bootstrap
from api.cli.common import console, run
from api.cli.keys import create_key
from api.demo.connection import connect_demo
from api.demo.crm_data import register_apps, seed_crm
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


async def _serve(settings: Settings, simulator: DataverseSimulator, crm_port: int, secret: str) -> None:
    crm_url = f"http://127.0.0.1:{crm_port}"
    crm_server = uvicorn.Server(
        uvicorn.Config(
            create_simulator_app(simulator),
            host="127.0.0.1",
            port=crm_port,
            log_level="warning",
            lifespan="off",
        )
    )
    crm_task = asyncio.create_task(crm_server.serve())
    while not crm_server.started:
        if crm_task.done():
            crm_task.result()
        await asyncio.sleep(0.05)
    container = bootstrap(settings)
    try:
        await connect_demo(container, crm_url)
        _print_welcome(settings.port, crm_url, secret)
        api = uvicorn.Server(
            uvicorn.Config(
                create_app(services=container), host="127.0.0.1", port=settings.port, log_level="warning"
            )
        )
        await api.serve()
    finally:
        crm_server.should_exit = True
        await crm_task
        await container.close()
        await simulator.aclose()


def _print_welcome(port: int, crm_url: str, secret: str) -> None:
    console.rule("Couplet demo")
    console.print(f"GraphiQL:     http://127.0.0.1:{port}/graphql", soft_wrap=True)
    console.print('Headers:      {"Authorization": "Bearer ' + secret + '"}', soft_wrap=True)
    console.print(
        f"CRM:          a simulated Dynamics 365 Sales org at {crm_url} (connected and enabled)",
        soft_wrap=True,
    )
    console.print(
        "Look:         { fullSyncReview { lines { mapping recommendation status } } }", soft_wrap=True
    )
    console.print(
        "Start:        mutation { startFullSync { fullSyncReview { isRunning } userErrors { message } } }",
        soft_wrap=True,
    )
    console.print(
        f"Watch:        couplet sync full --watch --url http://127.0.0.1:{port} --key <the key>",
        soft_wrap=True,
    )
    console.rule()
    print(secret, flush=True)


def demo(
    port: int = typer.Option(8000, "--port"),
    crm_port: int = typer.Option(8001, "--crm-port", help="Port of the simulated CRM"),
    data_dir: Path = typer.Option(Path(".couplet"), "--data-dir", help="Where the demo databases live"),
    reset: bool = typer.Option(False, "--reset", help="Start again from fresh sample data"),
) -> None:
    """Run Couplet end to end: an embedded database with sample Financials data, a
    simulated CRM with sample users and accounts, the connection enabled and the
    full-sync review ready to start."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if reset:
        for path in [*data_dir.glob("demo.db*"), *data_dir.glob("demo-crm.db*")]:
            path.unlink()
    url = f"sqlite+aiosqlite:///{(data_dir / 'demo.db').resolve()}"
    console.print("preparing the demo databases…")
    if run(prepare(url)):
        console.print("seeded sample Financials data")
    simulator = DataverseSimulator(db=str((data_dir / "demo-crm.db").resolve()))
    seed_crm(simulator)
    register_apps(simulator)
    _, secret = run(create_key(url, "demo admin", Role.ADMIN))
    settings = Settings(database_url=url, data_dir=data_dir, port=port)
    asyncio.run(_serve(settings, simulator, crm_port, secret))
