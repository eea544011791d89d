"""`couplet setup`: CRM connection setup in a terminal. The same steps, and the
same `ConnectionService`, as the GraphQL mutations: configure → test → import
Couplet's solution (admin app, once) → enable. Every answer can be given as an
option; `--non-interactive` never prompts (what is not given keeps its value)."""

from __future__ import annotations

from dataclasses import dataclass

import typer
from rich.table import Table

from adapters.settings import Settings
from api.bootstrap import bootstrap
from api.cli.common import DatabaseOption, console, run, settings
from api.cli.serve import ensure_schema
from domain.connection.model import AdminCredentials, ConnectionSettings, CrmConnection, EnableOptions
from domain.connection.service import ConnectionService
from domain.errors import ValidationFailed

SECRET_ENV = "COUPLET_SETUP_CLIENT_SECRET"
ADMIN_SECRET_ENV = "COUPLET_SETUP_ADMIN_CLIENT_SECRET"


@dataclass(frozen=True)
class Answers:
    server_url: str | None
    tenant_id: str | None
    client_id: str | None
    client_secret: str | None
    authority_url: str | None
    integration_user: str | None
    import_solution: bool | None
    admin_client_id: str | None
    admin_client_secret: str | None
    admin_tenant_id: str | None
    enable: bool | None
    mappings: str | None
    item_availability: bool | None
    sales_orders: bool | None
    sales_order_user: str | None


@dataclass(frozen=True)
class Ask:
    """Prompts for what was not given, unless non-interactive."""

    interactive: bool

    def text(
        self, label: str, given: str | None, default: str | None = None, *, secret: bool = False
    ) -> str | None:
        if given is not None or not self.interactive:
            return given if given is not None else default
        answer: str = typer.prompt(
            label, default=default or "", show_default=bool(default), hide_input=secret
        )
        return answer.strip() or None

    def confirm(self, question: str, given: bool | None, default: bool) -> bool | None:
        if given is not None or not self.interactive:
            return given
        return bool(typer.confirm(question, default=default))


def _refused(failed: ValidationFailed) -> int:
    for error in failed.errors:
        where = f"{error.field}: " if error.field else ""
        console.print(f"[red]✗ {where}{error.message}[/red] ({error.code.value})", soft_wrap=True)
    return 1


def _summary(connection: CrmConnection) -> None:
    table = Table(show_header=False, box=None)
    rows = {
        "CRM": connection.server_url,
        "Status": connection.status.value,
        "CRM version": connection.crm_version or "–",
        "Integration user": str(connection.integration_user_id or "–"),
        "Solution": connection.solution_version if connection.solution_installed else "not installed",
        "Mappings": ", ".join(connection.enabled_mappings or ()) or "–",
        "Item availability": "on" if connection.item_availability_enabled else "off",
        "Sales orders": "on" if connection.sales_order_integration_enabled else "off",
    }
    for name, value in rows.items():
        table.add_row(f"[bold]{name}[/bold]", value)
    console.print(table)


async def _configure(service: ConnectionService, a: Answers, ask: Ask, current: CrmConnection | None) -> None:
    if current is not None and current.is_enabled:
        given = (a.server_url, a.tenant_id, a.client_id, a.client_secret, a.authority_url, a.integration_user)
        changing = True if any(value is not None for value in given) else None
        if not ask.confirm("The connection is enabled. Disable it to change its settings?", changing, True):
            console.print("kept the enabled connection's settings")
            return
        await service.disable()
        console.print("disabled the connection to change its settings")
    keep = current is not None and current.has_client_secret
    connection = await service.configure(
        ConnectionSettings(
            server_url=ask.text("Dynamics 365 URL", a.server_url, current.server_url if current else None)
            or "",
            tenant_id=ask.text("Tenant (GUID or domain)", a.tenant_id, current.tenant_id if current else None)
            or "",
            client_id=ask.text(
                "Client id of Couplet's app", a.client_id, current.client_id if current else None
            )
            or "",
            client_secret=ask.text(
                "Client secret" + (" (Enter keeps the stored one)" if keep else ""),
                a.client_secret,
                secret=True,
            ),
            authority_url=ask.text(
                "Token authority (Enter: Microsoft Entra ID)",
                a.authority_url,
                current.authority_url if current else None,
            ),
            integration_user=ask.text(
                "Integration user (Enter: the app's own user)",
                a.integration_user,
                current.integration_user if current else None,
            ),
        )
    )
    console.print(f"✓ configured {connection.server_url}")


