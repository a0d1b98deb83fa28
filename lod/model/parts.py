"""Small CIDOC-CRM building blocks shared by the record builders: texts, names, time-spans."""

from __future__ import annotations

import calendar

from rdflib import Graph, Literal, URIRef

from lod.ingest.timespan import day_bounds
from lod.vocab import CRM, RDF, RDFS, XSD


def statement(graph: Graph, iri: URIRef, content: str, kind: URIRef, label: str | None = None) -> URIRef:
    """A linguistic object with content and a type (a summary, a note, a rights statement)."""
    graph.add((iri, RDF.type, CRM.E33_Linguistic_Object))
    graph.add((iri, CRM.P190_has_symbolic_content, Literal(content)))
    graph.add((iri, CRM.P2_has_type, kind))
    if label:
        graph.add((iri, RDFS.label, Literal(label)))
    return iri


def identifier(graph: Graph, iri: URIRef, content: str, kind: URIRef) -> URIRef:
    """An E42 identifier with its content and type."""
    graph.add((iri, RDF.type, CRM.E42_Identifier))
    graph.add((iri, CRM.P190_has_symbolic_content, Literal(content)))
    graph.add((iri, CRM.P2_has_type, kind))
    return iri


def bounds(iso_date: str) -> tuple[str, str]:
    """First and last second covered by an ISO date of day, month or year precision."""
    if len(iso_date) == 10:
        return day_bounds(iso_date)
    if len(iso_date) == 7:
        year, month = int(iso_date[:4]), int(iso_date[5:])
        last = calendar.monthrange(year, month)[1]
        return f"{iso_date}-01T00:00:00", f"{iso_date}-{last:02d}T23:59:59"
    return f"{iso_date}-01-01T00:00:00", f"{iso_date}-12-31T23:59:59"


def time_span(graph: Graph, iri: URIRef, iso_date: str, label: str) -> URIRef:
    """An E52 time-span covering a date, with an inclusive end, labelled as printed."""
    begin, end = bounds(iso_date)
    graph.add((iri, RDF.type, CRM["E52_Time-Span"]))
    graph.add((iri, RDFS.label, Literal(label)))
    graph.add((iri, CRM.P82a_begin_of_the_begin, Literal(begin, datatype=XSD.dateTime)))
    graph.add((iri, CRM.P82b_end_of_the_end, Literal(end, datatype=XSD.dateTime)))
    return iri
