"""`couplet sync full`: the command starts the run on a running service and reports it."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from api.cli.sync import ServiceError, full_sync
from domain.auth import Role
from tests.e2e.test_full_sync import given_crm, given_erp
from tests.support.erp import seed_mappings
from tests.support.graphql import GraphQLClient


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str]) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    return gql


def screen() -> tuple[Console, io.StringIO]:
    text = io.StringIO()
    return Console(file=text, width=200), text


async def test_start_without_watch_starts_the_run_and_prints_the_review(
    integration: GraphQLClient,
    crm: DataverseSimulator,
    container: Services,
    api_url: str,
    keys: dict[Role, str],
) -> None:
    await given_erp(integration)
    given_crm(crm)
    out, text = screen()

    code = await full_sync(api_url, keys[Role.INTEGRATION], start=True, watch=False, out=out)

    assert code == 0
    # started: no longer BLANK (a fast run may already have finished the line when it is printed)
    assert re.search(
        r"^ *CUSTOMER +COUPLE_RECORDS +(READY|IN_PROCESS|FINISHED)", text.getvalue(), re.MULTILINE
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    review = await integration.data("{ fullSyncReview { lines { status } } }")
    assert {line["status"] for line in review["fullSyncReview"]["lines"]} == {"FINISHED"}


async def test_watch_follows_the_review_to_the_end(
    integration: GraphQLClient, crm: DataverseSimulator, api_url: str, keys: dict[Role, str]
) -> None:
    await given_erp(integration)
    given_crm(crm)
    out, text = screen()

    code = await full_sync(api_url, keys[Role.INTEGRATION], start=True, watch=True, out=out)

    assert code == 0
    assert re.search(r"^ *CUSTOMER +COUPLE_RECORDS +FINISHED", text.getvalue(), re.MULTILINE)


async def test_a_refused_start_says_why(
    integration: GraphQLClient, crm: DataverseSimulator, api_url: str, keys: dict[Role, str]
) -> None:
    out, _ = screen()
    with pytest.raises(ServiceError, match="FORBIDDEN"):
        await full_sync(api_url, keys[Role.AVAILABILITY], start=True, watch=False, out=out)
    with pytest.raises(ServiceError, match="UNAUTHENTICATED"):
        await full_sync(api_url, "cpl_wrong", start=True, watch=False, out=out)


async def test_an_unreachable_service_exits_2() -> None:
    out, _ = screen()
    with pytest.raises(ServiceError, match="cannot reach Couplet") as raised:
        await full_sync("http://127.0.0.1:9", "cpl_x", start=True, watch=False, out=out)
    assert raised.value.exit_code == 2
