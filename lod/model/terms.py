"""rdflib terms ↔ pyoxigraph terms, and a record's triples in the order it is written."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from lod.model.jsonld import Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_oxigraph(term: Node) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple | ox.DefaultGraph) -> Node:
    """The rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise TypeError(f"not a plain RDF term: {term!r}")


def plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Term:
    """A pyoxigraph term as the plain tuple the JSON-LD writer takes."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("blank", term.value, None, None)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language)
    raise TypeError("RDF-star triples and default graphs are not published")


def record_triples(quads: Iterable[ox.Quad], root: str) -> list[ox.Triple]:
    """A record's triples once each: the record itself first, then its parts, then what it refers to."""

    def rank(triple: ox.Triple) -> tuple[int, str]:
        subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else ""
        return 0 if subject == root else 1 if subject.startswith(root + "#") else 2, str(triple)

    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=rank)
