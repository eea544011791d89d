"""Full sync of N customers to CRM accounts, against the simulated CRM with
service protection limits on, beside a client that writes one request per record.

    .venv/bin/python bench/full_sync.py [--records 10000 | --big] [--baseline 10000]
                                        [--database-url postgresql://…] [--limit 3000 --window 10]

Prints records/s, HTTP requests per record and peak RSS of Couplet's run, the same
for the one-request-per-record client (on --baseline records, 10k by default: at one request each
it would otherwise take hours under the limits), and the ratio of the rates.
Goals: ≥ 10× the one-by-one client, ≤ 0.02 requests per record, ≤ 300 MB at 100k.
The simulator runs in its own process; the ERP database is SQLite unless given."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.support import add_customers, connected_container, crm_process, erp_database, peak_rss_mb
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection


async def main(args: argparse.Namespace) -> None:
    records = 100_000 if args.big else args.records
    database_url = await erp_database(args.database_url)
    async with crm_process(limit=args.limit, window=args.window) as crm_url:
        container = await connected_container(database_url, crm_url)
        try:
            await add_customers(container, records)
            crm = await container.crm.client()
            stats = crm.stats  # type: ignore[attr-defined]
            before = stats.requests
            started = time.perf_counter()
            jobs = await container.sync.run_mapping(
                "CUSTOMER", SyncDirection.TO_CRM, full=True, trigger=Trigger.BENCH
            )
            await container.queue.drain()  # type: ignore[attr-defined]
            seconds = time.perf_counter() - started
            requests = stats.requests - before
            rss = peak_rss_mb()
            async with container.uow() as uow:
                job = await uow.jobs.get(jobs[0].id)
            assert job is not None
            names = Counter(
                [row.get("name") async for page in crm.query("account", select=["name"]) for row in page]
            )
            duplicates = sum(n - 1 for n in names.values() if n > 1)
            print(
                f"ERP database: {database_url.split(':')[0]}; records: {records:,}; "
                f"limits: {args.limit} requests / {args.window:g} s per user"
            )
            print(
                f"couplet full sync   {records / seconds:>10,.0f} records/s  {requests / records:>8.4f} "
                f"requests/record  {requests:>6} requests  {seconds:>7.1f} s  peak RSS {rss:,.0f} MB  "
                f"(inserted {job.inserted:,}, failed {job.failed}, duplicates {duplicates})"
            )
            baseline = min(args.baseline, records)
            before, throttled = stats.requests, stats.throttled
            started = time.perf_counter()
            semaphore = asyncio.Semaphore(8)

            async def one(i: int) -> None:
                async with semaphore:
                    await crm.create("account", {"name": f"One by one {i}"})

            await asyncio.gather(*(one(i) for i in range(baseline)))
            base_seconds = time.perf_counter() - started
            base_requests = stats.requests - before
            print(
                f"one request each    {baseline / base_seconds:>10,.0f} records/s  "
                f"{base_requests / baseline:>8.4f} requests/record  {base_requests:>6} requests  "
                f"{base_seconds:>7.1f} s  ({stats.throttled - throttled} × 429, {baseline:,} records)"
            )
            print(
                f"ratio               {(records / seconds) / (baseline / base_seconds):>10.1f} × faster, "
                f"{(base_requests / baseline) / (requests / records):,.0f} × fewer requests per record"
            )
        finally:
            await container.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--big", action="store_true", help="100k records")
    parser.add_argument(
        "--baseline",
        type=int,
        default=10_000,
        help="records for the one-by-one client (enough to meet the limits)",
    )
    parser.add_argument("--database-url")
    parser.add_argument("--limit", type=int, default=3000, help="simulator: requests per window per user")
    parser.add_argument("--window", type=float, default=10.0, help="simulator: window seconds")
    asyncio.run(main(parser.parse_args()))
