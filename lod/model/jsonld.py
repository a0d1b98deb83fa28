"""JSON-LD in the Linked Art 1.0 shape, with every context loaded locally (nothing is fetched).

``@context`` lists our extension context first and the Linked Art context last, as Linked Art
requires. The record's graph is nested from its root: embedded parts (``…#name-1``) and the
``{id, type, _label}`` of referenced records are inlined once each.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

from lod.errors import LodError
from lod.model.compact import Compactor, Context, Unsupported
from lod.uris import Uris
from lod.vocab import ONTOLOGY_DIR

LINKED_ART_CONTEXT = "https://linked.art/ns/v1/linked-art.json"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_FIRST = ("@context", "id", "type", "_label")

#: Where our JSON-LD knowingly departs from the Linked Art 1.0 JSON Schemas, and why. Served at
#: ``/ns/`` (the ``la:localVersion`` of every record) and listed in docs/linked-art.md.
DEVIATIONS: list[dict[str, Any]] = [
    {
        "id": "links",
        "where": "every record",
        "what": "HAL `_links` (self, alternates, versions, inverse relations) sit beside the record; they are "
        "outside the JSON-LD context, so the data expands without them.",
        "keys": ["_links"],
        "on": ["*"],
    },
    {
        "id": "part-ids",
        "where": "embedded parts",
        "what": "names, identifiers, statements, creations, time-spans and dimensions carry their own IRIs "
        "(`…#name-1`): lod publishes no blank nodes, so every part can be cited and dereferenced.",
        "keys": ["id"],
        "on": ["part"],
    },
    {
        "id": "document",
        "where": "documents",
        "what": "a document is both `Document` (crm:E31) and `LinguisticObject` (crm:E33); its title is a "
        "crm:P102 `title`; it `refers_to` (crm:P67) everything it names, `documents` (crm:P70) the "
        "events it narrates and has a `translation` (crm:P73) when the citation names a translator.",
        "keys": ["title", "refers_to", "documents", "translation"],
        "on": ["LinguisticObject"],
        "types": {"Document": None},
    },
    {
        "id": "statements",
        "where": "statements",
        "what": "the funding statement `refers_to` the funders; an event's source passage is `part_of` the "
        "document's text (crm:P106i).",
        "keys": ["refers_to", "part_of"],
        "on": ["LinguisticObject"],
    },
    {
        "id": "event-source",
        "where": "events",
        "what": "an event names the document that documents it (`documented_in`, crm:P70i).",
        "keys": ["documented_in"],
        "on": ["Activity"],
    },
    {
        "id": "equivalents",
        "where": "people, groups and places",
        "what": "equivalents (Wikidata) are given as IRIs, in `equivalent` (la:equivalent) and again as "
        "`exact_match` (skos:exactMatch) for SKOS clients.",
        "keys": ["exact_match", "equivalent"],
        "on": ["Person", "Group", "Place"],
    },
    {
        "id": "skos",
        "where": "concepts",
        "what": "our types are also SKOS concepts (`Concept`, with `pref_label`, `definition`, `in_scheme`, "
        "`top_concept_of`, `exact_match` for AAT) in SKOS concept schemes (`ConceptScheme`, with "
        "`has_top_concept`), for which Linked Art has no class.",
        "keys": ["pref_label", "definition", "in_scheme", "top_concept_of", "has_top_concept", "exact_match"],
        "on": ["Type", "Concept", "ConceptScheme", "Language", "MeasurementUnit"],
        "types": {"Concept": None, "ConceptScheme": "Type"},
    },
    {
        "id": "annotations",
        "where": "mentions",
        "what": "mentions are W3C Web Annotations (`Annotation`), which Linked Art does not describe; they "
        "are not validated against its schemas.",
        "keys": [],
        "on": [],
    },
]


Term = tuple[str, str, str | None, str | None]
"""An RDF term as (kind, value, datatype, language); kind is "iri", "literal" or "blank"."""
Triple = tuple[Term, Term, Term]


@cache
def linked_art_context() -> dict[str, Any]:
    """The Linked Art 1.0 context, as shipped by cromulent."""
    data = resources.files("cromulent").joinpath("data/linked-art.json").read_text(encoding="utf-8")
    return dict(json.loads(data))


@cache
def extension_context() -> dict[str, Any]:
    """Our extension context (``ontology/lod.jsonld``): terms Linked Art lacks."""
    return dict(json.loads((ONTOLOGY_DIR / "lod.jsonld").read_text(encoding="utf-8")))


class LocalLoader:
    """A pyld document loader that knows our contexts and refuses every other URL."""

    def __init__(self, uris: Uris) -> None:
        self.documents: Mapping[str, dict[str, Any]] = {
            LINKED_ART_CONTEXT: linked_art_context(),
            uris.linked_art_context_copy(): linked_art_context(),
            uris.context(): extension_context(),
        }

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        if url not in self.documents:
            raise jsonld.JsonLdError(
                f"remote documents are not loaded: {url}",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        return {"contextUrl": None, "documentUrl": url, "document": self.documents[url]}


def context_list(uris: Uris) -> list[str]:
    """The ``@context`` of every record: ours first, Linked Art last."""
    return [uris.context(), LINKED_ART_CONTEXT]


Plan = tuple[str, Any, tuple[str, Any, str] | None]
"""How a record writer puts one kind of value of a property: term, definition, value object."""
Pairs = list[tuple[str, Term]]
"""A subject's (predicate, object) pairs, in the order they are written: by predicate, then value."""


