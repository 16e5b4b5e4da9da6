"""No import cycles in app/ and jobs/, not even hidden inside functions (scripts/import_graph.py):
a cycle deferred into a function is still a cycle, so the check counts those imports as if they
stood at the top. The one import kept inside a function is the test IdP's (production never
loads it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import import_graph
from scripts.import_graph import cycles, graph

ALLOWED_IN_FUNCTIONS = {("app", "app.testidp")}


def test_no_cycles_counting_imports_inside_functions() -> None:
    edges, hidden = graph()
    assert cycles(edges) == []
    for name, found in hidden.items():
        for _, target in found:
            edges[name].add(target)
    assert cycles(edges) == [], "a cycle hidden behind an import inside a function"


def test_imports_stay_at_the_top() -> None:
    _, hidden = graph()
    inside = {(name, target) for name, found in hidden.items() for _, target in found}
    assert inside <= ALLOWED_IN_FUNCTIONS, sorted(inside - ALLOWED_IN_FUNCTIONS)


def test_the_graph_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself: two modules that import each other are reported, also when one of
    the imports hides in a function."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from app import b\n")
    (package / "b.py").write_text("def f():\n    from app.a import x\n")
    monkeypatch.setattr(import_graph, "ROOT", tmp_path)
    monkeypatch.setattr(import_graph, "PACKAGES", ("app",))
    edges, hidden = graph()
    assert cycles(edges) == [] and hidden["app.b"] == [(2, "app.a")]
    edges["app.b"].add("app.a")
    assert cycles(edges) == [["app.a", "app.b"]]
