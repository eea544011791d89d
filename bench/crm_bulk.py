"""10k account creates against the Dataverse simulator: one request each, then
CreateMultiple in chunks - with service protection limits on, so throttling shows.

    .venv/bin/python bench/crm_bulk.py [--records 10000] [--chunk 500] [--limit 3000 --window 10]

Prints records/s, requests per record and 429s for both, and how much faster bulk is.
The simulator runs in this process (uvicorn on 127.0.0.1, a free port); the client
talks to it over real HTTP, sharing the event loop and the CPU."""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import structlog
import uvicorn

from adapters.dataverse import DataverseClient, DataverseConfig
from adapters.dataverse.simulator import DataverseSimulator, ServiceProtection, create_app
from domain.crm import NewRow


@dataclass
class Run:
    name: str
    records: int
    seconds: float
    requests: int
    throttled: int

    def line(self) -> str:
        return (
            f"{self.name:<26} {self.records / self.seconds:>10,.0f} records/s  "
            f"{self.requests / self.records:>8.4f} requests/record  {self.throttled:>5} × 429  "
            f"{self.seconds:>7.1f} s"
        )


@asynccontextmanager
async def serve(simulator: DataverseSimulator) -> AsyncIterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(simulator), host="127.0.0.1", port=port, log_level="error")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises the start-up error
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def measure(
    name: str,
    simulator: DataverseSimulator,
    crm: DataverseClient,
    records: int,
    work: Callable[[], Awaitable[None]],
) -> Run:
    simulator.limiter.reset()
    before_requests, before_throttled = crm.stats.requests, crm.stats.throttled
    started = time.perf_counter()
    await work()
    seconds = time.perf_counter() - started
    return Run(
        name, records, seconds, crm.stats.requests - before_requests, crm.stats.throttled - before_throttled
    )


async def one_by_one(crm: DataverseClient, records: int, workers: int) -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(records):
        queue.put_nowait(number)

    async def worker() -> None:
        while not queue.empty():
            number = queue.get_nowait()
            await crm.create("account", {"name": f"Single {number:05d}", "accountnumber": f"S{number:05d}"})

    await asyncio.gather(*(worker() for _ in range(workers)))


async def in_bulk(crm: DataverseClient, records: int) -> None:
    rows = [NewRow({"name": f"Bulk {n:05d}", "accountnumber": f"B{n:05d}"}) for n in range(records)]
    result = await crm.create_multiple("account", rows)
    assert not result.failures, result.failures[:3]


async def main(args: argparse.Namespace) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    limits = ServiceProtection(requests_per_window=args.limit, window_seconds=args.window)
    simulator = DataverseSimulator(limits=limits)
    simulator.register_app("bench", "bench-secret")
    async with serve(simulator) as url:
        config = DataverseConfig(
            url=url,
            tenant_id=simulator.tenant_id,
            client_id="bench",
            client_secret="bench-secret",
            authority_url=url,
            max_concurrency=args.concurrency,
            bulk_chunk_size=args.chunk,
            max_retries=50,
        )
        async with DataverseClient(config) as crm:
            await crm.who_am_i()
            single = await measure(
                "one request per record",
                simulator,
                crm,
                args.records,
                lambda: one_by_one(crm, args.records, args.concurrency),
            )
            bulk = await measure(
                f"CreateMultiple × {args.chunk}",
                simulator,
                crm,
                args.records,
                lambda: in_bulk(crm, args.records),
            )
    assert len(simulator.rows("account")) == 2 * args.records
    print(
        f"{args.records:,} account creates; limits {args.limit:,} requests / {args.window:g} s per user; "
        f"client concurrency {args.concurrency}"
    )
    print(single.line())
    print(bulk.line())
    print(
        f"bulk is {single.seconds / bulk.seconds:,.1f}× faster and needs "
        f"{single.requests / bulk.requests:,.0f}× fewer requests"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", "-n", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=500, help="rows per CreateMultiple request")
    parser.add_argument("--concurrency", type=int, default=8, help="client requests in flight")
    parser.add_argument("--limit", type=int, default=3000, help="requests per window per user")
    parser.add_argument("--window", type=float, default=10.0, help="service protection window, seconds")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(arguments()))
