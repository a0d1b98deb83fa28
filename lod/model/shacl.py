"""The SHACL shapes of ``ontology/shapes.ttl`` compiled to SPARQL, to run on the records a build makes.

pyshacl walks an rdflib graph in Python; at a million triples that takes many minutes. Compiled to
one SPARQL query per constraint, the same shapes run in pyoxigraph's engine, on a small in-memory
store of a few files' records at a time (:mod:`lod.store.graphs`). The
compiler supports exactly the constraint components the shapes use and refuses anything else, so
no constraint is silently skipped; tests/test_shacl.py checks it finds what pyshacl finds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from lod.errors import LodError, Violation
from lod.uris import Uris
from lod.vocab import ONTOLOGY_DIR, RDF

SH = Namespace("http://www.w3.org/ns/shacl#")
#: Every quote must be the text of its source between its offsets (which SHACL cannot say).
SELECTOR_CHECK = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
SELECT ?target ?start ?end ?exact WHERE {
    ?target oa:hasSource ?source ; oa:hasSelector ?quote, ?position .
    ?source crm:P190_has_symbolic_content ?content .
    ?quote oa:exact ?exact . ?position oa:start ?start ; oa:end ?end .
    FILTER (SUBSTR(?content, ?start + 1, ?end - ?start) != ?exact)
}"""
_KNOWN = {
    SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.path, SH.minCount, SH.maxCount,
    SH.datatype, SH["class"], SH.nodeKind, SH.minLength, SH.minInclusive, SH.lessThan, SH.lessThanOrEquals,
    SH.node, SH["or"], SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.hasValue,
    SH.message, SH.name, RDF.type,
}  # fmt: skip


class Queryable(Protocol):
    def query(self, query: str) -> Any: ...


