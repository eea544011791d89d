"""Incremental sync cost does not grow with the number of coupled records: the
time to sync 10 changed customers when 1k and when 100k customers are coupled.

    .venv/bin/python bench/incremental.py [--small 1000] [--large 100000] [--changed 10] [--database-url …]

For each size: couple every customer by a full sync (not measured), change 10
customers in the ERP and 10 accounts in the CRM, then time the CUSTOMER sync
(both passes, modified records only) five times and print the median.
Goal: large / small ≤ 1.5."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from adapters.db.repositories.financials import SqlErpStore
from bench.support import add_customers, connected_container, crm_process, erp_database
from domain.financials.service import FinancialsService
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection

ROUNDS = 5


async def measure(size: int, changed: int, database_url: str | None) -> float:
    url = await erp_database(database_url)
    async with crm_process(limit=1_000_000, window=10) as crm_url:
        container = await connected_container(url, crm_url)
        try:
            await add_customers(container, size, prefix=f"S{size}-")
            await container.sync.run_mapping(
                "CUSTOMER", SyncDirection.BIDIRECTIONAL, full=True, trigger=Trigger.BENCH_SETUP
            )
            await container.queue.drain()  # type: ignore[attr-defined]
            crm = await container.crm.client()
            accounts = [
                row async for page in crm.query("account", select=["name"], top=changed) for row in page
            ]
            timings = []
            for round_no in range(ROUNDS):
                async with container.db.transaction() as session:
                    service = FinancialsService(SqlErpStore(session), container.clock, container.ids)
                    for i in range(changed):
                        await service.upsert(
                            "customer", {"no": f"S{size}-{i * 97 % size:07d}", "city": f"City {round_no}"}
                        )
                for account in accounts:
                    await crm.update("account", account.id, {"telephone1": f"+45 {round_no:04d}"})
                started = time.perf_counter()
                await container.sync.run_mapping("CUSTOMER", trigger=Trigger.BENCH)
                await container.queue.drain()  # type: ignore[attr-defined]
                timings.append(time.perf_counter() - started)
            return statistics.median(timings)
        finally:
            await container.close()


async def main(args: argparse.Namespace) -> None:
    small = await measure(args.small, args.changed, args.database_url)
    print(f"{args.changed} changed of {args.small:>7,} coupled: {small * 1000:8.1f} ms (median of {ROUNDS})")
    large = await measure(args.large, args.changed, args.database_url)
    print(f"{args.changed} changed of {args.large:>7,} coupled: {large * 1000:8.1f} ms (median of {ROUNDS})")
    print(f"ratio large / small: {large / small:.2f} (goal ≤ 1.5)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--database-url")
    asyncio.run(main(parser.parse_args()))
