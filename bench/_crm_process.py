"""The Dataverse simulator as its own process (for benchmarks: its CPU and memory
stay out of the measured process). Prints "ready" when it listens."""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from adapters.dataverse.simulator import DataverseSimulator, ServiceProtection, create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", default=":memory:")
    parser.add_argument("--limit", type=int, default=6000, help="requests per window per user")
    parser.add_argument("--window", type=float, default=300.0, help="seconds")
    parser.add_argument("--client-id", default="couplet-bench")
    parser.add_argument("--client-secret", default="bench-secret")
    args = parser.parse_args()
    simulator = DataverseSimulator(
        db=args.db, limits=ServiceProtection(requests_per_window=args.limit, window_seconds=args.window)
    )
    simulator.register_app(
        args.client_id,
        args.client_secret,
        full_name="Couplet Integration",
        is_integration_user=True,
        roles=["System Customizer"],
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(simulator), host="127.0.0.1", port=args.port, log_level="error", lifespan="off"
        )
    )

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn tells readiness only through this flag
            await asyncio.sleep(0.01)
        print("ready", flush=True)
        await task

    asyncio.run(serve())


if __name__ == "__main__":
    main()