@dataclass(frozen=True)
class Check:
    """One compiled constraint: the rule's name, its message, and the SPARQL that finds violations."""

    rule: str
    message: str
    sparql: str


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.names = itertools.count()
        self.checks: list[Check] = []

    def var(self) -> str:
        return f"?v{next(self.names)}"

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if isinstance(node, Literal):
            return node.n3()
        raise LodError(f"shapes: a blank node where a value was expected ({node})")

    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        items = list(Collection(self.g, node))
        if not items or not all(isinstance(i, URIRef) for i in items):
            raise LodError("shapes: only IRI paths and sequences of IRIs are supported")
        return "/".join(f"<{i}>" for i in items)

    def name(self, shape: Node) -> str:
        return str(shape).rsplit("#", 1)[-1] if isinstance(shape, URIRef) else "shape"

    def compile(self) -> list[Check]:
        for shape in sorted(set(self.g.subjects(RDF.type, SH.NodeShape)), key=str):
            targets = self.targets(shape)
            if targets:
                self.node_shape(shape, targets, self.name(shape))
        return self.checks

    def targets(self, shape: Node) -> list[str]:
        found = []
        for cls in self.g.objects(shape, SH.targetClass):
            found.append(f"?this a {self.term(cls)} .")
        for prop in self.g.objects(shape, SH.targetSubjectsOf):
            found.append(f"?this {self.term(prop)} [] .")
        for prop in self.g.objects(shape, SH.targetObjectsOf):
            found.append(f"[] {self.term(prop)} ?this .")
        return found

    def unknown(self, shape: Node) -> None:
        for predicate in set(self.g.predicates(shape)):
            if predicate not in _KNOWN:
                raise LodError(f"shapes: {predicate} is not supported by the compiler (shape {self.name(shape)})")

    def add(
        self, rule: str, shape: Node, focus: list[str], where: str, select: str = "?this ?value", tail: str = ""
    ) -> None:
        message = str(self.g.value(shape, SH.message) or f"violates {rule}")
        for pattern in focus:
            self.checks.append(Check(rule, message, f"SELECT DISTINCT {select} WHERE {{ {pattern} {where} }} {tail}"))

    def count(self, rule: str, prop: Node, focus: list[str], where: str, having: str) -> None:
        self.add(rule, prop, focus, where, "?this (COUNT(DISTINCT ?x) AS ?value)", f"GROUP BY ?this HAVING ({having})")

    def node_shape(self, shape: Node, focus: list[str], rule: str) -> None:
        """Constraints on the focus node itself, then its property shapes."""
        self.unknown(shape)
        for cls in self.g.objects(shape, SH["class"]):
            self.add(rule, shape, focus, f"FILTER NOT EXISTS {{ ?this a {self.term(cls)} }} BIND(?this AS ?value)")
        for kind in self.g.objects(shape, SH.nodeKind):
            self.add(rule, shape, focus, f"FILTER (!{self.node_kind(kind, '?this')}) BIND(?this AS ?value)")
        for members in self.g.objects(shape, SH["or"]):
            tests = [self.satisfies(m, "?this") for m in Collection(self.g, members)]
            self.add(
                rule, shape, focus, " ".join(f"FILTER NOT EXISTS {{ {t} }}" for t in tests) + " BIND(?this AS ?value)"
            )
        for prop in self.g.objects(shape, SH.property):
            self.property_shape(prop, focus, rule)

    def node_kind(self, kind: Node, var: str) -> str:
        return {SH.IRI: f"isIRI({var})", SH.Literal: f"isLiteral({var})", SH.BlankNode: f"isBlank({var})"}[kind]  # type: ignore[index]

    def satisfies(self, shape: Node, var: str) -> str:
        """A graph pattern true when ``var`` conforms to a small shape (sh:or members, qualified shapes)."""
        self.unknown(shape)
        parts = []
        for cls in self.g.objects(shape, SH["class"]):
            parts.append(f"{var} a {self.term(cls)} .")
        path = self.g.value(shape, SH.path)
        if path is not None:
            value = self.g.value(shape, SH.hasValue)
            if value is not None:
                parts.append(f"{var} {self.path(path)} {self.term(value)} .")
            elif self.g.value(shape, SH.minCount) is not None:
                parts.append(f"{var} {self.path(path)} [] .")
        for prop in self.g.objects(shape, SH.property):
            parts.append(self.satisfies(prop, var))
        if not parts:
            raise LodError(f"shapes: an sh:or or qualified shape the compiler cannot express ({shape})")
        return " ".join(parts)

    def bounds(
        self,
        rule: str,
        prop: Node,
        focus: list[str],
        path: str,
        low: Node | None,
        high: Node | None,
        test: Callable[[str], str] = lambda var: "",
    ) -> None:
        """Least and most values on ``path`` (that pass ``test``, for a qualified shape). A bound of 1
        is checked without grouping: a group per focus node holds every node of the class in memory
        (75 MB at 10,000 documents for the selectors of every annotation, growing with the corpus)."""
        if low is not None and _int(low) == 1:
            self.add(rule, prop, focus, f"FILTER NOT EXISTS {{ ?this {path} ?x . {test('?x')} }} BIND(0 AS ?value)")
        elif low is not None:
            where = f"OPTIONAL {{ ?this {path} ?x . {test('?x')} }}"
            self.count(rule, prop, focus, where, f"COUNT(DISTINCT ?x) < {_int(low)}")
        if high is not None and _int(high) == 1:
            pair = f"?this {path} ?x, ?y . {test('?x')} {test('?y')} FILTER (!sameTerm(?x, ?y))"
            self.add(rule, prop, focus, f'{pair} BIND("2 or more" AS ?value)')
        elif high is not None:
            self.count(rule, prop, focus, f"?this {path} ?x . {test('?x')}", f"COUNT(DISTINCT ?x) > {_int(high)}")

    def property_shape(self, prop: Node, focus: list[str], owner: str) -> None:
        self.unknown(prop)
        path = self.path(self.g.value(prop, SH.path))  # type: ignore[arg-type]
        local = str(list(Collection(self.g, p))[-1] if isinstance(p := self.g.value(prop, SH.path), BNode) else p)
        rule = f"{owner}/{local.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}"
        v = "?value"
        self.bounds(rule, prop, focus, path, self.g.value(prop, SH.minCount), self.g.value(prop, SH.maxCount))
        for datatype in self.g.objects(prop, SH.datatype):
            self.add(
                rule,
                prop,
                focus,
                f"?this {path} {v} . FILTER (!isLiteral({v}) || datatype({v}) != {self.term(datatype)})",
            )
        for cls in self.g.objects(prop, SH["class"]):
            self.add(rule, prop, focus, f"?this {path} {v} . FILTER NOT EXISTS {{ {v} a {self.term(cls)} }}")
        for kind in self.g.objects(prop, SH.nodeKind):
            self.add(rule, prop, focus, f"?this {path} {v} . FILTER (!{self.node_kind(kind, v)})")
        if (n := self.g.value(prop, SH.minLength)) is not None:
            self.add(rule, prop, focus, f"?this {path} {v} . FILTER (STRLEN(STR({v})) < {_int(n)})")
        if (n := self.g.value(prop, SH.minInclusive)) is not None:
            self.add(rule, prop, focus, f"?this {path} {v} . FILTER (!({v} >= {self.term(n)}))")
        for other, test in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
            for second in self.g.objects(prop, other):
                self.add(rule, prop, focus, f"?this {path} {v} ; {self.term(second)} ?w . FILTER (!({v} {test} ?w))")
        for value in self.g.objects(prop, SH.hasValue):
            self.add(
                rule, prop, focus, f"FILTER NOT EXISTS {{ ?this {path} {self.term(value)} }} BIND(?this AS ?value)"
            )
        for members in self.g.objects(prop, SH["or"]):
            tests = [self.satisfies(m, v) for m in Collection(self.g, members)]
            self.add(
                rule, prop, focus, f"?this {path} {v} . " + " ".join(f"FILTER NOT EXISTS {{ {t} }}" for t in tests)
            )
        if (qualified := self.g.value(prop, SH.qualifiedValueShape)) is not None:
            low, high = self.g.value(prop, SH.qualifiedMinCount), self.g.value(prop, SH.qualifiedMaxCount)

            def passes(var: str) -> str:  # as a pattern, Oxigraph may start from every node of the class
                return f"FILTER EXISTS {{ {self.satisfies(qualified, var)} }}"

            self.bounds(rule, prop, focus, path, low, high, passes)
        inner = self.var()
        nested = [f"{f.replace('?this', inner)} {inner} {path} ?this ." for f in focus]
        for node in self.g.objects(prop, SH.node):
            self.node_shape(node, nested, f"{owner}/{self.name(node)}")
        for value_property in self.g.objects(prop, SH.property):
            self.property_shape(value_property, nested, rule)


