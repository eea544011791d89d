"""The demo story as a newcomer runs it: the real `couplet demo` process (its own
embedded database and simulated CRM, on free ports, in a temporary data dir),
then the README's `startFullSync`, then what the README promises: every review
line FINISHED, no CRM account twice, every demo customer coupled exactly once
(matched ones to the account that was already there), and the accounts are
those that were there plus one per customer that had none.

Three timings of the same story:

- `after_schedule`: the newcomer reads the README for a while, so the schedule's
  first tick (every 60 s in the demo; 2 s here) has run before the full sync
  starts;
- `right_away`: the full sync starts before any tick (the tick is 10 min here);
- `ticks_during`: the full sync starts at once and ticks happen while it runs.

Each variant takes 40-60 s on the 2-core build machine (25-30 s of it the demo
seeding its databases; the full sync itself 15-20 s); what it saw is in its
failure message: the jobs with their triggers and counters, the review, the
counts before and after.

On the code this was written against, `right_away` passes; `after_schedule`
fails (86 accounts become 336, 83 names twice, the ERP gets the 86 accounts
back as new customers: the first scheduled CUSTOMER pass parks every customer
with a DEPENDENCY error, and the "dependency coupled" jobs the lookups' couplings
release create all 250 as new accounts before the CUSTOMER line's matching
runs); `ticks_during` never ends (a line whose pass is deduplicated into a
scheduled job stays IN_PROCESS)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from adapters.dataverse.simulator import DEFAULT_TENANT
from api.demo.crm_data import ADMIN_APP

T = TypeVar("T")

COUPLET = Path(sys.executable).with_name("couplet")  # the project's console script in .venv/bin
KEY_LINE = re.compile(r"^(cpl_[A-Za-z0-9_-]+)$", re.M)
# the README's mutation ("The demo, end to end"), verbatim
START_FULL_SYNC = (
    "mutation { startFullSync { fullSyncReview { lines { mapping recommendation status } } "
    "userErrors { code message } } }"
)
REVIEW = """{ fullSyncReview { isRunning
  lines { mapping recommendation status toCrmStatus fromCrmStatus message } } }"""
JOBS = """query($after: String) { syncJobs(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  nodes { id kind mapping direction trigger status queuedAt startedAt finishedAt
          processed inserted modified unchanged failed coupled skipped message } } }"""
CUSTOMERS = """query($after: String) { customers(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  nodes { no name coupling { crmId pending } } } }"""
JOB_ERRORS = """query($id: ID!) { syncJob(id: $id) { errors(first: 100) {
  totalCount nodes { errorClass message } } } }"""
ACTIVE_LINE = ("READY", "IN_PROCESS")
ACTIVE_JOB = ("QUEUED", "RUNNING")


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def eventually(check: Callable[[], T | None], *, within: float, every: float = 0.5, what: str) -> T:
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within} s")
        time.sleep(every)


@dataclass
class Demo:
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    api: httpx.Client
    crm_url: str
    key: str
    story: list[str]  # what this run saw, for the failure message

    def note(self, text: str) -> None:
        self.story.append(text)

    def alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(
                f"couplet demo exited with {self.process.returncode}:\n{self.stderr.read_text()[-3000:]}"
            )

    def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        self.alive()
        response = self.api.post("/graphql", json={"query": query, "variables": variables})
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def pages(self, query: str, field: str) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            page = self.graphql(query, after=after)[field]
            nodes += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    def jobs(self) -> list[dict[str, Any]]:
        return sorted(self.pages(JOBS, "syncJobs"), key=lambda job: job["queuedAt"])

    def review(self) -> dict[str, Any]:
        review: dict[str, Any] = self.graphql(REVIEW)["fullSyncReview"]
        return review

    def customers(self) -> list[dict[str, Any]]:
        return self.pages(CUSTOMERS, "customers")

    def accounts(self) -> list[dict[str, Any]]:
        """Every account, read as the README's curl does: a token from the simulated
        org's token endpoint, then `accounts?$select=…` following `@odata.nextLink`."""
        client_id, secret = ADMIN_APP
        with httpx.Client(timeout=30) as http:
            token = http.post(
                f"{self.crm_url}/{DEFAULT_TENANT}/oauth2/v2.0/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": secret,
                    "scope": f"{self.crm_url}/.default",
                },
            )
            token.raise_for_status()
            headers = {
                "Authorization": f"Bearer {token.json()['access_token']}",
                "Prefer": "odata.maxpagesize=100",  # several pages: the nextLink is followed
            }
            rows: list[dict[str, Any]] = []
            url: str | None = f"{self.crm_url}/api/data/v9.2/accounts?$select=accountid,name"
            while url:
                response = http.get(url, headers=headers)
                response.raise_for_status()
                page = response.json()
                rows += page["value"]
                url = page.get("@odata.nextLink")
            return rows


