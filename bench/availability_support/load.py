"""Requests a CRM plugin would send, sent by N concurrent clients for a while."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.availability_support.seed import LOCATIONS, Workload

AVAILABILITY = (
    "query($l: [AvailabilityLineInput!]!) { itemAvailability(lines: $l) { itemNo unitOfMeasure locationCode "
    "inventory quantityOnSalesOrders available isSufficient error { code } } }"
)
PRICES = (
    "query($i: SalesLinePricesInput!) { salesLinePrices(input: $i) { itemNo unitOfMeasure unitPrice "
    "lineAmount source { kind priceId converted } error { code } } }"
)


def availability_lines(work: Workload, rnd: random.Random, count: int = 50) -> list[dict[str, Any]]:
    lines = []
    for _ in range(count):
        no = rnd.choice(work.item_nos)
        line: dict[str, Any] = {"quantity": str(rnd.randint(1, 50))}
        if no in work.products and rnd.random() < 0.5:
            line["crmProductId"] = str(work.products[no])
        else:
            line["itemNo"] = no
        if rnd.random() < 0.2:
            line["unitOfMeasure"] = "BOX"
        if rnd.random() < 0.3:
            line["locationCode"] = rnd.choice(LOCATIONS)
        lines.append(line)
    return lines


def price_request(work: Workload, rnd: random.Random, count: int = 50) -> dict[str, Any]:
    lines = [
        {
            "itemNo": rnd.choice(work.item_nos),
            "quantity": str(rnd.randint(1, 20)),
            "unitOfMeasure": rnd.choice(["PCS", "BOX"]),
        }
        for _ in range(count)
    ]
    return {
        "customerNo": f"C{rnd.randint(1, 100):05}",
        "currencyCode": rnd.choice([None, "EUR"]),
        "lines": lines,
    }


@dataclass
class Figures:
    latencies: list[float]
    seconds: float
    errors: int

    def line(self, label: str) -> str:
        if not self.latencies:
            return f"{label:<34} no requests"
        q = (
            statistics.quantiles(self.latencies, n=100, method="inclusive")
            if len(self.latencies) > 1
            else self.latencies * 99
        )
        ms = [x * 1000 for x in (q[49], q[94], q[98])]
        rate = len(self.latencies) / self.seconds
        return (
            f"{label:<34} p50 {ms[0]:7.1f} ms  p95 {ms[1]:7.1f} ms  p99 {ms[2]:7.1f} ms  "
            f"{rate:7.1f} req/s  ({len(self.latencies)} requests, {self.errors} errors)"
        )


async def run_clients(
    clients: int, seconds: float, one: Callable[[random.Random], Awaitable[bool]]
) -> Figures:
    """`clients` loops, each sending one request after another until time is up."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal errors
        rnd = random.Random(n)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            ok = await one(rnd)
            latencies.append(time.perf_counter() - started)
            errors += not ok

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return Figures(latencies, time.perf_counter() - started, errors)


def graphql_sender(
    http: httpx.AsyncClient, key: str, query: str, variables: Callable[[random.Random], dict[str, Any]]
) -> Callable[[random.Random], Awaitable[bool]]:
    headers = {"Authorization": f"Bearer {key}"}

    async def send(rnd: random.Random) -> bool:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables(rnd)}, headers=headers
        )
        return response.status_code == 200 and "errors" not in response.json()

    return send