def _int(value: Node) -> int:
    if not isinstance(value, Literal):
        raise LodError(f"shapes: a count must be a number, not {value}")
    return int(value.toPython())


def shapes_path() -> Path:
    """The shapes file in ``ontology/``."""
    return ONTOLOGY_DIR / "shapes.ttl"


def compile_shapes(base: str, path: Path | None = None) -> list[Check]:
    """Every constraint of the shapes file as a SPARQL query (relative IRIs resolved against ``base``)."""
    shapes = Graph().parse(path or shapes_path(), format="turtle", publicID=base)
    return _Compiler(shapes).compile()


def violations(store: Queryable, checks: list[Check]) -> Iterator[tuple[Check, str, str]]:
    """(check, focus node, offending value) for every violation in the store's default graph."""
    for check in checks:
        for solution in store.query(check.sparql):
            value = solution["value"]
            yield check, str(solution["this"].value), "" if value is None else str(value.value)


def validate(store: Queryable, uris: Uris, checks: list[Check]) -> list[Violation]:
    """Every SHACL violation and every quote that is not the text at its offsets, by record."""
    problems = []

    def owner(iri: str) -> str:
        found = uris.record_of(iri)
        return f"{found[0]}/{found[1]}" if found else iri

    for check, focus, value in violations(store, checks):
        where = f" (at <{focus}>{f', value {value}' if value else ''})"
        problems.append(Violation(owner(focus), check.rule, check.message + where))
    for solution in store.query(SELECTOR_CHECK):
        start, end, exact = (solution[n].value for n in ("start", "end", "exact"))
        message = f"the text at {start}-{end} is not the quote {exact!r}"
        problems.append(Violation(owner(solution["target"].value), "Target/selectors", message))
    return sorted(set(problems), key=lambda v: (v.record, v.rule, v.message))
