"""A mention → a Web Annotation record whose target selects the quote in the document's text."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from lod.ingest.names import Mention
from lod.sources.record import Span
from lod.uris import Uris
from lod.vocab import OA, RDF, RDFS

CONTEXT = 32


def annotation_graph(mention: Mention, slug: str, source: str, text: Span, uris: Uris) -> Graph:
    """``oa:Annotation`` → body the entity; target the source text, by quote and by position.

    Positions are character offsets into the source's ``crm:P190_has_symbolic_content``.
    """
    graph = Graph()
    me = URIRef(uris.thing("annotation", slug))
    target = URIRef(uris.part("annotation", slug, "target"))
    quote = URIRef(uris.part("annotation", slug, "quote"))
    position = URIRef(uris.part("annotation", slug, "position"))
    start = mention.start - text.start
    end = mention.end - text.start
    graph.add((me, RDF.type, OA.Annotation))
    graph.add((me, RDFS.label, Literal(f"“{mention.quote}” names {mention.authority.label}")))
    graph.add((me, OA.motivatedBy, OA.identifying))
    graph.add((me, OA.hasBody, URIRef(mention.authority.iri)))
    graph.add((me, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, URIRef(source)))
    graph.add((target, OA.hasSelector, quote))
    graph.add((target, OA.hasSelector, position))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(mention.quote)))
    graph.add((quote, OA.prefix, Literal(text.text[max(0, start - CONTEXT) : start])))
    graph.add((quote, OA.suffix, Literal(text.text[end : end + CONTEXT])))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    # xsd:integer, not the nonNegativeInteger of the Web Annotation context: stores such as
    # Oxigraph normalise derived integer types, and what we serve must be what we wrote.
    graph.add((position, OA.start, Literal(start)))
    graph.add((position, OA.end, Literal(end)))
    return graph
