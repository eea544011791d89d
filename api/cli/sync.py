"""`couplet sync full [--watch]`: start the full synchronization on a running
Couplet service and watch it live, one progress bar per review line.

The command is an API client like any other: it starts the run with the
`startFullSync` mutation over HTTP and follows the `fullSyncReview`
subscription over WebSocket (graphql-transport-ws), so it works the same against
an embedded service and a scaled-out one. The key needs the INTEGRATION role.
Exit status: 0 when every line of the run finished, 1 when a line ended in
ERROR or ON_HOLD (or the service refused), 2 when the service cannot be reached.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import typer
import websockets
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from rich.table import Table

from api.cli.common import console, run

app = typer.Typer(no_args_is_help=True, help="Synchronization on a running Couplet service.")

JOB = "status processed total"
LINE = f"mapping status recommendation message toCrmJob {{ {JOB} }} fromCrmJob {{ {JOB} }}"
REVIEW = f"isRunning lines {{ {LINE} }}"
START = (
    f"mutation($i: StartFullSyncInput) {{ p: startFullSync(input: $i) {{ fullSyncReview {{ {REVIEW} }} "
    "userErrors { field message code } } }"
)
SUBSCRIBE = f"subscription {{ fullSyncReview {{ {REVIEW} }} }}"
ACTIVE = ("READY", "IN_PROCESS")
FAILED = ("ERROR", "ON_HOLD")


class ServiceError(Exception):
    """The service refused or could not be reached; the message says why."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@app.command("full")
def full(
    watch: bool = typer.Option(False, "--watch", help="Follow the run live until every line has ended"),
    start: bool = typer.Option(True, "--start/--no-start", help="--no-start only watches a run in progress"),
    mapping: list[str] = typer.Option([], "--mapping", help="Only these mappings' lines (repeatable)"),
    url: str = typer.Option("http://127.0.0.1:8000", "--url", envvar="COUPLET_URL", help="The service"),
    key: str = typer.Option(
        "", "--key", envvar="COUPLET_API_KEY", help="An INTEGRATION key (default: COUPLET_API_KEY)"
    ),
) -> None:
    """Start the full synchronization (all enabled mappings as a dependency DAG)."""
    if not key:
        console.print("[red]an API key is needed: --key or COUPLET_API_KEY[/red]")
        raise typer.Exit(2)
    try:
        code = run(full_sync(url.rstrip("/"), key, start=start, watch=watch, mappings=mapping or None))
    except ServiceError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(error.exit_code) from None
    raise typer.Exit(code)


async def full_sync(
    url: str,
    key: str,
    *,
    start: bool,
    watch: bool,
    mappings: list[str] | None = None,
    out: Console | None = None,
) -> int:
    out = out or Console()
    review: dict[str, Any] | None = None
    if start:
        review = await _start(url, key, mappings)
        console.print("full synchronization started")
    if watch:
        review = await _watch(url, key, out)
    elif review is None:
        review = await _current(url, key)
    out.print(summary(review))
    return 1 if any(line["status"] in FAILED for line in review["lines"]) else 0


async def _post(url: str, key: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                f"{url}/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {key}"},
            )
    except httpx.HTTPError as error:
        raise ServiceError(f"cannot reach Couplet at {url}: {error}", 2) from error
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise ServiceError("; ".join(_error_text(e) for e in body["errors"]))
    data: dict[str, Any] = body["data"]
    return data


async def _start(url: str, key: str, mappings: list[str] | None) -> dict[str, Any]:
    data = await _post(url, key, START, {"i": {"mappings": mappings}})
    payload = data["p"]
    if payload["userErrors"]:
        raise ServiceError("; ".join(f"{e['message']} ({e['code']})" for e in payload["userErrors"]))
    review: dict[str, Any] = payload["fullSyncReview"]
    return review


async def _current(url: str, key: str) -> dict[str, Any]:
    review: dict[str, Any] = (await _post(url, key, f"{{ fullSyncReview {{ {REVIEW} }} }}"))["fullSyncReview"]
    return review


async def _watch(url: str, key: str, out: Console) -> dict[str, Any]:
    """Follow the review until no line is waiting or running; the last state seen."""
    bars = _Bars(out)
    review: dict[str, Any] | None = None
    with bars.progress:
        async for review in reviews(url, key):
            bars.show(review)
            if not any(line["status"] in ACTIVE for line in review["lines"]):
                break
    if review is None:
        raise ServiceError("the service closed the subscription without a review")
    return review


async def reviews(url: str, key: str) -> AsyncIterator[dict[str, Any]]:
    """The `fullSyncReview` subscription's states (graphql-transport-ws)."""
    ws_url = "ws" + url.removeprefix("http") + "/graphql"
    try:
        async with websockets.connect(
            ws_url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        ) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
            )
            await ws.send(json.dumps({"id": "review", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            async for raw in ws:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif kind == "next":
                    payload = message["payload"]
                    if payload.get("errors"):
                        raise ServiceError("; ".join(_error_text(e) for e in payload["errors"]))
                    yield payload["data"]["fullSyncReview"]
                elif kind == "error":
                    raise ServiceError("; ".join(_error_text(e) for e in message["payload"]))
                elif kind == "complete":
                    return
    except websockets.ConnectionClosedError as error:
        reason = error.rcvd.reason if error.rcvd else "connection lost"
        raise ServiceError(f"the service closed the subscription: {reason}") from error
    except OSError as error:
        raise ServiceError(f"cannot reach Couplet at {url}: {error}", 2) from error


class _Bars:
    """One bar per review line: records processed of its passes' jobs."""

    def __init__(self, out: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            TextColumn("{task.completed:>7,}/{task.fields[total_text]:<7}"),
            TextColumn("{task.fields[status]}"),
            console=out,
        )
        self._tasks: dict[str, TaskID] = {}

    def show(self, review: dict[str, Any]) -> None:
        for line in review["lines"]:
            if line["status"] == "BLANK":
                continue
            jobs = [job for job in (line["toCrmJob"], line["fromCrmJob"]) if job]
            done = sum(job["processed"] for job in jobs)
            totals = [job["total"] for job in jobs]
            total = sum(totals) if totals and None not in totals else None
            if line["status"] == "FINISHED":
                total = done
            status = line["status"] + (f": {line['message']}" if line.get("message") else "")
            fields = {"status": status, "total_text": "?" if total is None else f"{total:,}"}
            task = self._tasks.get(line["mapping"])
            if task is None:
                self._tasks[line["mapping"]] = self.progress.add_task(
                    line["mapping"], total=total, completed=done, **fields
                )
            else:
                self.progress.update(task, total=total, completed=done, **fields)


def summary(review: dict[str, Any]) -> Table:
    table = Table("mapping", "recommendation", "status", "to CRM", "from CRM", "message", box=None)
    for line in review["lines"]:
        table.add_row(
            line["mapping"],
            line["recommendation"],
            line["status"],
            _job_text(line["toCrmJob"]),
            _job_text(line["fromCrmJob"]),
            line.get("message") or "",
        )
    return table


def _job_text(job: dict[str, Any] | None) -> str:
    return "" if job is None else f"{job['status']} {job['processed']:,}"


def _error_text(error: dict[str, Any]) -> str:
    code = (error.get("extensions") or {}).get("code")
    return f"{error.get('message')} ({code})" if code else str(error.get("message"))
