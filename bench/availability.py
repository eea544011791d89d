"""Availability and prices for CRM sales lines under load, over HTTP, on PostgreSQL.

    .venv/bin/python bench/availability.py [--items 10000 --entries 1000000 --orders 2000]
        [--seconds 10] [--clients 1,10,50] [--workers 2] [--postgres-url postgresql://…] [--smoke]

Seeds a scratch database (dropped at the end) with the workload, starts the app with
uvicorn, checks its answers line by line against raw SQL summing the ledger itself,
then sends 50-line itemAvailability and salesLinePrices requests from 1, 10 and 50
concurrent clients. Prints p50/p95/p99 latency, requests per second, database
statements per request, and raw-SQL baselines (asyncpg) computing the same answers.
Goal (issue 6): p99 ≤ 25 ms at 50 concurrent clients. --smoke: tiny sizes, 1 s levels."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from cryptography.fernet import Fernet
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parents[1]))

from adapters.db.engine import Database
from adapters.db.repositories.api_keys import ApiKeyRepository
from adapters.settings import Settings
from api.app import create_app
from api.bootstrap import bootstrap
from bench.availability_support import baseline
from bench.availability_support.load import (
    AVAILABILITY,
    PRICES,
    availability_lines,
    graphql_sender,
    price_request,
    run_clients,
)
from bench.availability_support.seed import Workload, dsn, scratch_database, seed
from bench.support import free_port
from domain.auth import Role
from domain.clock import SystemClock, Uuid7Factory

ENVIRONMENT = {"COUPLET_LOG_LEVEL": "WARNING", "COUPLET_CHANGE_TRIGGERS": "false"}


async def create_key(url: str) -> str:
    db = Database.from_url(url)
    try:
        async with db.transaction() as session:
            _, secret = await ApiKeyRepository(session).create(
                "bench plugin", Role.AVAILABILITY, SystemClock(), Uuid7Factory()
            )
    finally:
        await db.dispose()
    return secret


def settings_env(url: str, data_dir: str) -> dict[str, str]:
    return {
        **ENVIRONMENT,
        "COUPLET_DATABASE_URL": url,
        "COUPLET_DATA_DIR": data_dir,
        "COUPLET_SECRET_KEY": Fernet.generate_key().decode(),
    }


async def statements_per_request(url: str, key: str, work: Workload) -> dict[str, float]:
    """The app in-process, counting statements with SQLAlchemy's before_cursor_execute."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(database_url=url, data_dir=Path(data_dir), change_triggers=False)
        container = bootstrap(settings, db=Database.from_url(url))
        count = 0

        def record(*_: Any) -> None:
            nonlocal count
            count += 1

        app = create_app(services=container)
        app.state.services = container  # ASGITransport runs no lifespan
        transport = httpx.ASGITransport(app=app)
        rnd = random.Random(1)
        result = {}
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                for name, query, variables in (
                    ("itemAvailability", AVAILABILITY, lambda: {"l": availability_lines(work, rnd)}),
                    ("salesLinePrices", PRICES, lambda: {"i": price_request(work, rnd)}),
                ):
                    send = graphql_sender(http, key, query, lambda _r, v=variables: v())
                    await send(rnd)  # caches the key
                    event.listen(container.db.engine.sync_engine, "before_cursor_execute", record)
                    count = 0
                    for _ in range(10):
                        assert await send(rnd), f"{name} failed"
                    event.remove(container.db.engine.sync_engine, "before_cursor_execute", record)
                    result[name] = count / 10
        finally:
            await container.db.dispose()
        return result


@asynccontextmanager
async def served(url: str, workers: int) -> AsyncIterator[str]:
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.app:app_factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        env = {**os.environ, **settings_env(url, data_dir)}
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=Path(__file__).parents[1])
        base = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient() as http:
                for _ in range(200):
                    try:
                        if (await http.get(f"{base}/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError("the app did not start")
            yield base
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), timeout=30)


