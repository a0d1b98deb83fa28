"""The read queries the web layer asks of a store: inverse relations, mentions, events, texts.

Each returns plain data (IRIs and literals as strings). They run on the default graph, the merge
of all records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox


class Queryable(Protocol):
    """A store's query side: ``query(sparql)`` on the default graph, pyoxigraph's result types back."""

    def query(self, sparql: str) -> Any: ...


PREFIXES = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: Inverse relations a harvester cannot see in a record: name → (kinds it applies to, pattern).
RELATIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "documents": (("person", "group", "place"), "?item crm:P67_refers_to ?this", "Documents that refer to it"),
    "events": (("person", "group"), "?item crm:P11_had_participant ?this", "Events it took part in"),
    "members": (("group",), "?item crm:P107i_is_current_or_former_member_of ?this", "Its members"),
    "events-here": (("place",), "?item crm:P7_took_place_at ?this", "Events that took place here"),
}


@dataclass(frozen=True)
class Item:
    """A record in a list: its IRI, its Linked Art type and its label."""

    iri: str
    type: str
    label: str


@dataclass(frozen=True)
class Mention:
    """Where a text names an entity: the annotation, the text part, the quote and its offsets."""

    annotation: str
    source: str
    exact: str
    start: int
    end: int
    body: str
    body_label: str


_TYPES = {
    "E31_Document": "LinguisticObject",
    "E21_Person": "Person",
    "E74_Group": "Group",
    "E53_Place": "Place",
    "E7_Activity": "Activity",
    "E5_Event": "Event",
}


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)


def _run(store: Queryable, query: str, **bindings: str) -> list[dict[str, str]]:
    for name, iri in bindings.items():
        query = query.replace(f"?{name}", str(ox.NamedNode(iri)))  # NamedNode validates the IRI
    solutions = store.query(PREFIXES + query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("a SELECT query was expected")
    names = [v.value for v in solutions.variables]
    return [{n: _value(s[n]) for n in names} for s in solutions]


def related(store: Queryable, relation: str, iri: str) -> list[Item]:
    """Records related to ``iri`` by one of :data:`RELATIONS`, sorted by label."""
    _, pattern, _ = RELATIONS[relation]
    rows = _run(
        store,
        f"""SELECT ?item (SAMPLE(?label) AS ?l) (SAMPLE(?class) AS ?c) WHERE {{
            {pattern} . ?item rdfs:label ?label ; a ?class .
            FILTER (STRSTARTS(STR(?class), STR(crm:)))
        }} GROUP BY ?item""",
        this=iri,
    )
    items = [Item(r["item"], _TYPES.get(r["c"].rsplit("/", 1)[-1], "Activity"), r["l"]) for r in rows]
    return sorted(items, key=lambda i: (i.label.lower(), i.iri))


def relation_counts(store: Queryable, kind: str, iri: str) -> dict[str, int]:
    """How many records each applicable inverse relation holds (only non-empty ones)."""
    counts = {}
    for name, (kinds, pattern, _) in RELATIONS.items():
        if kind not in kinds:
            continue
        [row] = _run(store, f"SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {pattern} }}", this=iri)
        if int(row["n"] or 0):
            counts[name] = int(row["n"])
    return counts


def mentions_of(store: Queryable, iri: str) -> list[Mention]:
    """Every annotated mention of an entity, in document order."""
    rows = _run(
        store,
        """SELECT ?a ?source ?exact ?start ?end WHERE {
            ?a oa:hasBody ?this ; oa:hasTarget ?t . ?t oa:hasSource ?source ; oa:hasSelector ?q, ?p .
            ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }""",
        this=iri,
    )
    found = [Mention(r["a"], r["source"], r["exact"], int(r["start"]), int(r["end"]), iri, "") for r in rows]
    return sorted(found, key=lambda m: (m.source, m.start))


def mentions_in(store: Queryable, document: str) -> list[Mention]:
    """Every annotated mention in a document's texts (title, text, summary)."""
    rows = _run(
        store,
        """SELECT ?a ?source ?exact ?start ?end ?body ?label WHERE {
            ?t oa:hasSource ?source . FILTER (STRSTARTS(STR(?source), CONCAT(STR(?this), "#")))
            ?a oa:hasTarget ?t ; oa:hasBody ?body . ?body rdfs:label ?label .
            ?t oa:hasSelector ?q, ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }""",
        this=document,
    )
    found = [
        Mention(r["a"], r["source"], r["exact"], int(r["start"]), int(r["end"]), r["body"], r["label"]) for r in rows
    ]
    return sorted(found, key=lambda m: (m.source, m.start))


def contents(store: Queryable, iris: list[str]) -> dict[str, str]:
    """The symbolic content of each of these text parts."""
    out = {}
    for iri in set(iris):
        rows = _run(store, "SELECT ?c WHERE { ?this crm:P190_has_symbolic_content ?c }", this=iri)
        if rows:
            out[iri] = rows[0]["c"]
    return out


def events_of(store: Queryable, iri: str) -> list[dict[str, str]]:
    """Events an actor took part in, with date, label and document, in date order."""
    rows = _run(
        store,
        """SELECT ?event ?label ?begin ?doc WHERE {
            ?event crm:P11_had_participant ?this ; rdfs:label ?label .
            OPTIONAL { ?event crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?begin }
            OPTIONAL { ?event crm:P70i_is_documented_in ?doc }
        }""",
        this=iri,
    )
    return sorted(rows, key=lambda r: (r["begin"] or "9999", r["label"]))
