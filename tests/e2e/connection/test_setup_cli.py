"""`couplet setup` walks the same steps as the mutations, in a terminal, against
the simulated CRM and this test's database: through typer's CliRunner (on a
worker thread, so this loop keeps serving the CRM), and once as a real process
answering its prompts, hidden ones included, through a pipe."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.dataverse.simulator import DEFAULT_TENANT
from api.bootstrap import Services
from api.cli.main import app
from tests.e2e.connection.support import (
    ADMIN_APP,
    INTEGRATION_APP,
    Dataverse,
    connected,
    connection,
    enabled,
    local_currency,
)
from tests.support.graphql import GraphQLClient

ROOT = Path(__file__).parents[3]


@pytest.fixture
def env(container: Services, tmp_path: Path) -> dict[str, str]:
    assert container.settings.secret_key is not None
    return {
        **os.environ,
        "COUPLET_DATABASE_URL": container.settings.database_url,
        "COUPLET_SECRET_KEY": container.settings.secret_key.get_secret_value(),
        "COUPLET_DATA_DIR": str(tmp_path),
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }


async def couplet_setup(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Exit code and output of `couplet setup ARGS`, in this process."""
    result = await asyncio.to_thread(CliRunner().invoke, app, ["setup", *args], env=env)
    return result.exit_code, result.output


async def couplet_setup_process(env: dict[str, str], answers: list[str]) -> tuple[int, str]:
    """Exit code and output of the `couplet setup` process, typing `answers` at its prompts."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli.main",
        "setup",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,  # no terminal: hidden prompts read the answers from stdin
    )
    typed = "".join(f"{answer}\n" for answer in answers)
    output, _ = await process.communicate(typed.encode())
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_setup_takes_every_answer_as_an_option(
    admin: GraphQLClient, dataverse: Dataverse, env: dict[str, str]
) -> None:
    await local_currency(admin)
    code, output = await couplet_setup(
        {
            **env,
            "COUPLET_SETUP_CLIENT_SECRET": INTEGRATION_APP[1],
            "COUPLET_SETUP_ADMIN_CLIENT_SECRET": ADMIN_APP[1],
        },
        "--non-interactive",
        f"--server-url={dataverse.url}",
        f"--tenant-id={DEFAULT_TENANT}",
        f"--client-id={INTEGRATION_APP[0]}",
        f"--authority-url={dataverse.url}",
        f"--admin-client-id={ADMIN_APP[0]}",
        "--mappings=SALESPEOPLE,CURRENCY",
        "--item-availability",
    )
    assert code == 0, output
    assert "✓ connected to Dynamics 365 9.2." in output
    result = await connection(admin) or {}
    assert (result["status"], result["solutionInstalled"], result["itemAvailabilityEnabled"]) == (
        "ENABLED",
        True,
        True,
    )
    assert result["enabledMappings"] == ["SALESPEOPLE", "CURRENCY"]
    assert INTEGRATION_APP[1] not in output
    assert ADMIN_APP[1] not in output


async def test_setup_prompts_for_what_was_not_given(
    admin: GraphQLClient, dataverse: Dataverse, env: dict[str, str]
) -> None:
    await local_currency(admin)
    answers = [
        dataverse.url,  # Dynamics 365 URL
        DEFAULT_TENANT,
        INTEGRATION_APP[0],
        INTEGRATION_APP[1],  # client secret (hidden)
        dataverse.url,  # token authority
        "",  # integration user: the app's own
        "y",  # import the solution
        ADMIN_APP[0],
        ADMIN_APP[1],  # admin secret (hidden)
        "y",  # enable
        "",  # the default mappings
        "n",  # no item availability
        "y",  # sales orders
        "",  # handled by the integration user
    ]
    code, output = await couplet_setup_process(env, answers)
    assert code == 0, output
    result = await connection(admin) or {}
    assert (result["status"], result["itemAvailabilityEnabled"], result["salesOrderIntegrationEnabled"]) == (
        "ENABLED",
        False,
        True,
    )
    assert result["salesOrderUserId"] == str(dataverse.integration_user)


async def test_setup_stops_with_the_reason_when_the_test_fails(
    admin: GraphQLClient, dataverse: Dataverse, env: dict[str, str]
) -> None:
    code, output = await couplet_setup(
        {**env, "COUPLET_SETUP_CLIENT_SECRET": "not-the-secret"},
        "--non-interactive",
        f"--server-url={dataverse.url}",
        f"--tenant-id={DEFAULT_TENANT}",
        f"--client-id={INTEGRATION_APP[0]}",
        f"--authority-url={dataverse.url}",
    )
    assert code == 1
    assert "✗ connection test failed: Sign-in refused for the integration app" in output
    assert (await connection(admin) or {})["status"] == "ERROR"


async def test_setup_reports_refused_input_as_the_api_does(
    admin: GraphQLClient, dataverse: Dataverse, env: dict[str, str]
) -> None:
    code, output = await couplet_setup(env, "--non-interactive", "--server-url=contoso", "--tenant-id=t")
    assert code == 1
    assert "✗ server_url: 'contoso' is not an http(s) URL like https://contoso.crm4.dynamics.com" in output
    assert "✗ client_id: required (REQUIRED)" in output


async def test_setup_rotates_the_secret_of_an_enabled_connection(
    admin: GraphQLClient, dataverse: Dataverse, env: dict[str, str]
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    await enabled(admin)
    code, output = await couplet_setup(
        {**env, "COUPLET_SETUP_CLIENT_SECRET": INTEGRATION_APP[1]}, "--non-interactive"
    )
    assert code == 0, output
    assert "disabled the connection to change its settings" in output
    assert (await connection(admin) or {})["status"] == "ENABLED"
