"""The world a model-based sync test drives: Couplet (GraphQL over HTTP, its
container) and a simulated CRM, both living on the session's event loop, driven
from the thread that runs a hypothesis state machine.

Everything here is blocking: each call runs a coroutine on the session loop and
waits for it (`World.call`); simulator calls run on the loop too, as the
simulator's store belongs to the loop's thread."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa

from adapters.dataverse.simulator import DataverseSimulator
from adapters.db.models import CouplingRow, SyncJobRow
from api.bootstrap import Services
from domain.auth import Role
from domain.crm import Lookup
from tests.e2e.sync_support import JOB_FIELDS
from tests.support.databases import empty_tables
from tests.support.erp import local_currency_coupled, seed_mappings, upsert
from tests.support.graphql import GraphQLClient
from tests.support.simulator import JIM_OLIVE, SwitchableApp, connect

T = TypeVar("T")
TIMEOUT = 60.0
JIM = JIM_OLIVE
PAYMENT_TERMS = ("14 DAYS", "30 DAYS")
UNUSED_MAPPINGS = (
    "SALESPRC-PRODPRICE",
    "CUSTPRCGRP-PRICE",
    "RESOURCE-PRODUCT",
    "RESOURCE UOM",
    "SHIPMENT METHOD",
    "SHIPPING AGENT",
)


class WorkerKilled(BaseException):
    """What a kill -9 looks like to the job: it stops where it is, nothing catches
    it, the job stays RUNNING in the database."""


@dataclass
class Coupled:
    id: str
    mapping: str
    erp_id: uuid.UUID
    crm_id: uuid.UUID | None
    crm_option: int | None
    pending: bool
    conflict: dict[str, Any] | None
    last_error_class: str | None
    last_error: str | None
    skipped: bool


class World:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        container: Services,
        gql: GraphQLClient,
        keys: dict[Role, str],
        crm_server: tuple[str, SwitchableApp],
    ) -> None:
        self.loop = loop
        self.container = container
        self.gql = gql
        self.admin = gql.with_key(keys[Role.ADMIN])
        self.crm_url, self.crm_app = crm_server
        self.crm: DataverseSimulator | None = None
        self.jim: uuid.UUID | None = None
        self.default_unit_group: uuid.UUID | None = None
        self.primary_unit: uuid.UUID | None = None

    # bridging the state machine's thread and the session loop

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def sim(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        async def on_loop() -> T:
            return fn(*args, **kwargs)

        return self.call(on_loop())

    @property
    def simulator(self) -> DataverseSimulator:
        assert self.crm is not None
        return self.crm

    # a clean world per example

    def reset(self) -> None:
        self.call(self._reset())

    async def _reset(self) -> None:
        await self.container.queue.drain()  # type: ignore[attr-defined]
        await empty_tables(self.container.db)
        if self.crm is not None:
            self.crm_app.simulator = None
            await self.crm.aclose()
        self.crm = DataverseSimulator()
        self.crm_app.simulator = self.crm
        await connect(self.container, self.crm, self.crm_url)
        await self.container.crm.reset()
        await seed_mappings(self.admin)
        await local_currency_coupled(self.gql, self.crm)
        for name in UNUSED_MAPPINGS:  # fewer jobs per sync: the model leaves these tables empty
            await self.admin.mutate(
                "mutation($i: UpdateTableMappingInput!) { p: updateTableMapping(input: $i) "
                "{ userErrors { code message } } }",
                {"i": {"name": name, "enabled": False}},
            )
        for code in PAYMENT_TERMS:
            await upsert(self.gql, "PaymentTerms", {"code": code, "description": code.title()})
        await upsert(self.gql, "Salesperson", {"code": "JO", "name": "Jim Olive", "email": JIM["domainname"]})
        for unit in ("PCS", "BOX"):
            await upsert(self.gql, "UnitOfMeasure", {"code": unit})
        self.jim = self.crm.add_row("systemuser", JIM)
        (group,) = self.crm.rows("uomschedule")
        self.default_unit_group = group["uomscheduleid"]
        (unit,) = [u for u in self.crm.rows("uom") if u["uomscheduleid"].id == self.default_unit_group]
        self.primary_unit = unit["uomid"]

    def close(self) -> None:
        async def closing() -> None:
            await self.container.queue.drain()  # type: ignore[attr-defined]
            if self.crm is not None:
                self.crm_app.simulator = None
                await self.crm.aclose()
                self.crm = None

        self.call(closing())

    # Couplet's API

    def mutate(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """A mutation's payload (userErrors are the caller's to judge)."""
        data = self.call(self.gql.data(query, variables))
        (payload,) = data.values()
        return dict(payload)

    def admin_mutate(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        data = self.call(self.admin.data(query, variables))
        (payload,) = data.values()
        return dict(payload)

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.call(self.gql.data(query, variables))

    def drain(self) -> None:
        self.call(self.container.queue.drain())  # type: ignore[attr-defined]

    def jobs_of(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """The jobs a mutation started, once every queued job has ended."""
        self.drain()
        jobs = payload.get("syncJobs") or ([payload["syncJob"]] if payload.get("syncJob") else [])
        return [
            self.query(f"query($id: ID!) {{ syncJob(id: $id) {{ {JOB_FIELDS} }} }}", {"id": j["id"]})[
                "syncJob"
            ]
            for j in jobs
        ]

    def run_mapping_sync(
        self, mapping: str, direction: str | None, *, wait: bool = True
    ) -> list[dict[str, Any]]:
        payload = self.mutate(
            "mutation($i: RunMappingSyncInput!) { p: runMappingSync(input: $i) { syncJobs { id } "
            "syncJob { id } userErrors { code message } } }",
            {"i": {"mapping": mapping, "direction": direction}},
        )
        assert payload["userErrors"] == [], payload
        return self.jobs_of(payload) if wait else []

    def sync_modified_records(self) -> list[dict[str, Any]]:
        payload = self.mutate(
            "mutation { p: syncModifiedRecords { syncJobs { id } userErrors { code message } } }"
        )
        assert payload["userErrors"] == [], payload
        return self.jobs_of(payload)

    def scheduler_tick(self) -> None:
        self.call(self.container.scheduler.tick())
        self.drain()

    def update_mapping(self, name: str, **changes: Any) -> None:
        payload = self.admin_mutate(
            "mutation($i: UpdateTableMappingInput!) { p: updateTableMapping(input: $i) "
            "{ userErrors { code message } } }",
            {"i": {"name": name, **changes}},
        )
        assert payload["userErrors"] == [], payload

    def upsert(self, label: str, values: dict[str, Any]) -> list[dict[str, Any]]:
        field = {"PaymentTerms": "paymentTerm"}.get(label, label[0].lower() + label[1:])
        payload = self.mutate(
            f"mutation($i: {label}Input!) {{ p: upsert{label}(input: $i) {{ {field} {{ id }} "
            "userErrors { field message code } } }",
            {"i": values},
        )
        return list(payload["userErrors"])

    def delete(self, label: str, key: str) -> list[dict[str, Any]]:
        payload = self.mutate(
            f"mutation($i: DeleteByKeyInput!) {{ p: delete{label}(input: $i) "
            "{ userErrors { code message } } }",
            {"i": {"key": key}},
        )
        return list(payload["userErrors"])

    # reading both sides directly (fast, and what the invariants look at)

    def couplings(self, mapping: str | None = None) -> list[Coupled]:
        async def read() -> list[Coupled]:
            async with self.container.db.read() as session:
                stmt = sa.select(CouplingRow)
                if mapping is not None:
                    stmt = stmt.where(CouplingRow.mapping_name == mapping)
                rows = (await session.execute(stmt)).scalars()
                return [
                    Coupled(
                        str(r.id),
                        r.mapping_name,
                        r.erp_id,
                        r.crm_id,
                        r.crm_option,
                        r.pending,
                        r.conflict,
                        r.last_error_class,
                        r.last_error,
                        r.skipped,
                    )
                    for r in rows
                ]

        return self.call(read())

    def jobs(self) -> list[SyncJobRow]:
        async def read() -> list[SyncJobRow]:
            async with self.container.db.read() as session:
                rows = (await session.execute(sa.select(SyncJobRow))).scalars()
                return list(rows)

        return self.call(read())

    def erp_rows(self, table: str) -> list[dict[str, Any]]:
        async def read() -> list[dict[str, Any]]:
            async with self.container.db.read() as session:
                result = await session.execute(sa.text(f"SELECT * FROM {table}"))
                return [dict(r._mapping) for r in result]

        return self.call(read())

    def crm_rows(self, entity: str) -> list[dict[str, Any]]:
        return self.sim(self.simulator.rows, entity)

    def crm_add(self, entity: str, values: dict[str, Any]) -> uuid.UUID:
        return self.sim(self.simulator.add_row, entity, values)

    def crm_update(self, entity: str, row_id: uuid.UUID, values: dict[str, Any]) -> None:
        self.sim(self.simulator.update_row, entity, row_id, values)

    def crm_delete(self, entity: str, row_id: uuid.UUID) -> None:
        self.sim(self.simulator.delete_row, entity, row_id)

    def option_label(self, attribute: str, value: int | None) -> str | None:
        if value is None:
            return None
        return self.sim(self.simulator.option_set, "account", attribute).get(value)

    # a worker that dies in the middle of a page

    @contextmanager
    def worker_dies_after(self, method: str) -> Iterator[list[bool]]:
        """The shared CRM client's `method` (a bulk write) reaches the CRM, then the
        job's worker dies (a BaseException nothing in the runner catches). Yields a
        list that holds True once it has happened."""
        client = self.call(self.container.crm.client())
        original: Callable[..., Awaitable[Any]] = getattr(client, method)
        died: list[bool] = []

        async def then_die(*args: Any, **kwargs: Any) -> Any:
            result = await original(*args, **kwargs)
            if not died:
                died.append(True)
                raise WorkerKilled(f"killed after {method}")
            return result

        setattr(client, method, then_die)
        try:
            yield died
        finally:
            delattr(client, method)

    def recover_running_jobs(self) -> list[str]:
        """What lease recovery does: run again every job left RUNNING."""
        left = [j.id for j in self.jobs() if j.status == "RUNNING"]
        for job_id in left:
            self.call(self.container.runner.run(job_id))
        self.drain()
        return [str(i) for i in left]


def lookup(entity: str, row_id: uuid.UUID) -> Lookup:
    return Lookup(entity, row_id)
