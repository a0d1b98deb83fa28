"""Dereferencing records: 303, negotiation, every variant, caching, errors, lists and relations."""

from __future__ import annotations

import gzip
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph

from lod.model.jsonld import to_rdf
from lod.model.terms import to_rdflib
from lod.settings import Settings
from lod.store.backend import open_store
from lod.uris import Uris
from tests.conftest import BASE, Client
from tests.graphs import assert_isomorphic

PERSON = "/id/person/kim-il-sung"
DOC_SLUG = "journal-soviet-ambassador-dprk-am-puzanov-25-october-1957"


def record_graph(settings: Settings, kind: str, slug: str) -> Graph:
    """The record's named graph, straight from the store."""
    graph = Graph()
    for quad in open_store(settings).graph_quads(Uris(BASE).data(kind, slug)):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def test_id_redirects_303_to_data(client: Client) -> None:
    response = client.get(PERSON, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == BASE + "data/person/kim-il-sung"
    assert response.headers["vary"] == "Accept"
    assert response.headers["access-control-allow-origin"] == "*"


def test_negotiated_response_headers(client: Client) -> None:
    response = client.get("/data/person/kim-il-sung", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.headers["vary"] == "Accept, Accept-Encoding"
    assert response.headers["content-location"] == BASE + "data/person/kim-il-sung.ttl"
    links = response.headers["link"]
    for ext, media in [
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("nq", "application/n-quads"),
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
    ]:
        assert f'<{BASE}data/person/kim-il-sung.{ext}>; rel="alternate"; type="{media}"' in links
    assert response.headers["etag"].startswith('"') and response.headers["last-modified"].endswith("GMT")
    assert response.headers["cache-control"] == "public, max-age=300, must-revalidate"
    html = client.get("/data/person/kim-il-sung", headers={"Accept": "text/html"})
    assert (
        f'<{BASE}data/person/kim-il-sung.jsonld>; rel="describedby"; type="application/ld+json"' in html.headers["link"]
    )


@pytest.mark.parametrize(("ext", "fmt"), [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml")])
def test_rdf_variants_carry_exactly_the_records_graph(client: Client, built: Settings, ext: str, fmt: str) -> None:
    for kind, slug in [("person", "kim-il-sung"), ("document", DOC_SLUG), ("event", f"{DOC_SLUG}-event-1")]:
        response = client.get(f"/data/{kind}/{slug}.{ext}")
        assert response.status_code == 200 and "content-location" not in response.headers
        assert_isomorphic(Graph().parse(data=response.text, format=fmt), record_graph(built, kind, slug))


def test_nquads_name_the_records_graph(client: Client, built: Settings) -> None:
    quads = list(ox.parse(client.get("/data/place/pyongyang.nq").content, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {BASE + "data/place/pyongyang"}  # type: ignore[union-attr]
    assert len(quads) == len(record_graph(built, "place", "pyongyang"))


@pytest.mark.parametrize("profile", ["linked-art", "compacted", "expanded"])
def test_every_jsonld_profile_expands_to_the_records_graph(client: Client, built: Settings, profile: str) -> None:
    iri = {
        "linked-art": "https://linked.art/ns/v1/linked-art.json",
        "compacted": "http://www.w3.org/ns/json-ld#compacted",
        "expanded": "http://www.w3.org/ns/json-ld#expanded",
    }[profile]
    for kind, slug in [("person", "kim-du-bong"), ("document", DOC_SLUG), ("group", "kwp-cc-presidium")]:
        response = client.get(f"/data/{kind}/{slug}", headers={"Accept": f'application/ld+json;profile="{iri}"'})
        assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
        assert f'<{iri}>; rel="profile"' in response.headers["link"]
        document = response.json()
        if profile == "expanded":
            assert isinstance(document, list) and document[0]["@id"] == BASE + f"id/{kind}/{slug}"
        else:
            assert document["@context"] == [BASE + "ns/lod.jsonld", "https://linked.art/ns/v1/linked-art.json"]
            assert ("_links" in document) is (profile == "linked-art")
        assert_isomorphic(
            Graph().parse(data=to_rdf(document, Uris(BASE)), format="nt"), record_graph(built, kind, slug)
        )
    by_query = client.get(f"/data/person/kim-du-bong.jsonld?profile={profile}")
    assert (
        by_query.status_code == 200
        and by_query.json()
        == client.get("/data/person/kim-du-bong", headers={"Accept": f'application/ld+json;profile="{iri}"'}).json()
    )


def test_linked_art_record_shape_and_links(client: Client) -> None:
    person = client.get("/data/person/kim-du-bong.jsonld").json()
    assert list(person)[:4] == ["@context", "id", "type", "_label"]
    assert (person["type"], person["_label"]) == ("Person", "Kim Du-bong")
    names = {(n["content"], n["classified_as"][0]["_label"]) for n in person["identified_by"]}
    assert names == {("Kim Du-bong", "primary name"), ("Kim Tu Bong", "alternate name")}
    assert person["member_of"] == [
        {"id": BASE + "id/group/kwp-cc-presidium", "type": "Group", "_label": "KWP CC Presidium"}
    ]
    links = person["_links"]
    assert links["self"] == {"href": BASE + "data/person/kim-du-bong.jsonld", "type": "application/ld+json"}
    assert {a["type"] for a in links["alternate"]} == {
        "text/turtle",
        "text/html",
        "application/n-triples",
        "application/n-quads",
        "application/rdf+xml",
    }
    assert links["la:localVersion"]["href"] == BASE + "ns/" and links["collection"]["href"] == BASE + "id/person/"
    assert links["la:modelVersion"]["href"].startswith("https://linked.art/") and links["la:apiVersion"][
        "href"
    ].startswith("https://linked.art/")
    assert links["lod:documents"] == {
        "href": BASE + "data/person/kim-du-bong/documents",
        "title": "Documents that refer to it",
        "count": 1,
    }
    assert links["lod:events"]["count"] == 2
    assert "lod:members" not in links and "lod:events-here" not in links
    group = client.get("/data/group/kwp-cc-presidium.jsonld").json()["_links"]
    assert group["lod:members"]["count"] == 3
    event = client.get(f"/data/event/{DOC_SLUG}-event-1.jsonld").json()
    assert event["timespan"]["begin_of_the_begin"] == "1957-10-25T00:00:00"
    assert not any(k.startswith("lod:") for k in event["_links"])


def test_relation_collections_are_paged_activity_streams(client: Client) -> None:
    collection = client.get("/data/person/kim-du-bong/events").json()
    assert collection["type"] == "OrderedCollection" and collection["totalItems"] == 2
    page = client.get(collection["first"]["id"][len(BASE) - 1 :]).json()
    assert page["type"] == "OrderedCollectionPage" and page["startIndex"] == 0
    assert page["partOf"]["id"] == BASE + "data/person/kim-du-bong/events"
    assert [item["_label"] for item in page["orderedItems"]] == [
        "Planned session: KWP CC Presidium, Kim Du-bong, 28 October 1957",
        "Reported session: KWP CC Presidium, Kim Du-bong, Kim Il Sung, 25 October 1957",
    ]
    members = client.get("/data/group/kwp-cc-presidium/members?page=1").json()
    assert sorted(i["_label"] for i in members["orderedItems"]) == ["Kim Du-bong", "Kim Il Sung", "Pak Jeong-ae"]
    assert client.get("/data/person/kim-du-bong/members").status_code == 404
    assert client.get("/data/person/kim-du-bong/events?page=2").status_code == 400
    assert client.get("/data/person/kim-du-bong/events?page=x").status_code == 400


def test_lists_of_each_kind_are_paged(client: Client) -> None:
    people = client.get("/id/person/").json()
    assert people["type"] == "OrderedCollectionPage" and people["partOf"]["totalItems"] == 24
    assert [i["_label"] for i in people["orderedItems"][:3]] == ["A. A. Gromyko", "A. M. Puzanov", "Choe Chang-ik"]
    annotations = client.get("/id/annotation/?page=2").json()
    assert annotations["startIndex"] == 100 and len(annotations["orderedItems"]) == 2 and "prev" in annotations
    page = client.get("/id/place/", headers={"Accept": "text/html"})
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<a href="/id/place/pyongyang">Pyongyang</a>' in page.text
    assert client.get("/id/annotation/?page=3").status_code == 400


def test_conditional_requests(client: Client) -> None:
    first = client.get("/data/person/nam-il.ttl")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get("/data/person/nam-il.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/data/person/nam-il.ttl", headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get("/data/person/nam-il.ttl", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/data/person/nam-il.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert (
        client.get(
            "/data/person/nam-il.ttl", headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"}
        ).status_code
        == 200
    )
    assert client.get("/data/person/nam-il.ttl", headers={"If-Modified-Since": "not a date"}).status_code == 200
    assert client.get("/data/person/nam-il.jsonld").headers["etag"] != etag
    listing = client.get("/id/person/")
    assert client.get("/id/person/", headers={"If-None-Match": listing.headers["etag"]}).status_code == 304


def test_gzip(client: Client) -> None:
    response = client.get(f"/data/document/{DOC_SLUG}.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    plain = client.get(f"/data/document/{DOC_SLUG}.ttl", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert response.content == plain.content  # httpx decodes gzip
    assert response.headers["etag"] != plain.headers["etag"]


def test_head_options_and_methods(client: Client) -> None:
    head = client.head("/data/person/nam-il.ttl")
    get = client.get("/data/person/nam-il.ttl")
    assert head.status_code == 200 and head.content == b""
    assert (
        head.headers["content-length"] == get.headers["content-length"] and head.headers["etag"] == get.headers["etag"]
    )
    options = client.options("/data/person/nam-il")
    assert options.status_code == 204 and options.headers["allow"] == "GET, HEAD, OPTIONS"
    assert options.headers["access-control-allow-origin"] == "*"
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        refused = client.request(method, "/data/person/nam-il")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD, OPTIONS"
        assert refused.json()["error"]["status"] == 405


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/id/person/nobody", 404),
        ("/data/person/nobody", 404),
        ("/id/spaceship/enterprise", 404),
        ("/data/person/Bad_Slug", 404),
        ("/data/person/nam-il.docx", 404),
        ("/data/person/nam-il.", 404),
        ("/data/person/..", 404),
        ("/data/person/../../etc/passwd", 404),
        ("/data/person/%2E%2E%2Fsecret", 404),
        ("/data/person/nam-il%2F..", 404),
        ("/data/person/nam%00il", 404),
        ("/data/person/" + "x" * 5000, 404),
        ("/data/person/nam-il?format=docx", 400),
        ("/data/person/nam-il?profile=flattened", 400),
        ("/id/person/?page=0", 400),
        ("/nowhere", 404),
    ],
)
def test_bad_paths_and_parameters(client: Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    assert body["error"]["status"] == status and body["error"]["detail"]
    assert "Traceback" not in response.text


def test_errors_in_the_clients_format(client: Client) -> None:
    missing = client.get("/id/person/nobody")
    assert missing.json() == {"error": {"status": 404, "title": "Not Found", "detail": "no person record 'nobody'"}}
    browser = client.get("/id/person/nobody", headers={"Accept": "text/html"})
    assert browser.status_code == 404 and browser.headers["content-type"].startswith("text/html")
    assert "no person record" in browser.text and "<h1>404 Not Found</h1>" in browser.text
    not_acceptable = client.get("/data/person/nam-il", headers={"Accept": "image/png"})
    assert not_acceptable.status_code == 406
    assert "application/ld+json" in not_acceptable.json()["error"]["detail"]


def test_embedded_parts_resolve_within_their_record(client: Client) -> None:
    """A client drops the fragment: …/kim-il-sung#name-1 is found in the person's record."""
    response = client.get("/id/person/kim-il-sung#name-1", follow_redirects=True, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and f"<{BASE}id/person/kim-il-sung#name-1>" in response.text


def test_a_store_built_for_another_base_is_refused(built: Settings) -> None:
    from lod.web.app import create_app

    other = Settings(base="https://lod.example.org/", var_dir=built.var_dir, data_dir=built.data_dir)
    response = Client(create_app(other), base="https://lod.example.org/").get("/id/person/nam-il")
    assert response.status_code == 503
    assert "built for base 'http://127.0.0.1:8000/'" in response.json()["error"]["detail"]
    assert response.headers["retry-after"] == "30"


def test_contexts_and_vocabulary(client: Client) -> None:
    context = client.get("/ns/lod.jsonld")
    assert context.status_code == 200 and "@context" in json.loads(context.text)
    assert client.get("/ns/linked-art.json").json()["@context"]["crm"] == "http://www.cidoc-crm.org/cidoc-crm/"
    vocabulary = client.get("/ns/").json()
    assert [d["id"] for d in vocabulary["deviations"]]
    assert "Deviations from the Linked Art 1.0 schemas" in client.get("/ns/", headers={"Accept": "text/html"}).text


def test_landing_and_health(client: Client) -> None:
    landing = client.get("/").json()
    assert landing["lists"]["person"] == BASE + "id/person/"
    assert client.get("/healthz").json()["records"] > 200


def test_gzip_body_is_real_gzip(built: Settings) -> None:
    from lod.web.app import create_app

    app = create_app(built)
    import asyncio

    import httpx

    async def raw() -> bytes:
        headers = {"Accept-Encoding": "gzip"}
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
            c.stream("GET", f"/data/document/{DOC_SLUG}.nt", headers=headers) as r,
        ):
            return b"".join([chunk async for chunk in r.aiter_raw()])

    assert gzip.decompress(asyncio.run(raw())).startswith(b"<http")


def test_the_uri_space_itself_dereferences_to_the_landing_page(client: Client) -> None:
    for path in ("/id/", "/data/"):
        response = client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, BASE)
