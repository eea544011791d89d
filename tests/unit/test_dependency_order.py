"""Mapping dependencies: prerequisites first, cycles named."""

from __future__ import annotations

import pytest

from domain.mappings.dag import dependency_order, find_cycle
from domain.mappings.defaults import DEFAULT_MAPPINGS


def test_defaults_run_prerequisites_first() -> None:
    order = dependency_order({m.name: m.depends_on for m in DEFAULT_MAPPINGS})
    for mapping in DEFAULT_MAPPINGS:
        for dependency in mapping.depends_on:
            assert order.index(dependency) < order.index(mapping.name), (dependency, mapping.name)


def test_independent_mappings_keep_their_order() -> None:
    assert dependency_order({"B": [], "A": [], "C": ["A"]}) == ["B", "A", "C"]


def test_dependencies_outside_the_set_are_ignored() -> None:
    assert dependency_order({"CONTACT": ["CUSTOMER"]}) == ["CONTACT"]


def test_a_cycle_is_named_and_refused() -> None:
    graph = {"A": ["B"], "B": ["C"], "C": ["A"], "D": []}
    assert find_cycle(graph) == ["A", "B", "C", "A"]
    with pytest.raises(ValueError, match="A → B → C → A"):
        dependency_order(graph)
