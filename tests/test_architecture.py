"""The house's shape, checked: no import cycle between modules, no module past the size we split at.

The layer rules themselves are import-linter contracts in pyproject.toml (`lint-imports`, run by
`make test`); these are the two rules it does not express.
"""

from __future__ import annotations

from pathlib import Path

import grimp

MAX_LINES = 400


def import_cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Every direct import a -> b for which b also reaches a: each is one cycle, shortest chain shown."""
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append((module, *back))
    return cycles


def test_cycle_finder_sees_a_cycle():
    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=a, imported=b)
    assert ("p.a", "p.b", "p.c", "p.a") in import_cycles(graph)
    assert not any(cycle[0] == "p.d" for cycle in import_cycles(graph))


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph("routing", "evals")
    assert import_cycles(graph) == []


def test_no_module_over_the_split_size(repo: Path):
    sizes = {
        str(p.relative_to(repo)): len(p.read_text().splitlines())
        for package in ("routing", "evals")
        for p in (repo / package).rglob("*.py")
    }
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}