def by_subject(triples: Iterable[Triple]) -> dict[str, Pairs]:
    """The triples of a record grouped by subject, each subject's pairs in order."""
    found: dict[str, Pairs] = {}
    for s, p, o in triples:
        found.setdefault(s[1], []).append((p[1], o))
    return {subject: sorted(pairs, key=lambda po: (po[0], po[1][1])) for subject, pairs in found.items()}


def expanded_tree(triples: Iterable[Triple], root: str) -> dict[str, Any]:
    """Expanded JSON-LD for a record: the root node with its parts and references nested once."""
    subjects = by_subject(triples)
    placed = {root}

    def reference(iri: str) -> dict[str, Any]:
        """Another record, as Linked Art references it: its types and label, not its parts."""
        out: dict[str, Any] = {}
        for predicate, obj in _referred(subjects[iri]):
            if predicate == RDF_TYPE:
                out.setdefault("@type", []).append(obj[1])
            else:
                out.setdefault(predicate, []).append(_literal(obj))
        return out

    def node(iri: str) -> dict[str, Any]:
        out: dict[str, Any] = {"@id": iri}
        pending: list[tuple[dict[str, Any], str]] = []
        for predicate, obj in subjects.get(iri, []):
            if predicate == RDF_TYPE:
                out.setdefault("@type", []).append(obj[1])
                continue
            value: dict[str, Any]
            if obj[0] == "literal":
                value = _literal(obj)
            else:
                value = {"@id": obj[1]}
                if _is_part(obj[1], root):
                    if obj[1] in subjects and obj[1] not in placed:
                        placed.add(obj[1])
                        pending.append((value, obj[1]))
                elif obj[1] in subjects:
                    value.update(reference(obj[1]))
            out.setdefault(predicate, []).append(value)
        for value, target in pending:
            value.update(node(target))
        return out

    return node(root)


def _referred(pairs: Pairs) -> Pairs:
    """What a reference to another record gives of it: its classes and its labels (as plain strings)."""
    found: Pairs = []
    for predicate, obj in pairs:
        if predicate == RDF_TYPE:
            found.append((predicate, obj))
        elif predicate == RDFS_LABEL and obj[0] == "literal":
            found.append((predicate, ("literal", obj[1], None, None)))
    return found


def _literal(obj: Term) -> dict[str, Any]:
    """The expanded value object of a literal."""
    value: dict[str, Any] = {"@value": obj[1]}
    if obj[3]:
        value["@language"] = obj[3]
    elif obj[2] == XSD_INTEGER and obj[1].lstrip("-").isdigit():
        value = {"@value": int(obj[1])}  # a JSON number, as Linked Art writes dimensions
    elif obj[2] and obj[2] != XSD_STRING:
        value["@type"] = obj[2]
    return value


def _is_part(iri: str, root: str) -> bool:
    """An embedded part of the record (``root#name-1``), or the root itself."""
    return iri == root or iri.startswith(root + "#")


def record_jsonld(triples: Iterable[Triple], root: str, uris: Uris) -> dict[str, Any]:
    """The compacted Linked Art JSON-LD of one record.

    :class:`_Compacting` compacts the record as it walks its triples, with the decisions of
    :mod:`lod.model.compact`: what pyld gives for the tree of :func:`expanded_tree` in Linked Art's
    key order, tens of times faster. A record using a JSON-LD feature the compactor does not
    implement goes to pyld.
    """
    triples = list(triples)
    try:
        return _Compacting(compactor(uris.base), by_subject(triples), root).document()
    except Unsupported:
        ordered: dict[str, Any] = _ordered(pyld_compact(expanded_tree(triples, root), uris))
        return ordered


