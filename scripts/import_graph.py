"""The import graph of app/ and jobs/: module-level cycles, and the imports hidden in functions.

    .venv/bin/python scripts/import_graph.py            # report; exit 1 on a module-level cycle
    .venv/bin/python scripts/import_graph.py --hidden   # also list every function-level import

A function-level import is how a cycle hides: the cycle is still there, only deferred. The test
tests/unit/test_import_graph.py keeps app/ and jobs/ free of module-level cycles, and counts
what hides in functions, with each one's reason in a comment next to it.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "jobs")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _targets(node: ast.Import | ast.ImportFrom, here: str, known: set[str]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = here.split(".")[: -node.level] if node.level else []
            base = ".".join([*package, base] if base else package)
        # `from app import clock` imports the module app.clock; `from app.x import f` imports app.x.
        names = [f"{base}.{alias.name}" for alias in node.names]
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != here:
            yield name


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, here: str, known: set[str]) -> tuple[set[str], list[tuple[int, str]]]:
    """(modules imported at module level, [(line, module) imported inside a function])."""
    tree = ast.parse(path.read_text(), str(path))
    top: set[str] = set()
    hidden: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue  # annotations only: not an import at run time
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in set(_targets(child, here, known)):
                    if in_function:
                        hidden.append((child.lineno, target))
                    else:
                        top.add(target)
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            visit(child, inner)

    visit(tree, False)
    return top, hidden


def graph() -> tuple[dict[str, set[str]], dict[str, list[tuple[int, str]]]]:
    found = modules()
    known = set(found)
    edges, hidden = {}, {}
    for name, path in found.items():
        edges[name], hidden[name] = imports(path, name, known)
    # Parent packages are left out: importing app.x runs app/__init__ first, but by then the
    # package is in sys.modules, so that never makes a cycle.
    return edges, hidden


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def connect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", action="store_true", help="list function-level imports")
    args = parser.parse_args()
    edges, hidden = graph()
    found = cycles(edges)
    total_hidden = sum(len(v) for v in hidden.values())
    print(f"{len(edges)} modules, {sum(len(v) for v in edges.values())} module-level imports")
    print(f"module-level cycles: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    print(f"imports inside functions: {total_hidden}")
    if args.hidden:
        for name, items in sorted(hidden.items()):
            for line, target in items:
                print(f"  {name}:{line} -> {target}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
