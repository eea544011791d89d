"""`couplet`: the command line (typer). Each command group lives in its own module."""

from __future__ import annotations

import typer

from api.cli import crm_simulator, db, demo, keys, schema, serve, setup, sync

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Couplet: ERP ↔ Dynamics 365 Sales integration."
)
app.add_typer(db.app, name="db")
app.add_typer(keys.app, name="keys")
app.add_typer(schema.app, name="schema")
app.add_typer(sync.app, name="sync")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("crm-simulator")(crm_simulator.crm_simulator)
app.command("setup")(setup.setup)


if __name__ == "__main__":
    app()
