"""A resolved document → all its records, each a named graph: the document, events, mentions."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from lod.ingest.document import ResolvedDocument
from lod.model.annotation import annotation_graph
from lod.model.document import document_graph
from lod.model.event import event_graph
from lod.uris import Uris


@dataclass(frozen=True)
class Record:
    """One published record: its kind, slug and graph."""

    kind: str
    slug: str
    graph: Graph


def document_records(doc: ResolvedDocument, uris: Uris) -> list[Record]:
    """The records one page yields, the document first."""
    event_slugs = [f"{doc.slug}-event-{n}" for n in range(1, len(doc.events) + 1)]
    document_iri = uris.thing("document", doc.slug)
    records = [
        Record(
            "document",
            doc.slug,
            document_graph(doc, uris, [uris.thing("event", s) for s in event_slugs]),
        )
    ]
    for event, slug in zip(doc.events, event_slugs, strict=True):
        records.append(Record("event", slug, event_graph(event, slug, document_iri, uris)))
    for n, mention in enumerate(doc.mentions, start=1):
        part = doc.part_of(mention.start)
        slug = f"{doc.slug}-mention-{n}"
        source = uris.part("document", doc.slug, part.fragment)
        records.append(Record("annotation", slug, annotation_graph(mention, slug, source, part.span, uris)))
    return records
