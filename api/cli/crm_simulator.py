"""`couplet crm-simulator`: a local Dynamics 365 Sales (Dataverse) org on one port."""

from __future__ import annotations

import secrets
from pathlib import Path

import typer
import uvicorn

from adapters.dataverse.simulator import DEFAULT_TENANT, DataverseSimulator, create_app
from api.cli.common import console


def crm_simulator(
    port: int = typer.Option(8081, "--port", help="Port of the Web API and the token endpoint"),
    host: str = typer.Option("127.0.0.1", "--host"),
    client_id: str = typer.Option("couplet", "--client-id", help="Couplet's integration app"),
    client_secret: str | None = typer.Option(
        None, "--client-secret", help="Its secret (default: a new one, printed once)"
    ),
    admin_client_id: str = typer.Option(
        "couplet-admin", "--admin-client-id", help="An administrator app, for the one-time solution import"
    ),
    admin_client_secret: str | None = typer.Option(
        None, "--admin-client-secret", help="Its secret (default: a new one, printed once)"
    ),
    db: Path | None = typer.Option(None, "--db", help="SQLite file keeping the org across restarts"),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant", help="Tenant id in the token endpoint's path"),
    base_currency: str = typer.Option("DKK", "--base-currency", help="ISO code of the base currency"),
) -> None:
    """Serve a simulated Dataverse Web API and its client-credentials token endpoint,
    with two app registrations as in a real tenant: Couplet's integration app (an
    application user with no role yet: importing Couplet's solution gives it its
    roles) and an administrator app used once, for that import."""
    secret = client_secret or secrets.token_urlsafe(24)
    admin_secret = admin_client_secret or secrets.token_urlsafe(24)
    simulator = DataverseSimulator(db=db or ":memory:", tenant_id=tenant, base_currency=base_currency)
    user_id = simulator.register_app(client_id, secret, full_name="Couplet Integration")
    admin_id = simulator.register_app(
        admin_client_id, admin_secret, full_name="Administrator", roles=["System Administrator"]
    )
    base = f"http://{host}:{port}"
    console.rule("Dataverse simulator")
    console.print(f"Web API:        {base}/api/data/v9.2/", soft_wrap=True)
    console.print(
        f"Token endpoint: {base}/{tenant}/oauth2/v2.0/token   (scope {base}/.default)", soft_wrap=True
    )
    console.print(f"Integration:    client id {client_id!r}, application user {user_id}", soft_wrap=True)
    if client_secret is None:
        console.print(f"  secret:       {secret}", soft_wrap=True)
    console.print(
        f"Administrator:  client id {admin_client_id!r}, application user {admin_id} (System Administrator)",
        soft_wrap=True,
    )
    if admin_client_secret is None:
        console.print(f"  secret:       {admin_secret}", soft_wrap=True)
    console.print(
        f"Storage:        {db.resolve() if db else 'in memory (gone when stopped)'}", soft_wrap=True
    )
    console.rule()
    uvicorn.run(create_app(simulator), host=host, port=port, log_level="warning")