@contextmanager
def couplet_demo(tmp_path: Path, *, tick_seconds: float) -> Iterator[Demo]:
    """`couplet demo --reset` on free ports in `tmp_path`, until it answers /healthz;
    stopped with SIGINT (Ctrl-C) afterwards, and it must stop cleanly."""
    port, crm_port = free_ports(2)
    env = {name: value for name, value in os.environ.items() if not name.startswith("COUPLET_")}
    env |= {"COUPLET_SCHEDULE_TICK_SECONDS": str(tick_seconds), "NO_COLOR": "1", "COLUMNS": "200"}
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    data_dir = tmp_path / "data"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [
                str(COUPLET),
                "demo",
                f"--port={port}",
                f"--crm-port={crm_port}",
                f"--data-dir={data_dir}",
                "--reset",
            ],
            cwd=tmp_path,  # no stray .env
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as api:
            demo = Demo(process, stdout, stderr, api, f"http://127.0.0.1:{crm_port}", "", [])

            def key() -> str | None:
                demo.alive()
                found = KEY_LINE.search(stdout.read_text())
                return found.group(1) if found else None

            def healthy() -> bool:
                demo.alive()
                with suppress(httpx.HTTPError):
                    return api.get("/healthz").status_code == 200
                return False

            started = time.monotonic()
            demo.key = eventually(key, within=120, what="the ADMIN key on stdout")
            eventually(healthy, within=60, what="/healthz")
            demo.note(f"couplet demo answered /healthz after {time.monotonic() - started:.1f} s")
            api.headers["Authorization"] = f"Bearer {demo.key}"
            yield demo
    finally:
        returncode, after_stop = stop(process, stderr)
    # only when the story itself passed: a failure above is the one to see
    assert returncode is not None, "couplet demo did not stop within 30 s of SIGINT (killed)"
    assert "Traceback" not in after_stop, after_stop[-3000:]
    # 130: uvicorn re-raises the Ctrl-C it handled once it has shut down (128 + SIGINT)
    assert returncode in (0, 130), (returncode, after_stop[-3000:])


def stop(process: subprocess.Popen[bytes], stderr: Path) -> tuple[int | None, str]:
    """Ctrl-C (SIGINT), as a newcomer stops the demo: its exit code (None when it had
    to be killed) and what it logged while stopping."""
    logged = stderr.stat().st_size
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None, stderr.read_bytes()[logged:].decode(errors="replace")
    return process.returncode, stderr.read_bytes()[logged:].decode(errors="replace")


def no_active_jobs(demo: Demo) -> list[dict[str, Any]] | None:
    jobs = demo.jobs()
    return None if any(job["status"] in ACTIVE_JOB for job in jobs) else jobs


def first_schedule_ran(demo: Demo) -> list[dict[str, Any]] | None:
    """The jobs, once the first tick's jobs (the CUSTOMER pass among them) have ended
    and nothing else runs."""
    jobs = no_active_jobs(demo)
    if not jobs or not any(j["trigger"] == "schedule" and j["mapping"] == "CUSTOMER" for j in jobs):
        return None
    return jobs


def review_ended(demo: Demo) -> dict[str, Any] | None:
    review = demo.review()
    if review["isRunning"] or any(line["status"] in ACTIVE_LINE for line in review["lines"]):
        return None
    return review


def job_table(jobs: list[dict[str, Any]]) -> str:
    rows = [
        f"{j['queuedAt'][11:23]} {j['kind']:<5} {j['mapping']:<18} {j['direction']:<13} {j['trigger']:<18} "
        f"{j['status']:<9} ins {j['inserted']:>3} mod {j['modified']:>3} unch {j['unchanged']:>3} "
        f"fail {j['failed']:>3} coup {j['coupled']:>3} {j['message'] or ''}"
        for j in jobs
    ]
    return "\n".join(rows)


def run_story(tmp_path: Path, *, tick_seconds: float, wait_for_schedule: bool) -> None:
    with couplet_demo(tmp_path, tick_seconds=tick_seconds) as demo:
        try:
            check_story(demo, wait_for_schedule=wait_for_schedule)
        except AssertionError as failure:
            with suppress(Exception):  # the state the story stopped in
                review = demo.review()
                demo.note(f"review running: {review['isRunning']}; {line_summary(review)}")
                jobs = demo.jobs()
                demo.note(f"{len(jobs)} jobs at the failure:\n{job_table(jobs)}")
            raise AssertionError(f"{failure}\n\nwhat the story saw:\n" + "\n".join(demo.story)) from None


