"""Graph comparison that prints what is missing and what is extra."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic


def _lines(graph: Graph) -> str:
    return "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in graph))


def assert_isomorphic(graph: Graph, expected: Graph | str | Path, base: str = "http://127.0.0.1:8000/") -> None:
    """Fail, listing missing and extra triples, unless the graphs are isomorphic."""
    if not isinstance(expected, Graph):
        expected = Graph().parse(expected, format="turtle", publicID=base)
    left, right = to_isomorphic(graph), to_isomorphic(expected)
    if left == right:
        return
    _, extra, missing = graph_diff(left, right)
    raise AssertionError(f"graphs differ\nmissing:\n{_lines(missing)}\nextra:\n{_lines(extra)}")
