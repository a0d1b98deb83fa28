"""Dereferencing records: 303 from /id/, content negotiation at /data/, errors in one shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from lod.model.jsonld import to_rdf
from lod.model.terms import to_rdflib
from lod.settings import Settings
from lod.store.embedded import EmbeddedStore
from lod.uris import Uris
from lod.web.conneg import FORMATS, negotiate
from tests.conftest import BASE, Client
from tests.graphs import assert_isomorphic

PERSON = "/id/person/kim-il-sung"
DOC = "/id/document/journal-soviet-ambassador-dprk-am-puzanov-25-october-1957"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "jsonld"),
        ("", "jsonld"),
        ("*/*", "jsonld"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ('application/ld+json; profile="https://linked.art/ns/v1/linked-art.json"', "jsonld"),
        ("text/turtle", "ttl"),
        ("text/turtle;q=0.9, application/ld+json;q=0.8", "ttl"),
        ("application/ld+json;q=0.5, text/turtle", "ttl"),
        ("text/*", "ttl"),
        ("application/n-triples", "nt"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "jsonld"),
        ("text/turtle;q=0, */*;q=0.1", "jsonld"),
        ("TEXT/TURTLE", "ttl"),
        ("text/turtle; q=abc, application/n-triples", "nt"),
        ("image/png", None),
        ("application/ld+json;q=0", None),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    chosen = negotiate(accept, FORMATS)
    assert (chosen.name if chosen else None) == expected


def test_id_redirects_303_to_data(client: Client) -> None:
    response = client.get(PERSON, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == BASE + "data/person/kim-il-sung"
    assert response.headers["access-control-allow-origin"] == "*"


def test_turtle_by_accept_is_the_records_graph(client: Client, built: Settings) -> None:
    response = client.get("/data/person/kim-il-sung", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert response.headers["content-location"] == BASE + "data/person/kim-il-sung.ttl"
    links = response.headers["link"]
    assert f'<{BASE}data/person/kim-il-sung.jsonld>; rel="alternate"; type="application/ld+json"' in links
    served = Graph().parse(data=response.text, format="turtle")
    assert_isomorphic(served, record_graph(built, "person", "kim-il-sung"))
    names = {
        str(o) for o in served.objects(None, URIRef("http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content"))
    }
    assert {"Kim Il Sung", "KIM IL SUNG", "Kim Il-sung"} <= names


def record_graph(settings: Settings, kind: str, slug: str) -> Graph:
    """The record's named graph, straight from the store."""
    graph = Graph()
    for quad in EmbeddedStore(Path(settings.var_dir)).graph_quads(Uris(BASE).data(kind, slug)):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def test_jsonld_expands_to_the_same_graph_as_turtle(client: Client) -> None:
    for path in (
        "/data/person/kim-il-sung",
        "/data/document/journal-soviet-ambassador-dprk-am-puzanov-25-october-1957",
    ):
        turtle = Graph().parse(data=client.get(path, headers={"Accept": "text/turtle"}).text, format="turtle")
        response = client.get(path, headers={"Accept": "application/ld+json"})
        assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
        document = response.json()
        assert document["@context"] == [BASE + "ns/lod.jsonld", "https://linked.art/ns/v1/linked-art.json"]
        assert_isomorphic(Graph().parse(data=to_rdf(document, Uris(BASE)), format="nt"), turtle)


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")],
)
def test_fixed_variants_beat_accept(client: Client, suffix: str, media_type: str) -> None:
    response = client.get(f"/data/person/nam-il.{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    by_format = client.get(f"/data/person/nam-il?format={suffix}", headers={"Accept": "image/png"})
    assert by_format.status_code == 200 and by_format.content == response.content


def test_person_jsonld_in_linked_art_shape(client: Client) -> None:
    person = client.get("/data/person/kim-du-bong.jsonld").json()
    assert list(person)[:4] == ["@context", "id", "type", "_label"]
    assert (person["type"], person["_label"]) == ("Person", "Kim Du-bong")
    names = {(n["content"], n["classified_as"][0]["_label"]) for n in person["identified_by"]}
    assert names == {("Kim Du-bong", "primary name"), ("Kim Tu Bong", "alternate name")}
    assert person["member_of"] == [
        {"id": BASE + "id/group/kwp-cc-presidium", "type": "Group", "_label": "KWP CC Presidium"}
    ]


def test_errors(client: Client) -> None:
    missing = client.get("/id/person/nobody")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"status": 404, "title": "Not Found", "detail": "no person record 'nobody'"}}
    assert client.get("/data/person/nobody").status_code == 404
    assert client.get("/id/spaceship/enterprise").status_code == 404
    assert client.get("/data/person/Bad_Slug").status_code == 404
    not_acceptable = client.get("/data/person/nam-il", headers={"Accept": "image/png"})
    assert not_acceptable.status_code == 406
    assert "application/ld+json" in not_acceptable.json()["error"]["detail"]
    assert client.get("/data/person/nam-il?format=docx").status_code == 400
    assert client.get("/data/person/nam-il.docx").status_code == 404
    browser = client.get("/id/person/nobody", headers={"Accept": "text/html"})
    assert browser.status_code == 404 and browser.headers["content-type"].startswith("text/html")
    assert "no person record" in browser.text and "Traceback" not in browser.text


def test_head_and_health(client: Client) -> None:
    head = client.head("/data/person/nam-il.ttl")
    assert head.status_code == 200 and head.content == b""
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["records"] > 200


def test_every_iri_under_the_base_dereferences(client: Client, built: Settings) -> None:
    """Every IRI under the base in any record, fetched: 303 then 200."""
    store = EmbeddedStore(Path(built.var_dir))
    graphs = [s["g"].value for s in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]
    assert len(graphs) > 200
    iris: set[str] = set()
    for name in graphs:
        response = client.get(name[len(BASE) - 1 :], headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, name
        iris |= set(re.findall(r"<(http://127\.0\.0\.1:8000/[^>#]*)", response.text))
    for iri in sorted(iris):
        response = client.get(iri[len(BASE) - 1 :], follow_redirects=True, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, iri
    context = client.get("/ns/lod.jsonld")
    assert context.status_code == 200 and "@context" in json.loads(context.text)
    assert client.get("/ns/linked-art.json").status_code == 200


def test_a_store_built_for_another_base_is_refused(built: Settings) -> None:
    from lod.web.app import create_app

    other = Settings(base="https://lod.example.org/", var_dir=built.var_dir, data_dir=built.data_dir)
    response = Client(create_app(other), base="https://lod.example.org/").get("/id/person/nam-il")
    assert response.status_code == 503
    assert "built for base 'http://127.0.0.1:8000/'" in response.json()["error"]["detail"]
    assert response.headers["retry-after"] == "30"