async def check_answers(http: httpx.AsyncClient, key: str, url: str, work: Workload, requests: int) -> None:
    """The app's figures equal raw SQL over the ledger itself, line by line."""
    conn = await asyncpg.connect(dsn(url))
    rnd = random.Random(99)
    try:
        for _ in range(requests):
            lines = availability_lines(work, rnd)
            response = await http.post(
                "/graphql",
                json={"query": AVAILABILITY, "variables": {"l": lines}},
                headers={"Authorization": f"Bearer {key}"},
            )
            app = response.json()["data"]["itemAvailability"]
            problems = baseline.mismatches(app, await baseline.answers(conn, lines, ledger=True))
            if problems:
                raise SystemExit("answers differ from raw SQL:\n" + "\n".join(problems[:20]))
    finally:
        await conn.close()
    print(f"checked {requests} × 50 lines against raw SQL over the ledger: identical")


async def raw_sql(url: str, work: Workload, clients: int, seconds: float, *, ledger: bool) -> str:
    pool = await asyncpg.create_pool(dsn(url), min_size=min(clients, 20), max_size=min(clients, 20))
    assert pool is not None

    async def one(rnd: random.Random) -> bool:
        lines = availability_lines(work, rnd)
        async with pool.acquire() as conn:
            await baseline.answers(conn, lines, ledger=ledger)
        return True

    try:
        figures = await run_clients(clients, seconds, one)
    finally:
        await pool.close()
    source = "ledger scan" if ledger else "summary"
    return figures.line(f"raw SQL ({source}) × {clients}")


async def main(args: argparse.Namespace) -> None:
    if args.smoke:
        args.items, args.entries, args.orders, args.seconds, args.checks = 200, 5000, 40, 1.0, 3
    work = Workload(args.items, args.entries, args.orders, 5)
    levels = [int(c) for c in args.clients.split(",")]
    async with scratch_database(args.postgres_url) as url:
        started = time.perf_counter()
        await seed(url, work)
        print(
            f"seeded {args.items:,} items, {args.entries:,} ledger entries, {args.orders:,} orders × 5 lines "
            f"in {time.perf_counter() - started:.1f} s"
        )
        key = await create_key(url)
        counts = await statements_per_request(url, key, work)
        print("DB statements per 50-line request: " + ", ".join(f"{k} {v:g}" for k, v in counts.items()))
        async with served(url, args.workers) as base:
            limits = httpx.Limits(max_connections=max(levels) + 5)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
                await check_answers(http, key, url, work, args.checks)
                per_level = f"{args.seconds:g} s per level"
                print(f"app: uvicorn × {args.workers} workers, {per_level}, 50 lines per request")
                for clients in levels:
                    avail = graphql_sender(
                        http, key, AVAILABILITY, lambda r: {"l": availability_lines(work, r)}
                    )
                    print(
                        (await run_clients(clients, args.seconds, avail)).line(
                            f"itemAvailability × {clients}"
                        )
                    )
                    prices = graphql_sender(http, key, PRICES, lambda r: {"i": price_request(work, r)})
                    print(
                        (await run_clients(clients, args.seconds, prices)).line(
                            f"salesLinePrices × {clients}"
                        )
                    )
        for clients in levels:
            print(await raw_sql(url, work, clients, args.seconds, ledger=False))
        print(await raw_sql(url, work, 1, args.seconds, ledger=True))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checks", type=int, default=20, help="50-line requests checked against raw SQL")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("COUPLET_BENCH_POSTGRES_URL")
        or os.environ.get("COUPLET_TEST_POSTGRES_URL")
        or "postgresql://postgres@127.0.0.1/postgres",
        help="a server where the bench may create and drop a database",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and 1 s levels")
    return parser.parse_args()


async def reachable(url: str) -> bool:
    try:
        conn = await asyncpg.connect(dsn(url), timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        print(f"skipped: no PostgreSQL at {url} ({type(error).__name__}); pass --postgres-url")
        return False
    await conn.close()
    return True


if __name__ == "__main__":
    arguments = parse()
    if asyncio.run(reachable(arguments.postgres_url)):
        asyncio.run(main(arguments))
