"""A resolved document → its record graph (``crm:E31_Document`` and ``crm:E33_Linguistic_Object``)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from lod.ingest.document import ResolvedDocument
from lod.model.parts import identifier, statement, time_span
from lod.uris import Uris, slugify
from lod.vocab import CRM, RDF, RDFS

_LANGUAGES = {
    "english",
    "russian",
    "korean",
    "chinese",
    "hungarian",
    "german",
    "polish",
    "romanian",
    "ukrainian",
    "albanian",
}


def document_graph(doc: ResolvedDocument, uris: Uris, events: list[str]) -> Graph:
    """The document record: title, identifiers, creation, text, translation, mentions, events."""
    record = doc.record
    graph = Graph()
    me = URIRef(uris.thing("document", doc.slug))

    def part(fragment: str) -> URIRef:
        return URIRef(uris.part("document", doc.slug, fragment))

    def concept(slug: str) -> URIRef:
        return URIRef(uris.concept(slug))

    graph.add((me, RDF.type, CRM.E31_Document))
    graph.add((me, RDF.type, CRM.E33_Linguistic_Object))
    graph.add((me, RDFS.label, Literal(record.title.text)))
    title = part("title")
    graph.add((me, CRM.P102_has_title, title))
    graph.add((title, RDF.type, CRM.E35_Title))
    graph.add((title, CRM.P190_has_symbolic_content, Literal(record.title.text)))
    if record.document_type is not None:
        graph.add((me, CRM.P2_has_type, concept(record.document_type.slug)))
    _identifiers(graph, doc, uris, me, part, concept)
    creation = part("creation")
    graph.add((me, CRM.P94i_was_created_by, creation))
    graph.add((creation, RDF.type, CRM.E65_Creation))
    for author in doc.authors:
        graph.add((creation, CRM.P14_carried_out_by, URIRef(author.iri)))
    graph.add(
        (
            creation,
            CRM["P4_has_time-span"],
            time_span(graph, part("creation-date"), record.date.iso, record.date.printed.text),
        )
    )
    if record.original_language is not None and (lang := slugify(record.original_language.text)) in _LANGUAGES:
        graph.add((me, CRM.P72_has_language, concept(lang)))
    _text(graph, doc, me, part, concept)
    for authority in _unique(m.authority.iri for m in doc.mentions):
        graph.add((me, CRM.P67_refers_to, URIRef(authority)))
    summary_part = next((p for p in doc.parts if p.fragment == "summary"), None)
    if summary_part is not None:
        summary = statement(graph, part("summary"), summary_part.span.text, concept("summary"))
        graph.add((me, CRM.P67i_is_referred_to_by, summary))
        about = [m.authority.iri for m in doc.mentions if summary_part.span.start <= m.start < summary_part.span.end]
        for authority in _unique(about):
            graph.add((me, CRM.P129_is_about, URIRef(authority)))
    if record.rights is not None:
        graph.add(
            (
                me,
                CRM.P67i_is_referred_to_by,
                statement(graph, part("rights"), record.rights.text, concept("rights-statement")),
            )
        )
    if record.funders:
        credit = " and ".join(f.text for f in record.funders)
        funding = statement(graph, part("funding"), credit, concept("funding-statement"))
        graph.add((me, CRM.P67i_is_referred_to_by, funding))
        for funder in doc.funders:
            graph.add((funding, CRM.P67_refers_to, URIRef(funder.iri)))
    for event in events:
        graph.add((me, CRM.P70_documents, URIRef(event)))
    return graph


def _identifiers(graph: Graph, doc: ResolvedDocument, uris: Uris, me: URIRef, part, concept) -> None:  # type: ignore[no-untyped-def]
    record = doc.record
    if record.citation is not None:
        for n, (cited, archive) in enumerate(zip(record.citation.parts, doc.archives, strict=True), start=1):
            iri = identifier(graph, part(f"citation-{n}"), cited.printed.text, concept("archival-citation"))
            graph.add((me, CRM.P1_is_identified_by, iri))
            name = identifier(graph, part(f"citation-{n}-archive"), cited.archive, concept("archive"))
            graph.add((iri, CRM.P106_is_composed_of, name))
            for unit, value in cited.units().items():
                kind = "archive-file" if unit == "file" else unit
                graph.add(
                    (
                        iri,
                        CRM.P106_is_composed_of,
                        identifier(graph, part(f"citation-{n}-{unit}"), value, concept(kind)),
                    )
                )
            if archive is not None:
                assignment = part(f"citation-{n}-assignment")
                graph.add((iri, CRM.P141i_was_assigned_by, assignment))
                graph.add((assignment, RDF.type, CRM.E13_Attribute_Assignment))
                graph.add((assignment, CRM.P14_carried_out_by, URIRef(archive.iri)))
    if record.record_id is not None:
        iri = identifier(graph, part("record-id"), record.record_id.text, concept("record-id"))
        graph.add((me, CRM.P1_is_identified_by, iri))
        if doc.publisher is not None:
            assignment = part("record-id-assignment")
            graph.add((iri, CRM.P141i_was_assigned_by, assignment))
            graph.add((assignment, RDF.type, CRM.E13_Attribute_Assignment))
            graph.add((assignment, CRM.P14_carried_out_by, URIRef(doc.publisher.iri)))
    if record.url is not None:
        graph.add(
            (
                me,
                CRM.P1_is_identified_by,
                identifier(graph, part("record-url"), record.url.text, concept("record-url")),
            )
        )


def _text(graph: Graph, doc: ResolvedDocument, me: URIRef, part, concept) -> None:  # type: ignore[no-untyped-def]
    """The English text the archive publishes, and its translation when the citation names one."""
    text_part = next(p for p in doc.parts if p.fragment == "text")
    text = part("text")
    graph.add((text, RDF.type, CRM.E33_Linguistic_Object))
    graph.add((text, RDFS.label, Literal(f"English text of {doc.record.title.text}")))
    graph.add((text, CRM.P190_has_symbolic_content, Literal(text_part.span.text)))
    graph.add((text, CRM.P72_has_language, concept("english")))
    if doc.record.translators or doc.translators:
        graph.add((me, CRM.P73_has_translation, text))
        graph.add((text, CRM.P73i_is_translation_of, me))
        translation = part("translation")
        graph.add((text, CRM.P94i_was_created_by, translation))
        graph.add((translation, RDF.type, CRM.E65_Creation))
        graph.add((translation, CRM.P2_has_type, concept("translation")))
        for translator in doc.translators:
            graph.add((translation, CRM.P14_carried_out_by, URIRef(translator.iri)))
        if doc.translated_for is not None:
            graph.add((translation, CRM.P17_was_motivated_by, URIRef(doc.translated_for.iri)))
    else:
        graph.add((me, CRM.P106_is_composed_of, text))
    if doc.obtainers:
        obtaining = part("obtaining")
        graph.add((me, CRM.P12i_was_present_at, obtaining))
        graph.add((obtaining, RDF.type, CRM.E7_Activity))
        graph.add((obtaining, CRM.P2_has_type, concept("obtaining")))
        for obtainer in doc.obtainers:
            graph.add((obtaining, CRM.P14_carried_out_by, URIRef(obtainer.iri)))


def _unique(items: object) -> list[str]:
    seen: list[str] = []
    for item in items:  # type: ignore[attr-defined]
        if item not in seen:
            seen.append(item)
    return seen