async def _import(service: ConnectionService, a: Answers, ask: Ask, connection: CrmConnection) -> None:
    given = a.import_solution if a.import_solution is not None or a.admin_client_id is None else True
    question = "Import Couplet's solution now? It needs an admin app whose user holds System Administrator"
    if not ask.confirm(question, given, not connection.solution_installed):
        return
    admin = AdminCredentials(
        client_id=ask.text("Admin app's client id", a.admin_client_id) or "",
        client_secret=ask.text(
            "Admin app's client secret (used once, not stored)", a.admin_client_secret, secret=True
        )
        or "",
        tenant_id=a.admin_tenant_id,
    )
    installed = await service.import_solution(admin)
    console.print(f"✓ imported Couplet's solution {installed.solution_version}; integration roles assigned")


async def _enable(
    service: ConnectionService, a: Answers, ask: Ask, connection: CrmConnection
) -> CrmConnection:
    chosen = ask.text("Mappings to enable, comma-separated (Enter: the defaults)", a.mappings)
    availability = a.item_availability
    if connection.solution_installed:
        availability = ask.confirm("Serve item availability to CRM plugins?", availability, True)
    orders = ask.confirm("Enable sales order integration?", a.sales_orders, False)
    user = ask.text("Sales order user (Enter: the integration user)", a.sales_order_user) if orders else None
    options = EnableOptions(
        mappings=tuple(name.strip() for name in chosen.split(",") if name.strip()) if chosen else None,
        item_availability=availability,
        sales_order_integration=orders,
        sales_order_user=user,
    )
    enabled = await service.enable(options)
    console.print("✓ enabled")
    return enabled


async def walk(config: Settings, a: Answers, ask: Ask) -> int:
    """Every step in turn; 0 when they all passed, 1 at the first that did not."""
    container = bootstrap(config)
    service = container.connection
    try:
        await _configure(service, a, ask, await service.get())
        tested = await service.test()
        if tested.last_error:
            console.print(f"[red]✗ connection test failed: {tested.last_error}[/red]", soft_wrap=True)
            return 1
        console.print(f"✓ connected to Dynamics 365 {tested.crm_version}")
        await _import(service, a, ask, tested)
        connection = await service.get() or tested
        if ask.confirm("Enable the connection now?", a.enable, True) is not False:
            connection = await _enable(service, a, ask, connection)
        _summary(connection)
        return 0
    except ValidationFailed as failed:
        return _refused(failed)
    finally:
        await container.close()


def setup(
    server_url: str | None = typer.Option(None, "--server-url", help="https://<org>.crm4.dynamics.com"),
    tenant_id: str | None = typer.Option(None, "--tenant-id", help="Microsoft Entra tenant (GUID or domain)"),
    client_id: str | None = typer.Option(None, "--client-id", help="Couplet's app registration"),
    client_secret: str | None = typer.Option(None, "--client-secret", envvar=SECRET_ENV, help="Its secret"),
    authority_url: str | None = typer.Option(None, "--authority-url", help="Default: Microsoft Entra ID"),
    integration_user: str | None = typer.Option(None, "--integration-user", help="Email, domain name or id"),
    import_solution: bool | None = typer.Option(
        None, "--import-solution/--no-import-solution", help="Default: when an admin client id is given"
    ),
    admin_client_id: str | None = typer.Option(
        None, "--admin-client-id", help="App holding System Administrator"
    ),
    admin_client_secret: str | None = typer.Option(
        None, "--admin-client-secret", envvar=ADMIN_SECRET_ENV, help="Used once, never stored"
    ),
    admin_tenant_id: str | None = typer.Option(None, "--admin-tenant-id", help="Default: the connection's"),
    enable: bool | None = typer.Option(None, "--enable/--no-enable", help="Enable at the end (default: yes)"),
    mappings: str | None = typer.Option(None, "--mappings", help="Comma-separated mapping names"),
    item_availability: bool | None = typer.Option(None, "--item-availability/--no-item-availability"),
    sales_orders: bool | None = typer.Option(None, "--sales-orders/--no-sales-orders"),
    sales_order_user: str | None = typer.Option(
        None, "--sales-order-user", help="Default: the integration user"
    ),
    non_interactive: bool = typer.Option(False, "--non-interactive", help="Never prompt"),
    database_url: str | None = DatabaseOption,
) -> None:
    """Set up the CRM connection: configure, test, import Couplet's solution, enable.
    Secrets can come from COUPLET_SETUP_CLIENT_SECRET / COUPLET_SETUP_ADMIN_CLIENT_SECRET."""
    config = settings(database_url)
    ensure_schema(config)
    answers = Answers(
        server_url,
        tenant_id,
        client_id,
        client_secret,
        authority_url,
        integration_user,
        import_solution,
        admin_client_id,
        admin_client_secret,
        admin_tenant_id,
        enable,
        mappings,
        item_availability,
        sales_orders,
        sales_order_user,
    )
    raise typer.Exit(run(walk(config, answers, Ask(interactive=not non_interactive))))
