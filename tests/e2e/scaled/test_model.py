"""The sync-orderings model test with arq workers on Redis and PostgreSQL (a
smaller profile: each job crosses Redis). Workers are not killed here: the
in-process run covers that, and `test_worker_crash.py` kills a real one."""

from __future__ import annotations

import pytest

from adapters.db.engine import Database
from api.bootstrap import Services
from domain.auth import Role
from tests.e2e.model.test_sync_orderings import explore
from tests.support.graphql import GraphQLClient
from tests.support.simulator import SwitchableApp

SCALED_SHARE = 2  # of the PostgreSQL programs


@pytest.mark.timeout(1800)
async def test_any_ordering_keeps_both_sides_consistent_with_arq_workers(
    backend: str,
    container: Services,
    gql: GraphQLClient,
    keys: dict[Role, str],
    crm_server: tuple[str, SwitchableApp],
    database: Database,
) -> None:
    if backend != "postgres":
        pytest.skip("scaled out runs on PostgreSQL")
    await explore(backend, container, gql, keys, crm_server, share=SCALED_SHARE, crashes=False)
