"""Dependency order of table mappings: prerequisites first (a DAG, checked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.mappings.model import TableMapping


def find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A dependency cycle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in graph.get(node, ()):
            if state.get(dep) == 1:
                return path[path.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def dependency_order(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """Every node after all its dependencies; ties keep the graph's own order.
    Dependencies outside the graph are ignored (they are not being run)."""
    if (cycle := find_cycle(graph)) is not None:
        raise ValueError("dependency cycle: " + " → ".join(cycle))
    done: list[str] = []
    seen: set[str] = set()

    def place(node: str) -> None:
        if node in seen:
            return
        seen.add(node)
        for dep in graph.get(node, ()):
            if dep in graph:
                place(dep)
        done.append(node)

    for node in graph:
        place(node)
    return done


def effective_dependencies(mapping: TableMapping, mappings: Mapping[str, TableMapping]) -> list[str]:
    """The mappings that must be done before this one: those it declares, and those
    its enabled lookups translate through (a record cannot be written before the
    records it refers to are coupled). Lookups that clear the value when the target
    is not coupled are soft and add nothing (they would make cycles, e.g. a
    customer's primary contact and a contact's customer)."""
    found = list(mapping.depends_on)
    for fm in mapping.fields:
        target = fm.transform.mapping if fm.enabled and fm.transform is not None else None
        if (
            target
            and target != mapping.name
            and target in mappings
            and target not in found
            and not fm.clear_on_failed_lookup
        ):
            found.append(target)
    return found
