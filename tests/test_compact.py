"""The fast JSON-LD compactor gives exactly what pyld (the reference) gives, or says it cannot."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from lod.model import jsonld
from lod.model.compact import Compactor, Unsupported
from lod.model.jsonld import Triple, expanded_tree, pyld_compact, record_jsonld
from lod.model.terms import plain, record_triples
from lod.settings import Settings
from lod.store.embedded import EmbeddedStore
from lod.uris import Uris
from tests.conftest import BASE

URIS = Uris(BASE)
ROOT = f"{BASE}id/person/x"


def records(settings: Settings) -> list[tuple[list[Triple], str]]:
    """The triples and root of every record of the bundled build."""
    store, _ = EmbeddedStore(Path(settings.var_dir)).current()
    out = []
    for graph in store.named_graphs():
        kind, slug = URIS.record_of(graph.value)  # type: ignore[misc]
        root = URIS.thing(kind, slug)
        triples = record_triples(store.quads_for_pattern(None, None, None, graph), root)
        out.append(([(plain(t.subject), plain(t.predicate), plain(t.object)) for t in triples], root))
    return out


def fast_and_pyld(triples: Sequence[Triple], root: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A record compacted by the record writer as it walks the triples (not falling back to pyld),
    and by pyld from its expanded tree, in Linked Art's key order."""
    reference = json.dumps(jsonld._ordered(pyld_compact(expanded_tree(triples, root), URIS)))
    with monkeypatch.context() as patch:
        patch.setattr(jsonld, "pyld_compact", None)  # the fast path itself
        walked = json.dumps(record_jsonld(triples, root, URIS))
    return walked, reference


def test_every_bundled_record_compacts_as_pyld_does(built_embedded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    found = records(built_embedded)
    assert len(found) == 211
    for triples, root in found:
        walked, reference = fast_and_pyld(triples, root, monkeypatch)
        assert walked == reference, root


def literal(value: str, datatype: str | None = None, language: str | None = None) -> tuple[str, str, Any, Any]:
    return ("literal", value, datatype, language)


def iri(value: str) -> tuple[str, str, None, None]:
    return ("iri", value, None, None)


CRM = "http://www.cidoc-crm.org/cidoc-crm/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
SHAPES = {
    "language-tagged label": [(iri(ROOT), LABEL, literal("Ким", None, "ru"))],
    "typed literal of an uncoerced term": [(iri(ROOT), iri(CRM + "P3_has_note"), literal("1957", XSD + "gYear"))],
    "a number": [(iri(ROOT), iri(CRM + "P90_has_value"), literal("42", XSD + "integer"))],
    "a property no context names": [(iri(ROOT), iri("http://example.org/vocab#said"), literal("x"))],
    "a class no context names": [
        (iri(ROOT), TYPE, iri("http://example.org/vocab#Thing"))
    ],
    "an IRI value under a prefix": [(iri(ROOT), iri(CRM + "P2_has_type"), iri("http://vocab.getty.edu/aat/300025883"))],
    "a language map whose tags are Linked Art's first keys": [
        (iri(ROOT), TYPE, iri("http://www.w3.org/2004/02/skos/core#Concept")),
        (iri(ROOT), iri("http://www.w3.org/2004/02/skos/core#prefLabel"), literal("Konsep", None, "id")),
        (iri(ROOT), iri("http://www.w3.org/2004/02/skos/core#prefLabel"), literal("Concept", None, "en")),
        (iri(ROOT), iri("http://www.w3.org/2004/02/skos/core#prefLabel"), literal("Begriff", None, "de")),
        (iri(ROOT), iri("http://www.w3.org/2004/02/skos/core#definition"), literal("x", None, "type")),
        (iri(ROOT), iri("http://www.w3.org/2004/02/skos/core#definition"), literal("y", None, "en")),
    ],
    "a part met twice, and a reference without class or label": [
        (iri(ROOT), iri(CRM + "P1_is_identified_by"), iri(ROOT + "#name-1")),
        (iri(ROOT), iri(CRM + "P67_refers_to"), iri(ROOT + "#name-1")),
        (iri(ROOT), iri(CRM + "P67_refers_to"), iri(f"{BASE}id/place/y")),
        (iri(ROOT + "#name-1"), iri(CRM + "P190_has_symbolic_content"), literal("Kim")),
        (iri(f"{BASE}id/place/y"), iri(CRM + "P3_has_note"), literal("not shown")),
    ],
    "a part with a type-scoped context": [
        (iri(ROOT), TYPE, iri(CRM + "E21_Person")),
        (iri(ROOT), iri(CRM + "P1_is_identified_by"), iri(ROOT + "#name-1")),
        (iri(ROOT + "#name-1"), TYPE, iri(CRM + "E33_E41_Linguistic_Appellation")),
        (iri(ROOT + "#name-1"), iri(CRM + "P190_has_symbolic_content"), literal("Kim")),
    ],
}  # fmt: skip


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_shapes_beyond_the_bundled_data_compact_as_pyld_does(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    walked, reference = fast_and_pyld(SHAPES[shape], ROOT, monkeypatch)
    assert walked == reference


@pytest.mark.parametrize(
    "context",
    [
        {"@vocab": "http://example.org/"},
        {"items": {"@id": "http://example.org/items", "@container": "@list"}},
        {"parent": {"@reverse": "http://example.org/child"}},
        ["http://example.org/remote-context.jsonld"],
    ],
    ids=["vocab", "list container", "reverse", "remote context"],
)
def test_features_it_does_not_implement_are_refused_not_guessed(context: Any) -> None:
    with pytest.raises(Unsupported):
        Compactor(["urn:test"], [{"@context": context}])


def test_records_still_compact_when_the_fast_path_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    triples = SHAPES["a part with a type-scoped context"]
    fast = record_jsonld(triples, ROOT, URIS)

    def refuse(self: Compactor, *args: Any) -> Any:
        raise Unsupported("as if")

    monkeypatch.setattr(Compactor, "typed", refuse)
    assert record_jsonld(triples, ROOT, URIS) == fast
