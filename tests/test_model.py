"""The seed's records as RDF: golden graphs, the bundled data, JSON-LD that expands to the graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef

from lod.ingest.authority import load_authorities
from lod.ingest.document import resolve
from lod.ingest.names import NameIndex
from lod.model.dataset import read_records
from lod.model.jsonld import LocalLoader, context_list, record_jsonld, to_rdf
from lod.model.records import Record, document_records
from lod.model.terms import plain as _term
from lod.sources import parse_file
from lod.uris import Uris
from tests.conftest import BASE, ROOT, SEED
from tests.graphs import assert_isomorphic

DATA = Path(__file__).parent / "data"
URIS = Uris(BASE)


@pytest.fixture(scope="module")
def records() -> list[Record]:
    index = NameIndex(load_authorities(ROOT / "triples", URIS))
    return document_records(resolve(parse_file(SEED), index), URIS)


def test_document_graph_is_the_golden_one(records: list[Record]) -> None:
    assert (records[0].kind, records[0].slug) == (
        "document",
        "journal-soviet-ambassador-dprk-am-puzanov-25-october-1957",
    )
    assert_isomorphic(records[0].graph, DATA / "seed-document.ttl")


def test_event_graphs_are_the_golden_ones(records: list[Record]) -> None:
    events = Graph()
    for record in records:
        if record.kind == "event":
            events += record.graph
    assert_isomorphic(events, DATA / "seed-events.ttl")


def test_records_are_one_document_four_events_and_an_annotation_per_mention(records: list[Record]) -> None:
    kinds = [r.kind for r in records]
    assert kinds.count("document") == 1 and kinds.count("event") == 4
    assert kinds.count("annotation") == 102


def test_bundled_ingest_output_is_what_the_code_produces(records: list[Record]) -> None:
    """triples/document/ holds the reviewed ingest output; it must not drift from the code."""
    bundled = {(r.kind, r.slug): r.graph for r in read_records(ROOT / "triples", URIS).records}
    for record in records:
        assert_isomorphic(record.graph, bundled[(record.kind, record.slug)])


def test_no_blank_nodes_and_every_record_describes_only_itself(records: list[Record]) -> None:
    for record in records:
        me = URIS.thing(record.kind, record.slug)
        for s, _, o in record.graph:
            assert not isinstance(s, BNode) and not isinstance(o, BNode)
            assert str(s) == me or str(s).startswith(me + "#")


def test_annotation_selectors_quote_the_source_text(records: list[Record]) -> None:
    document = records[0].graph
    oa = "http://www.w3.org/ns/oa#"
    crm = "http://www.cidoc-crm.org/cidoc-crm/"
    checked = 0
    for record in records:
        if record.kind != "annotation":
            continue
        graph = record.graph
        source = next(graph.objects(None, URIRef(oa + "hasSource")))
        content = str(document.value(source, URIRef(crm + "P190_has_symbolic_content")))
        exact = str(next(graph.objects(None, URIRef(oa + "exact"))))
        start = int(next(graph.objects(None, URIRef(oa + "start"))))
        end = int(next(graph.objects(None, URIRef(oa + "end"))))
        assert content[start:end] == exact
        checked += 1
    assert checked == 102


def test_jsonld_expands_to_the_same_graph(records: list[Record]) -> None:
    for record in records[:6]:
        triples = [(_plain(s), _plain(p), _plain(o)) for s, p, o in record.graph]
        document = record_jsonld(triples, URIS.thing(record.kind, record.slug), URIS)
        assert document["@context"] == context_list(URIS)
        assert document["id"] == URIS.thing(record.kind, record.slug)
        assert_isomorphic(Graph().parse(data=to_rdf(document, URIS), format="nt"), record.graph)


def test_document_jsonld_is_linked_art_shaped(records: list[Record]) -> None:
    triples = [(_plain(s), _plain(p), _plain(o)) for s, p, o in records[0].graph]
    document = record_jsonld(triples, URIS.thing("document", records[0].slug), URIS)
    assert list(document)[:4] == ["@context", "id", "type", "_label"]
    assert document["type"] == ["Document", "LinguisticObject"]
    assert document["created_by"]["type"] == "Creation"
    assert document["created_by"]["timespan"]["begin_of_the_begin"] == "1957-10-25T00:00:00"
    assert document["created_by"]["timespan"]["end_of_the_end"] == "1957-10-25T23:59:59"
    assert [t["content"] for t in document["identified_by"]] == ["AVPRF F. 0102, Op. 13, Delo 5, Listy 257-307"]
    json.dumps(document)


def test_local_loader_fetches_nothing() -> None:
    loader = LocalLoader(URIS)
    assert loader("https://linked.art/ns/v1/linked-art.json")["document"]["@context"]["crm"].startswith("http")
    with pytest.raises(Exception, match="not loaded"):
        loader("http://169.254.169.254/latest/meta-data/")


def _plain(term):  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    from lod.model.terms import to_oxigraph

    converted = to_oxigraph(term)
    assert not isinstance(converted, ox.BlankNode)
    return _term(converted)
