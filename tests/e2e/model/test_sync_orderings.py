"""Any ordering of ERP users', CRM users' and Couplet's operations keeps both sides
consistent (README "Synchronization", "Full synchronization", DOMAIN.md "How one
record syncs"): a hypothesis state machine (`machine.py`) over the real API and
a simulated CRM.

Profiles (env `COUPLET_MODEL_PROFILE`): `ci` (default), `local` (bigger), and
`COUPLET_MODEL_EXAMPLES` overrides the number of programs,
`COUPLET_MODEL_SHRINK=0` reports the first failing program unshrunk (shrinking
costs many programs of several seconds each). PostgreSQL runs a
smaller profile. Derandomized: a run is reproducible."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from adapters.db.engine import Database
from api.bootstrap import Services
from domain.auth import Role
from tests.e2e.model.machine import SyncOrderings
from tests.e2e.model.world import World
from tests.support.graphql import GraphQLClient
from tests.support.simulator import SwitchableApp

PROFILES = {  # (programs, steps per program)
    "ci": (80, 8),
    "local": (300, 20),
}
POSTGRES_SHARE = 5


def model_settings(backend: str, share: int = 1) -> settings:
    examples, steps = PROFILES[os.environ.get("COUPLET_MODEL_PROFILE", "ci")]
    examples = int(os.environ.get("COUPLET_MODEL_EXAMPLES", examples)) // share
    if backend == "postgres":
        examples = examples // POSTGRES_SHARE
    return settings(
        max_examples=max(1, examples),
        stateful_step_count=steps,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate]
        + ([Phase.shrink] if os.environ.get("COUPLET_MODEL_SHRINK", "1") != "0" else []),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )


async def explore(
    backend: str,
    container: Services,
    gql: GraphQLClient,
    keys: dict[Role, str],
    crm_server: tuple[str, SwitchableApp],
    *,
    share: int = 1,
    crashes: bool = True,
) -> None:
    """Run the state machine's programs against this container (its queue decides
    where jobs run: in-process, or arq workers)."""
    world = World(asyncio.get_running_loop(), container, gql, keys, crm_server)
    SyncOrderings.world, SyncOrderings.crashes = world, crashes
    SyncOrderings.crashes_recovered = 0
    started = time.monotonic()
    chosen = model_settings(backend, share)
    try:
        await asyncio.to_thread(run_state_machine_as_test, SyncOrderings, settings=chosen)
    finally:
        await asyncio.to_thread(world.close)
        print(  # noqa: T201
            f"\nmodel run on {backend}: {chosen.max_examples} programs in "
            f"{time.monotonic() - started:.1f} s, {SyncOrderings.crashes_recovered} "
            "with a worker killed mid-page and recovered"
        )
    if crashes and chosen.max_examples >= 20:  # the crash rule is drawn often enough to have fired
        assert SyncOrderings.crashes_recovered > 0


@pytest.mark.timeout(1800)
async def test_any_ordering_of_edits_syncs_couplings_and_crashes_keeps_both_sides_consistent(
    backend: str,
    container: Services,
    gql: GraphQLClient,
    keys: dict[Role, str],
    crm_server: tuple[str, SwitchableApp],
    database: Database,
) -> None:
    await explore(backend, container, gql, keys, crm_server)
