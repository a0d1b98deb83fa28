"""Validation of records against the SHACL shapes in ``ontology/shapes.ttl``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

from lod.errors import Violation
from lod.model.records import Record
from lod.uris import Uris
from lod.vocab import CRM, OA, ONTOLOGY_DIR, RDF

SH = Namespace("http://www.w3.org/ns/shacl#")


def shapes_path() -> Path:
    """The shapes file in ``ontology/``."""
    return ONTOLOGY_DIR / "shapes.ttl"


def validate(records: Iterable[Record], uris: Uris, shapes: Path | None = None) -> list[Violation]:
    """Every SHACL violation in the union of the records, each naming its record and rule."""
    records = list(records)
    data = Graph()
    for record in records:
        data += record.graph
    selector_problems = check_selectors(data, uris)
    shapes_graph = Graph().parse(shapes or shapes_path(), format="turtle", publicID=uris.base)
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes_graph, inference="none", advanced=True, allow_warnings=True
    )
    violations = selector_problems
    if conforms:
        return violations
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        found = uris.record_of(str(focus)) if focus is not None else None
        owner = f"{found[0]}/{found[1]}" if found else str(focus)
        rule = _rule(
            shapes_graph,
            results.value(result, SH.sourceShape),
            results.value(result, SH.resultPath),
        )
        message = str(results.value(result, SH.resultMessage) or "violates the shape")
        value = results.value(result, SH.value)
        where = f" (at <{focus}>{f', value {value}' if value is not None else ''})"
        violations.append(Violation(owner, rule, message + where))
    return sorted(violations, key=lambda v: (v.record, v.rule, v.message))


def check_selectors(data: Graph, uris: Uris) -> list[Violation]:
    """Each quote selector's text is the text at its position selector's offsets in the source."""
    problems = []
    for target in data.subjects(RDF.type, OA.SpecificResource):
        source = data.value(target, OA.hasSource)
        content = data.value(source, CRM.P190_has_symbolic_content) if source is not None else None
        if content is None:
            continue
        exact = start = end = None
        for selector in data.objects(target, OA.hasSelector):
            exact = data.value(selector, OA.exact) or exact
            start = data.value(selector, OA.start) or start
            end = data.value(selector, OA.end) or end
        if exact is None or start is None or end is None:
            continue
        try:
            printed: str | None = str(content)[int(str(start)) : int(str(end))]
        except ValueError:
            printed = None
        if printed != str(exact):
            found = uris.record_of(str(target))
            record = f"{found[0]}/{found[1]}" if found else str(target)
            problems.append(
                Violation(
                    record,
                    "Target/selectors",
                    f"text at {start}-{end} of <{source}> is {printed!r}, not the quote {str(exact)!r}",
                )
            )
    return problems


def _rule(shapes: Graph, shape: Node | None, path: Node | None) -> str:
    """A readable name for the shape that was broken: ``Document`` or ``Event/P11_had_participant``."""
    owner = shape
    if shape is not None and not isinstance(shape, URIRef):
        owner = next(shapes.subjects(SH.property, shape), None) or next(shapes.subjects(SH.sparql, shape), shape)
    name = str(owner).rsplit("#", 1)[-1] if isinstance(owner, URIRef) else "shape"
    if isinstance(path, URIRef):
        name += "/" + str(path).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return name
