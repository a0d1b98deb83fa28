"""HTML pages for historians: rendered on the server with Jinja (autoescaped), no JavaScript.

Each page embeds its Linked Art JSON-LD and a schema.org description for search engines.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lod.store.backend import Store
from lod.store.queries import Mention, Queryable, contents, events_of, mentions_in, mentions_of, related
from lod.uris import Uris, ascii_fold
from lod.vocab import CRM, LA, OA, RDF, RDFS, SKOS

TEMPLATES = Path(__file__).parent / "templates"
KIND_TITLES = {
    "document": "Documents",
    "person": "People",
    "group": "Groups",
    "place": "Places",
    "event": "Events",
    "concept": "Concepts",
    "annotation": "Mentions",
}
_SCHEMA_TYPES = {
    "person": "Person",
    "group": "Organization",
    "place": "Place",
    "document": "ArchiveComponent",
    "event": "Event",
}


@dataclass
class Graph:
    """The triples of one record, indexed by subject and predicate, values as strings."""

    values: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    @classmethod
    def of(cls, triples: list[ox.Triple]) -> Graph:
        graph = cls()
        for t in triples:
            if isinstance(t.subject, ox.NamedNode) and not isinstance(t.object, ox.Triple):
                graph.values[t.subject.value][t.predicate.value].append(str(t.object.value))
        return graph

    def all(self, subject: str, predicate: Any) -> list[str]:
        return list(self.values.get(subject, {}).get(str(predicate), []))

    def one(self, subject: str, predicate: Any) -> str | None:
        found = self.all(subject, predicate)
        return found[0] if found else None

    def label(self, iri: str) -> str:
        return self.one(iri, RDFS.label) or iri.rsplit("/", 1)[-1]


def _fold(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(re.sub(r"\[sic[^\]]*\]", "", text, flags=re.I)).lower()))


def sentence_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The sentence holding ``text[start:end]``, as (before, quote, after).

    >>> sentence_around("He left. Then Nam Il came in. It rained.", 14, 20)
    ('Then ', 'Nam Il', ' came in.')
    """
    dot = text.rfind(". ", 0, start)
    left = max(dot + 2 if dot != -1 else 0, text.rfind("\n", 0, start) + 1, start - 240, 0)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min([*(i + 1 for i in stops), end + 240, len(text)])
    return text[left:start], text[start:end], text[end:right]