class _Compacting:
    """One record compacted as its triples are walked: the nodes :func:`expanded_tree` nests, in its
    order (a node's parts are claimed before any is walked), each compacted by the JSON-LD 1.1
    algorithm and with Linked Art's keys first."""

    def __init__(self, compactor: Compactor, subjects: dict[str, Pairs], root: str) -> None:
        self.compactor = compactor
        self.subjects = subjects
        self.root = root
        self.placed = {root}

    def _unplaced(self, iri: str) -> bool:
        """A part of the record with triples of its own, not nested yet."""
        return _is_part(iri, self.root) and iri in self.subjects and iri not in self.placed

    def document(self) -> dict[str, Any]:
        compactor = self.compactor
        return {"@context": compactor.context, **self.node(compactor.base, self.root, self.subjects.get(self.root, []))}

    def node(self, inherited: Context, iri: str, pairs: Pairs) -> dict[str, Any]:
        compactor = self.compactor
        types = [obj[1] for predicate, obj in pairs if predicate == RDF_TYPE]
        active = compactor.typed(inherited, types)
        out: dict[str, Any] = {active.alias("@id"): compactor.compact_iri(active, iri, vocab=False)}
        if types:
            names = [compactor.compact_iri(inherited, t, vocab=True) for t in types]
            out[active.alias("@type")] = names[0] if len(names) == 1 else names
        nested = set()  # the parts nested here: each where it is first met, as expanded_tree nests them
        for at, (predicate, obj) in enumerate(pairs):
            target = obj[1]
            if obj[0] != "literal" and predicate != RDF_TYPE and self._unplaced(target):
                self.placed.add(target)
                nested.add(at)
        for at, (predicate, obj) in enumerate(pairs):
            if predicate == RDF_TYPE:
                continue
            kind, value, datatype, language = obj
            compacted: Any
            key: tuple[Any, ...]
            if kind == "literal":
                number = datatype == XSD_INTEGER and not language and value.lstrip("-").isdigit()
                key = (predicate, datatype, language, number)
                term, _, template = active.plans.get(key) or self._plan(active, key, predicate, obj)
                if template is None:
                    compacted = int(value) if number else value
                else:
                    compacted = {template[0]: template[1], template[2]: value}
            else:
                named = compactor.compact_iri(active, value, vocab=True)
                mapping = active.terms.get(named)
                key = (predicate, "@id", mapping is not None and mapping.iri == value)
                term, definition, _ = active.plans.get(key) or self._plan(active, key, predicate, obj)
                referred = None
                if at in nested:
                    referred = self.subjects[value]
                elif value in self.subjects and not _is_part(value, self.root):
                    referred = _referred(self.subjects[value]) or None
                if referred is None:
                    compacted = compactor.value(active, definition, {"@id": value})
                else:
                    compacted = self.node(active, value, referred)
            compactor.place(active, out, term, compacted, language or "@none")
        for term, value in out.items():
            if isinstance(value, dict):
                out[term] = _first(value)  # a language map
        return _first(out)

    def _plan(self, active: Context, key: tuple[Any, ...], predicate: str, obj: Term) -> Plan:
        """How values of this kind of this property are put in this context, as the compactor decides:
        the term, its definition, and for a literal the value object around it (none: the value alone)."""
        compactor = self.compactor
        item = _literal(obj) if obj[0] == "literal" else {"@id": obj[1]}
        term = compactor.compact_iri(active, predicate, vocab=True, value=item)
        definition = active.terms.get(term)
        template = None
        if "@value" in item:
            compacted = compactor.value(active, definition, item)
            if isinstance(compacted, dict):
                (first, constant), (value_key, _) = compacted.items()
                template = (first, constant, value_key)
        plan = (term, definition, template)
        active.plans[key] = plan
        return plan


def _first(value: dict[str, Any]) -> dict[str, Any]:
    """Linked Art key order in one object: ``@context``, ``id``, ``type``, ``_label``, then the rest."""
    first = [key for key in _FIRST if key in value]
    if list(itertools.islice(value, len(first))) == first:
        return value
    return {key: value[key] for key in first} | {key: v for key, v in value.items() if key not in first}


@cache
def compactor(base: str) -> Compactor:
    """The compactor for our contexts under one base (it learns each context combination once)."""
    uris = Uris(base)
    return Compactor(context_list(uris), [extension_context(), linked_art_context()])


def pyld_compact(tree: dict[str, Any], uris: Uris) -> dict[str, Any]:
    """Compaction by pyld, the reference implementation, with the local loader."""
    try:
        compacted: dict[str, Any] = jsonld.compact(
            tree, {"@context": context_list(uris)}, {"documentLoader": LocalLoader(uris)}
        )
    except jsonld.JsonLdError as err:
        raise LodError(f"JSON-LD compaction failed for <{tree.get('@id')}>: {err}") from None
    return compacted


def to_rdf(document: dict[str, Any], uris: Uris) -> str:
    """N-Quads of a JSON-LD document, expanded with the local loader only (for checks and tests)."""
    return str(jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": LocalLoader(uris)}))


def _ordered(value: Any) -> Any:
    """Linked Art key order: ``@context``, ``id``, ``type``, ``_label``, then the rest."""
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    if not isinstance(value, dict):
        return value
    first = {k: _ordered(value[k]) for k in _FIRST if k in value}
    rest = {k: _ordered(v) for k, v in value.items() if k not in first}
    return first | rest
