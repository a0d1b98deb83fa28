"""The fast JSON-LD compactor gives exactly what pyld (the reference) gives, or says it cannot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lod.model.compact import Compactor, Unsupported
from lod.model.jsonld import compactor, expanded_tree, pyld_compact, record_jsonld
from lod.model.terms import plain, record_triples
from lod.settings import Settings
from lod.store.embedded import EmbeddedStore
from lod.uris import Uris
from tests.conftest import BASE

URIS = Uris(BASE)
ROOT = f"{BASE}id/person/x"


def trees(settings: Settings) -> list[dict[str, Any]]:
    """The expanded tree of every record of the bundled build."""
    store, _ = EmbeddedStore(Path(settings.var_dir)).current()
    out = []
    for graph in store.named_graphs():
        kind, slug = URIS.record_of(graph.value)  # type: ignore[misc]
        root = URIS.thing(kind, slug)
        quads = store.quads_for_pattern(None, None, None, graph)
        triples = record_triples(quads, root)
        out.append(expanded_tree([(plain(t.subject), plain(t.predicate), plain(t.object)) for t in triples], root))
    return out


def test_every_bundled_record_compacts_as_pyld_does(built_embedded: Settings) -> None:
    records = trees(built_embedded)
    assert len(records) == 211
    for tree in records:
        fast = compactor(BASE).compact(tree)  # no fallback: the fast path itself
        assert json.dumps(fast) == json.dumps(pyld_compact(tree, URIS)), tree["@id"]


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
    "a part with a type-scoped context": [
        (iri(ROOT), TYPE, iri(CRM + "E21_Person")),
        (iri(ROOT), iri(CRM + "P1_is_identified_by"), iri(ROOT + "#name-1")),
        (iri(ROOT + "#name-1"), TYPE, iri(CRM + "E33_E41_Linguistic_Appellation")),
        (iri(ROOT + "#name-1"), iri(CRM + "P190_has_symbolic_content"), literal("Kim")),
    ],
}  # fmt: skip


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_shapes_beyond_the_bundled_data_compact_as_pyld_does(shape: str) -> None:
    tree = expanded_tree(SHAPES[shape], ROOT)
    assert json.dumps(compactor(BASE).compact(tree)) == json.dumps(pyld_compact(tree, URIS))


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

    def refuse(self: Compactor, tree: dict[str, Any]) -> dict[str, Any]:
        raise Unsupported("as if")

    monkeypatch.setattr(Compactor, "compact", refuse)
    assert record_jsonld(triples, ROOT, URIS) == fast
