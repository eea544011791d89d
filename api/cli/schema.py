"""`couplet schema export`: write the GraphQL schema (SDL)."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import console

app = typer.Typer(no_args_is_help=True, help="The GraphQL schema.")


def schema_text() -> str:
    from api.graphql.schema import schema

    return schema.as_str() + "\n"


@app.command()
def export(output: Path = typer.Option(Path("schema.graphql"), "--output", "-o")) -> None:
    """Write the schema to a file ('-' for stdout)."""
    text = schema_text()
    if str(output) == "-":
        print(text, end="")
        return
    output.write_text(text)
    console.print(f"wrote {output}")
