"""The rooms and what each may import (README "Layout"): the domain imports no
adapter, no API module and no framework; the GraphQL resolvers, the webhooks and
the scheduler reach the database only through services and read models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("sqlalchemy", "strawberry", "fastapi", "starlette", "redis", "arq", "httpx", "pydantic")


def imported(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-local imports count)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        bad = sorted(n for n in imported(path) if n.split(".")[0] in forbidden)
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def modules(*places: str) -> list[Path]:
    paths: list[Path] = []
    for place in places:
        target = ROOT / place
        paths += sorted(target.rglob("*.py")) if target.is_dir() else [target] if target.exists() else []
    return paths


def test_the_domain_imports_no_adapter_api_or_framework() -> None:
    assert offending(modules("domain"), ("adapters", "api", *FRAMEWORKS)) == {}


@pytest.mark.parametrize(
    "place", ["api/graphql", "api/webhooks.py", "api/context.py", "domain/sync/scheduler.py"]
)
def test_the_front_door_imports_no_adapter(place: str) -> None:
    paths = modules(place)
    assert paths, f"{place} is gone: point the test at where it moved"
    assert offending(paths, ("adapters",)) == {}


def test_the_check_sees_an_adapter_import(tmp_path: Path) -> None:
    module = tmp_path / "resolver.py"
    module.write_text("def f():\n    from adapters.db.engine import Database\n    return Database\n")
    assert imported(module) == {"adapters.db.engine"}