def check_story(demo: Demo, *, wait_for_schedule: bool) -> None:
    if wait_for_schedule:
        before_jobs = eventually(lambda: first_schedule_ran(demo), within=90, what="the first scheduled jobs")
        demo.note(f"before the full sync, {len(before_jobs)} jobs:\n{job_table(before_jobs)}")
        for job in before_jobs:
            if job["mapping"] == "CUSTOMER" and job["failed"]:
                errors = demo.graphql(JOB_ERRORS, id=job["id"])["syncJob"]["errors"]
                classes = Counter(e["errorClass"] for e in errors["nodes"])
                demo.note(
                    f"{job['trigger']} CUSTOMER {job['direction']}: {errors['totalCount']} errors "
                    f"{dict(classes)}, e.g. {errors['nodes'][0]['message']}"
                )

    accounts_before = demo.accounts()
    customers_before = demo.customers()
    account_names = {a["name"] for a in accounts_before}
    customer_names = {c["name"] for c in customers_before}
    assert len(account_names) == len(accounts_before), "the demo's CRM starts without duplicates"
    assert len(customer_names) == len(customers_before), "the demo's customers have distinct names"
    lacking_account = customer_names - account_names
    lacking_customer = account_names - customer_names
    existing = {a["name"]: a["accountid"] for a in accounts_before}
    demo.note(
        f"before: {len(accounts_before)} accounts, {len(customers_before)} customers, "
        f"{len(lacking_account)} customers without an account, {len(lacking_customer)} accounts "
        "without a customer"
    )

    started = demo.graphql(START_FULL_SYNC)["startFullSync"]
    assert started["userErrors"] == []
    began = time.monotonic()
    review = eventually(lambda: review_ended(demo), within=60, what="the full sync's end")
    demo.note(f"the full sync ended after {time.monotonic() - began:.1f} s: {line_summary(review)}")
    jobs = eventually(lambda: no_active_jobs(demo), within=60, what="the jobs after the full sync")

    accounts = demo.accounts()
    customers = demo.customers()
    names = Counter(a["name"] for a in accounts)
    crm_ids = [c["coupling"]["crmId"] for c in customers if c["coupling"] and c["coupling"]["crmId"]]
    observed = {
        "line statuses": {line["mapping"]: line["status"] for line in review["lines"]},
        "accounts": len(accounts),
        "account names twice or more": sum(1 for n in names.values() if n > 1),
        "customers": len(customers),
        "customer names twice or more": sum(
            1 for n in Counter(c["name"] for c in customers).values() if n > 1
        ),
        "customers not coupled": sum(1 for c in customers if not (c["coupling"] or {}).get("crmId")),
        "accounts coupled twice": len(crm_ids) - len(set(crm_ids)),
        "accounts not coupled": len({a["accountid"] for a in accounts} - set(crm_ids)),
        "matched customers not coupled to their existing account": sum(
            1
            for c in customers
            if c["name"] in existing and (c["coupling"] or {}).get("crmId") != existing[c["name"]]
        ),
    }
    expected = {
        "line statuses": {line["mapping"]: "FINISHED" for line in review["lines"]},
        "accounts": len(accounts_before) + len(lacking_account),
        "account names twice or more": 0,
        "customers": len(customers_before) + len(lacking_customer),
        "customer names twice or more": 0,
        "customers not coupled": 0,
        "accounts coupled twice": 0,
        "accounts not coupled": 0,
        "matched customers not coupled to their existing account": 0,
    }
    creates = Counter[str]()
    for job in jobs:
        if job["mapping"] == "CUSTOMER":
            creates[f"{job['direction']} {job['trigger']}"] += job["inserted"]
    demo.note(f"{len(jobs)} jobs:\n{job_table(jobs)}")
    demo.note(f"records created by CUSTOMER jobs, by direction and trigger: {dict(creates)}")
    demo.note(f"observed: {observed}")
    assert observed == expected


def line_summary(review: dict[str, Any]) -> str:
    return "; ".join(
        f"{line['mapping']} {line['status']} {line['message'] or ''}".strip() for line in review["lines"]
    )


@pytest.mark.timeout(300)
def test_full_sync_after_the_first_schedule_tick(tmp_path: Path) -> None:
    """The user report: wait past the first tick, then start the full sync."""
    run_story(tmp_path, tick_seconds=2, wait_for_schedule=True)


@pytest.mark.timeout(300)
def test_full_sync_right_away(tmp_path: Path) -> None:
    run_story(tmp_path, tick_seconds=600, wait_for_schedule=False)


@pytest.mark.timeout(300)
def test_full_sync_while_the_schedule_ticks(tmp_path: Path) -> None:
    run_story(tmp_path, tick_seconds=2, wait_for_schedule=False)