class Pages:
    """Renders the HTML of records, lists and the landing page."""

    def __init__(self, store: Store, uris: Uris) -> None:
        self.store = store
        self.uris = uris
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
        self.env.globals.update(uris=uris, kinds=KIND_TITLES, local=self.local)

    def local(self, iri: str) -> str:
        """A link to an IRI under the base, as a path on this server (others unchanged)."""
        return iri[len(self.uris.base) - 1 :] if iri.startswith(self.uris.base) else iri

    def render(self, template: str, **context: Any) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    def record(self, kind: str, slug: str, triples: list[ox.Triple], document: dict[str, Any]) -> bytes:
        graph = Graph.of(triples)
        iri = self.uris.thing(kind, slug)
        context: dict[str, Any] = {
            "kind": kind,
            "slug": slug,
            "iri": iri,
            "label": graph.label(iri),
            "jsonld": document,
            "alternates": [(f, self.uris.data(kind, slug, f)) for f in ("jsonld", "ttl", "nt", "nq", "rdf")],
        }
        store, _ = self.store.current()
        gather = {
            "document": self._document,
            "event": self._event,
            "concept": self._concept,
            "annotation": self._annotation,
        }.get(kind, self._entity)
        context.update(gather(store, graph, iri))
        context["schema_org"] = self._schema_org(kind, iri, graph, context)
        return self.render(
            f"{kind if kind in ('document', 'event', 'concept', 'annotation') else 'entity'}.html", **context
        )

    def _names(self, graph: Graph, iri: str) -> list[dict[str, Any]]:
        names = []
        for name in graph.all(iri, CRM.P1_is_identified_by):
            kind = graph.label(graph.one(name, CRM.P2_has_type) or "")
            names.append({"iri": name, "content": graph.one(name, CRM.P190_has_symbolic_content) or "", "type": kind})
        return sorted(names, key=lambda n: (n["type"] != "primary name", n["content"]))

    def _notes(self, graph: Graph, iri: str) -> list[str]:
        return [graph.one(n, CRM.P190_has_symbolic_content) or "" for n in graph.all(iri, CRM.P67i_is_referred_to_by)]

    def _refs(self, graph: Graph, iri: str, predicate: Any) -> list[tuple[str, str]]:
        return sorted(((o, graph.label(o)) for o in graph.all(iri, predicate)), key=lambda r: r[1])

    def _entity(self, store: Queryable, graph: Graph, iri: str) -> dict[str, Any]:
        names = self._names(graph, iri)
        mentions = mentions_of(store, iri)
        texts = contents(store, [m.source for m in mentions])
        by_document: dict[str, list[dict[str, Any]]] = defaultdict(list)
        spelled: dict[str, set[str]] = defaultdict(set)
        shown: set[tuple[str, int]] = set()
        for m in mentions:
            document = m.source.split("#", 1)[0]
            spelled[_fold(m.exact)].add(document)
            before, quote, after = sentence_around(texts.get(m.source, ""), m.start, m.end)
            if (m.source, m.start - len(before)) in shown:
                continue  # one quote per sentence
            shown.add((m.source, m.start - len(before)))
            by_document[document].append({"before": before, "quote": quote, "after": after, "anchor": self._anchor(m)})
        documents = related(store, "documents", iri)
        known = {_fold(n["content"]) for n in names}
        for name in names:
            name["documents"] = sorted(spelled.get(_fold(name["content"]), set()))
        printed = sorted({m.exact for m in mentions if _fold(m.exact) not in known})
        return {
            "names": names,
            "printed": printed,
            "notes": self._notes(graph, iri),
            "member_of": self._refs(graph, iri, CRM.P107i_is_current_or_former_member_of),
            "members": [(i.iri, i.label) for i in related(store, "members", iri)],
            "within": self._refs(graph, iri, CRM.P89_falls_within),
            "equivalents": sorted(set(graph.all(iri, LA.equivalent)) | set(graph.all(iri, SKOS.exactMatch))),
            "timeline": events_of(store, iri),
            "documents": [(d.iri, d.label, by_document.get(d.iri, [])) for d in documents],
            "labels": {d.iri: d.label for d in documents},
        }

    def _anchor(self, mention: Mention) -> str:
        document = mention.source.split("#", 1)[0]
        slug = mention.annotation.rsplit("/", 1)[-1]
        return f"{self.local(document).replace('/id/', '/data/', 1)}.html#{slug}"

    def _document(self, store: Queryable, graph: Graph, iri: str) -> dict[str, Any]:
        creation = graph.one(iri, CRM.P94i_was_created_by) or ""
        span = graph.one(creation, CRM["P4_has_time-span"]) or ""
        text_iri = f"{iri}#text"
        translation = graph.one(text_iri, CRM.P94i_was_created_by) or ""
        mentions = mentions_in(store, iri)
        parts = {
            name: self._highlight(
                graph.one(f"{iri}#{name}", CRM.P190_has_symbolic_content) or "",
                [m for m in mentions if m.source == f"{iri}#{name}"],
            )
            for name in ("title", "text", "summary")
        }
        statements = {
            graph.label(graph.one(s, CRM.P2_has_type) or ""): graph.one(s, CRM.P190_has_symbolic_content) or ""
            for s in graph.all(iri, CRM.P67i_is_referred_to_by)
        }
        citations = [
            graph.one(i, CRM.P190_has_symbolic_content) or ""
            for i in graph.all(iri, CRM.P1_is_identified_by)
            if "#citation-" in i
        ]
        translators = [graph.label(t) for t in graph.all(translation, CRM.P14_carried_out_by)]
        commissioned = [graph.label(t) for t in graph.all(translation, CRM.P17_was_motivated_by)]
        date = graph.one(span, RDFS.label) or ""
        title = graph.label(iri)
        cite = f'"{title}," {date}, History and Public Policy Program Digital Archive, {"; ".join(citations)}.'
        if translators:
            cite += f" Translated{' for ' + commissioned[0] if commissioned else ''} by {' and '.join(translators)}."
        events = [(e, graph.label(e)) for e in graph.all(iri, CRM.P70_documents)]
        return {
            "date": date,
            "types": [graph.label(t) for t in graph.all(iri, CRM.P2_has_type)],
            "authors": self._refs(graph, creation, CRM.P14_carried_out_by),
            "translators": self._refs(graph, translation, CRM.P14_carried_out_by),
            "commissioned": self._refs(graph, translation, CRM.P17_was_motivated_by),
            "funders": self._refs(graph, f"{iri}#funding", CRM.P67_refers_to),
            "citations": citations,
            "cite": cite,
            "record_ids": [
                graph.one(i, CRM.P190_has_symbolic_content)
                for i in graph.all(iri, CRM.P1_is_identified_by)
                if i.endswith(("#record-id", "#record-url"))
            ],
            "statements": statements,
            "parts": parts,
            "events": sorted(events, key=lambda e: e[0]),
            "about": self._refs(graph, iri, CRM.P129_is_about),
        }

    def _highlight(self, text: str, mentions: list[Mention]) -> list[list[dict[str, str]]]:
        """Paragraphs of segments: plain text, or a mention linked to its entity."""
        segments: list[dict[str, str]] = []
        position = 0
        for m in sorted(mentions, key=lambda m: m.start):
            if m.start < position:
                continue
            segments.append({"text": text[position : m.start]})
            segments.append(
                {
                    "text": text[m.start : m.end],
                    "href": self.local(m.body),
                    "title": m.body_label,
                    "id": m.annotation.rsplit("/", 1)[-1],
                }
            )
            position = m.end
        segments.append({"text": text[position:]})
        paragraphs: list[list[dict[str, str]]] = [[]]
        for segment in segments:
            pieces = segment["text"].split("\n\n")
            for n, piece in enumerate(pieces):
                if n:
                    paragraphs.append([])
                if piece:
                    paragraphs[-1].append({**segment, "text": piece})
        return [p for p in paragraphs if p]

    def _event(self, store: Queryable, graph: Graph, iri: str) -> dict[str, Any]:
        span = graph.one(iri, CRM["P4_has_time-span"]) or ""
        duration = graph.one(iri, CRM.P191_had_duration) or ""
        source = graph.one(iri, CRM.P67i_is_referred_to_by) or ""
        document = graph.one(iri, CRM.P70i_is_documented_in) or ""
        return {
            "types": [graph.label(t) for t in graph.all(iri, CRM.P2_has_type)],
            "date": graph.one(span, RDFS.label),
            "begin": graph.one(span, CRM.P82a_begin_of_the_begin),
            "end": graph.one(span, CRM.P82b_end_of_the_end),
            "duration": graph.one(duration, RDFS.label),
            "initiators": self._refs(graph, iri, CRM.P14_carried_out_by),
            "participants": self._refs(graph, iri, CRM.P11_had_participant),
            "places": self._refs(graph, iri, CRM.P7_took_place_at),
            "source": graph.one(source, CRM.P190_has_symbolic_content),
            "document": (document, graph.label(document)) if document else None,
        }

    def _concept(self, store: Queryable, graph: Graph, iri: str) -> dict[str, Any]:
        return {
            "definition": graph.one(iri, SKOS.definition),
            "schemes": self._refs(graph, iri, SKOS.inScheme),
            "top": self._refs(graph, iri, SKOS.hasTopConcept),
            "matches": graph.all(iri, SKOS.exactMatch),
        }

    def _annotation(self, store: Queryable, graph: Graph, iri: str) -> dict[str, Any]:
        target = graph.one(iri, OA.hasTarget) or ""
        source = graph.one(target, OA.hasSource) or ""
        selectors = graph.all(target, OA.hasSelector)
        quote = next((s for s in selectors if str(OA.TextQuoteSelector) in graph.all(s, RDF.type)), "")
        body = graph.one(iri, OA.hasBody) or ""
        document = source.split("#", 1)[0]
        anchor = f"{self.local(document).replace('/id/', '/data/', 1)}.html#{iri.rsplit('/', 1)[-1]}"
        return {
            "body": (body, graph.label(body)),
            "document": (document, document.rsplit("/", 1)[-1], anchor),
            "prefix": graph.one(quote, OA.prefix),
            "exact": graph.one(quote, OA.exact),
            "suffix": graph.one(quote, OA.suffix),
        }

    def _schema_org(self, kind: str, iri: str, graph: Graph, context: dict[str, Any]) -> dict[str, Any] | None:
        kind_type = _SCHEMA_TYPES.get(kind)
        if kind_type is None:
            return None
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": kind_type,
            "@id": iri,
            "name": context["label"],
            "url": iri,
        }
        if kind in ("person", "group", "place"):
            data["alternateName"] = [n["content"] for n in context["names"] if n["content"] != context["label"]]
            if context["equivalents"]:
                data["sameAs"] = context["equivalents"]
        elif kind == "document":
            data["author"] = [{"@type": "Person", "@id": a, "name": n} for a, n in context["authors"]]
            data["translator"] = [{"@type": "Person", "@id": a, "name": n} for a, n in context["translators"]]
            data["about"] = [{"@id": a, "name": n} for a, n in context["about"]]
            data["dateCreated"] = context["date"]
            data["inLanguage"] = "en"
        elif kind == "event":
            if context["begin"]:
                data["startDate"], data["endDate"] = context["begin"], context["end"]
            data["attendee"] = [{"@id": a, "name": n} for a, n in context["participants"]]
            data["organizer"] = [{"@id": a, "name": n} for a, n in context["initiators"]]
            if context["places"]:
                data["location"] = [{"@type": "Place", "@id": a, "name": n} for a, n in context["places"]]
        return data

    def listing(self, kind: str, items: list[tuple[str, str]], page: int, pages: int, total: int) -> bytes:
        return self.render(
            "list.html", kind=kind, items=items, page=page, pages=pages, total=total, title=KIND_TITLES[kind]
        )

    def index(self, build: dict[str, Any], schema_org: dict[str, Any] | None = None) -> bytes:
        examples = {kind: self.uris.thing(kind, slug) for kind, slug in build.get("examples", {}).items()}
        counts = build.get("kinds", {})
        return self.render("index.html", build=build, examples=examples, counts=counts, schema_org=schema_org)

    def error(self, status: int, title: str, detail: str) -> bytes:
        return self.render("error.html", status=status, title=title, detail=detail)
