"""Harvesting: the change feed, dumps, the dataset description, sitemap and robots.txt."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from lod.errors import ValidationFailed
from lod.model.jsonld import to_rdf
from lod.pipeline import ingest_pages
from lod.settings import Settings
from lod.store.backend import open_store
from lod.store.build import build
from lod.store.embedded import current_build
from lod.uris import KINDS, Uris
from lod.web.app import create_app
from lod.web.harvest import PAGE_SIZE, SITEMAP_KINDS, sitemap_pages
from tests.conftest import BASE, ROOT, Client, free_port, serving
from tests.harvester import Harvester

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
URIS = Uris(BASE)
WIKIDATA = "http://www.wikidata.org/entity/"
PLACE = """@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/place/{slug}> a crm:E53_Place ; rdfs:label "{label}" ;
    crm:P1_is_identified_by <id/place/{slug}#name-1> .
<id/place/{slug}#name-1> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "{label}" ;
    crm:P2_has_type <id/concept/primary-name> .
"""
NEW_PAGE = ROOT / "tests" / "holdout" / "n2-puzanov-1960-flat.txt"


def stored_records(settings: Settings) -> dict[str, set[ox.Triple]]:
    """Every record of the served build, by IRI, as its triples, straight from the store (either backend)."""
    uris = Uris(settings.base)
    store = open_store(settings)
    graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    out = {}
    for row in graphs:
        found = uris.record_of(row["g"].value)
        assert found is not None
        out[uris.thing(*found)] = {q.triple for q in store.graph_quads(row["g"].value)}
    return out


def record_graphs(settings: Settings) -> dict[str, Graph]:
    """Every record of the served build, by IRI, as an rdflib graph."""
    out = {}
    for iri, triples in stored_records(settings).items():
        text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        out[iri] = Graph().parse(data=text, format="nt")
    return out


def assert_same_records(copy: dict[str, Graph], store: dict[str, Graph]) -> None:
    assert sorted(copy) == sorted(store)
    different = [iri for iri in store if not isomorphic(copy[iri], store[iri])]
    assert different == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_harvester_fetches_exactly_what_each_build_changed(
    data_copy: Path, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    port = free_port()
    settings = make_settings(base=f"http://127.0.0.1:{port}/", port=port, data_dir=str(data_copy),
                        var_dir=str(tmp_path / "var"))  # fmt: skip
    uris = Uris(settings.base)
    harbour = data_copy / "place" / "nampo-harbour.ttl"
    harbour.write_text(PLACE.format(slug="nampo-harbour", label="Nampo harbour"), encoding="utf-8")
    build(settings)
    with serving(settings, tmp_path / "serve.log") as base, httpx.Client(timeout=30) as client:
        harvester = Harvester(uris.changes(), uris)
        harvester.harvest(client)
        first = record_graphs(settings)
        assert sorted(harvester.fetched) == sorted(first)  # from scratch: every record, once
        assert_same_records(harvester.copy, first)

        report = ingest_pages([NEW_PAGE], settings)  # one document more (with its events and mentions)
        assert not report.failed
        edit(data_copy / "person" / "kim-du-bong.ttl", '"Kim Tu Bong" ;', '"Kim Tu Bong" ;\n    crm:P3_has_note "x" ;')
        harbour.unlink()  # one place fewer
        before = client.get(f"{base}healthz").json()["build"]
        build(settings)
        while client.get(f"{base}healthz").json()["build"] == before:  # the server follows var/current
            time.sleep(0.1)
        harvester.harvest(client)
        second = record_graphs(settings)

    changed = sorted(iri for iri in second if iri not in first or not isomorphic(first[iri], second[iri]))
    new_document = uris.thing("document", "journal-soviet-ambassador-dprk-am-puzanov-3-june-1960")
    assert new_document in changed and uris.thing("person", "kim-du-bong") in changed
    assert [i for i in changed if "3-june-1960" not in i] == [uris.thing("person", "kim-du-bong")]
    assert sorted(harvester.fetched) == changed
    assert harvester.removed == [uris.thing("place", "nampo-harbour")]
    assert_same_records(harvester.copy, second)


@pytest.fixture
def two_builds(data_copy: Path, tmp_path: Path, make_settings: Callable[..., Settings]) -> tuple[Settings, Path]:
    settings = make_settings(data_dir=str(data_copy), var_dir=str(tmp_path / "var"))
    build(settings)
    return settings, data_copy


def feed(client: Client, path: str = "/changes") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The collection and all its activities, page by page from ``first``."""
    collection = client.get(path).json()
    items: list[dict[str, Any]] = []
    url: str | None = collection["first"]["id"]
    while url is not None:
        page = client.get(url.removeprefix(BASE.rstrip("/"))).json()
        assert page["type"] == "OrderedCollectionPage" and page["partOf"]["id"] == collection["id"]
        assert page["startIndex"] == len(items)
        items += page["orderedItems"]
        url = page.get("next", {}).get("id")
    return collection, items


def test_an_unchanged_rebuild_adds_no_activity_and_history_survives(two_builds: tuple[Settings, Path]) -> None:
    settings, data = two_builds
    client = Client(create_app(settings))
    collection, items = feed(client)
    assert collection["totalItems"] == len(items) == 211
    assert {a["type"] for a in items} == {"Create"}
    assert all(a["endTime"].endswith("Z") and a["object"]["id"].startswith(BASE + "id/") for a in items)
    build(settings)
    assert feed(client)[1] == items
    edit(data / "person" / "nam-il.ttl", 'rdfs:label "Nam Il" ;', 'rdfs:label "Nam Il" ;\n    crm:P3_has_note "x" ;')
    build(settings)
    collection, after = feed(client)
    assert after[:211] == items  # the history, as it was
    assert [(a["type"], a["object"]["id"]) for a in after[211:]] == [("Update", URIS.thing("person", "nam-il"))]
    assert after[211]["endTime"] > items[-1]["endTime"]


def test_per_kind_feeds_split_the_whole_one(two_builds: tuple[Settings, Path]) -> None:
    client = Client(create_app(two_builds[0]))
    _, everything = feed(client)
    per_kind = []
    for kind, record_type in [("document", "LinguisticObject"), ("person", "Person"), ("group", "Group"),
                              ("place", "Place"), ("event", "Activity"), ("concept", "Type"),
                              ("annotation", "Annotation")]:  # fmt: skip
        collection, items = feed(client, f"/changes/{kind}")
        assert collection["partOf"] == [{"id": f"{BASE}changes", "type": "OrderedCollection"}]
        assert {a["object"]["type"] for a in items} == {record_type}
        assert all(f"/id/{kind}/" in a["object"]["id"] for a in items)
        per_kind += items
    assert sorted(per_kind, key=json.dumps) == sorted(everything, key=json.dumps)


def test_feed_pages_are_checked_and_cached(two_builds: tuple[Settings, Path]) -> None:
    client = Client(create_app(two_builds[0]))
    assert client.get("/changes?page=0").status_code == 400
    assert client.get("/changes?page=x").status_code == 400
    assert client.get("/changes/nonsense").status_code == 404
    first = client.get("/changes?page=1")
    assert first.headers["content-type"] == 'application/ld+json;profile="https://www.w3.org/ns/activitystreams"'
    again = client.get("/changes?page=1", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert len(first.json()["orderedItems"]) == min(PAGE_SIZE, 211)


def test_deleted_records_are_gone_and_merged_ones_redirect(two_builds: tuple[Settings, Path]) -> None:
    settings, data = two_builds
    (data / "person" / "ri-sang-jo.ttl").write_text(
        PLACE.replace("place", "person").replace("crm:E53_Place", "crm:E21_Person").format(slug="ri-sang-jo",
                                                                                          label="Ri Sang-jo"),
        encoding="utf-8",
    )  # fmt: skip
    (data / "place" / "nampo-harbour.ttl").write_text(PLACE.format(slug="nampo-harbour", label="Nampo harbour"))
    build(settings)
    (data / "person" / "ri-sang-jo.ttl").unlink()
    (data / "place" / "nampo-harbour.ttl").unlink()
    (data / "redirects.tsv").write_text("# merged records\nperson/ri-sang-jo\tperson/nam-il\n", encoding="utf-8")
    build(settings)
    client = Client(create_app(settings))
    for path in ("/id/place/nampo-harbour", "/data/place/nampo-harbour", "/data/place/nampo-harbour.ttl"):
        gone = client.get(path)
        assert gone.status_code == 410, path
        assert "was deleted" in gone.json()["error"]["detail"]
    assert client.get("/id/place/nowhere").status_code == 404
    moved = {
        "/id/person/ri-sang-jo": f"{BASE}id/person/nam-il",
        "/data/person/ri-sang-jo": f"{BASE}data/person/nam-il",
        "/data/person/ri-sang-jo.ttl": f"{BASE}data/person/nam-il.ttl",
        "/data/person/ri-sang-jo/documents": f"{BASE}data/person/nam-il/documents",
    }
    for path, location in moved.items():
        response = client.get(path)
        assert (response.status_code, response.headers["location"]) == (301, location), path
    _, items = feed(client)
    latest = [(a["type"], a["object"]["id"], a.get("target", {}).get("id")) for a in items[-2:]]
    assert sorted(latest) == [
        ("Delete", URIS.thing("place", "nampo-harbour"), None),
        ("Move", URIS.thing("person", "ri-sang-jo"), URIS.thing("person", "nam-il")),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("person/ri-sang-jo\tperson/nobody", "is merged into <http://127.0.0.1:8000/id/person/nobody>, not a record"),
        ("person/nam-il\tperson/kim-il-sung", "is merged away but still a record"),
        ("person/ri-sang-jo\tplace/pyongyang", "a person can only be merged into a person"),
        ("person/ri-sang-jo person/nam-il", "expected 'kind/old-slug<TAB>kind/survivor-slug'"),
    ],
)
def test_bad_redirects_fail_the_build_by_line(two_builds: tuple[Settings, Path], line: str, message: str) -> None:
    settings, data = two_builds
    (data / "redirects.tsv").write_text(f"# one bad line\n{line}\n", encoding="utf-8")
    served = current_build(Path(settings.var_dir)).id
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    assert any(message in v.message for v in failed.value.violations), failed.value.violations
    if "<TAB>" in message or "only be merged" in message:
        assert any(v.record.endswith("redirects.tsv:2") for v in failed.value.violations)
    assert current_build(Path(settings.var_dir)).id == served


def test_the_dumps_load_into_a_store_isomorphic_to_the_served_one(built: Settings, client: Client) -> None:
    records = stored_records(built)
    store = open_store(built)
    description = Graph().parse(data=client.get("/void", headers={"Accept": "text/turtle"}).text, format="turtle")
    listing = client.get("/dumps/").json()
    assert [d["name"] for d in listing["dumps"]] == ["lod.nq.gz", "lod.ttl.gz", "lod.jsonl.gz"]
    bodies = {}
    for item in listing["dumps"]:
        response = client.get(f"/dumps/{item['name']}")
        assert response.status_code == 200 and response.headers["content-type"] == "application/gzip"
        assert int(response.headers["content-length"]) == len(response.content) == item["bytes"]
        assert hashlib.sha256(response.content).hexdigest() == item["sha256"]
        assert response.headers["etag"] == f'"{item["sha256"]}"'
        distribution = description.value(predicate=DCAT.downloadURL, object=URIRef(item["id"]))
        assert description.value(distribution, DCAT.byteSize).toPython() == item["bytes"]
        checksum = description.value(distribution, SPDX.checksum)
        assert str(description.value(checksum, SPDX.checksumValue)) == item["sha256"]
        assert (distribution, None, None) in description and (None, VOID.dataDump, URIRef(item["id"])) in description
        bodies[item["name"]] = gzip.decompress(response.content)

    loaded = ox.Store()
    loaded.load(bodies["lod.nq.gz"], format=ox.RdfFormat.N_QUADS)
    named = {ox.Quad(*t, ox.NamedNode(URIS.graph_of(iri) or "")) for iri, triples in records.items() for t in triples}
    assert set(loaded) == named  # no blank nodes: equal sets of quads are isomorphic datasets
    merged = ox.Store()
    merged.load(bodies["lod.ttl.gz"], format=ox.RdfFormat.TURTLE)
    assert {q.triple for q in merged} == set(store.query("CONSTRUCT WHERE { ?s ?p ?o }"))
    lines = bodies["lod.jsonl.gz"].decode().splitlines()
    assert len(lines) == len(records)
    for line in lines:
        document = json.loads(line)
        expected = records[document["id"]]
        assert {q.triple for q in ox.parse(to_rdf(document, URIS), format=ox.RdfFormat.N_QUADS)} == expected


def test_dumps_resume_with_range_and_revalidate(client: Client) -> None:
    item = client.get("/dumps/").json()["dumps"][0]
    whole = client.get(f"/dumps/{item['name']}").content
    part = client.get(f"/dumps/{item['name']}", headers={"Range": "bytes=100-"})
    assert part.status_code == 206 and part.content == whole[100:]
    assert part.headers["content-range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    middle = client.get(f"/dumps/{item['name']}", headers={"Range": "bytes=10-19", "If-Range": f'"{item["sha256"]}"'})
    assert middle.status_code == 206 and middle.content == whole[10:20]
    stale = client.get(f"/dumps/{item['name']}", headers={"Range": "bytes=10-19", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == whole
    assert client.get(f"/dumps/{item['name']}", headers={"If-None-Match": f'"{item["sha256"]}"'}).status_code == 304
    assert client.head(f"/dumps/{item['name']}").headers["content-length"] == str(len(whole))
    assert client.get("/dumps/secret.txt").status_code == 404
    assert client.get("/dumps/..%2Fbuild.json").status_code == 404


def sparql_number(client: Client, query: str) -> int:
    response = client.get("/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    return int(response.text.splitlines()[1])


def test_the_description_counts_what_the_endpoint_counts(client: Client) -> None:
    graph = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text, format="ttl")
    dataset = URIRef(f"{BASE}void#dataset")

    def figure(subject: Any, predicate: URIRef) -> int:
        value = graph.value(subject, predicate)
        assert isinstance(value, Literal), (subject, predicate)
        return int(value)

    base_id = f"{BASE}id/"
    assert figure(dataset, VOID.triples) == sparql_number(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert figure(dataset, VOID.distinctSubjects) == sparql_number(
        client, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"
    )
    assert figure(dataset, VOID.distinctObjects) == sparql_number(
        client, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }"
    )
    assert figure(dataset, VOID.entities) == sparql_number(
        client, f'SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base_id}")) }}'
    )
    assert figure(dataset, VOID.documents) == sparql_number(client, "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g {} }")
    classes = list(graph.objects(dataset, VOID.classPartition))
    assert (
        figure(dataset, VOID.classes)
        == len(classes)
        == sparql_number(client, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")
    )
    for partition in classes:
        cls = graph.value(partition, VOID["class"])
        assert figure(partition, VOID.entities) == sparql_number(
            client, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{cls}> }}"
        )
    properties = list(graph.objects(dataset, VOID.propertyPartition))
    assert figure(dataset, VOID.properties) == len(properties)
    for partition in properties:
        prop = graph.value(partition, VOID.property)
        assert figure(partition, VOID.triples) == sparql_number(client, f"SELECT (COUNT(*) AS ?n) {{ ?s <{prop}> ?o }}")
    linksets = [
        s
        for s in graph.objects(dataset, VOID.subset)
        if (s, VOID.objectsTarget, URIRef(f"{BASE}void#wikidata")) in graph
    ]
    assert len(linksets) == 2  # la:equivalent and skos:exactMatch
    for linkset in linksets:
        predicate = graph.value(linkset, VOID.linkPredicate)
        assert (
            figure(linkset, VOID.triples)
            == sparql_number(
                client,
                f'SELECT (COUNT(*) AS ?n) {{ ?s <{predicate}> ?o FILTER(STRSTARTS(STR(?o), "{WIKIDATA}")) }}',
            )
            > 0
        )
    assert str(graph.value(dataset, VOID.uriSpace)) == base_id
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{BASE}sparql")
    assert graph.value(dataset, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "http://creativecommons.org/publicdomain/zero/1.0/"
    )
    rights = graph.value(dataset, URIRef("http://purl.org/dc/terms/rights"))
    assert "rights their archive states" in str(
        graph.value(rights, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    )
    for example in graph.objects(dataset, VOID.exampleResource):
        assert client.get(str(example).removeprefix(BASE.rstrip("/"))).status_code == 303


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("application/ld+json", "application/ld+json; charset=utf-8"),
        ("application/n-triples", "application/n-triples; charset=utf-8"),
        ("application/rdf+xml", "application/rdf+xml; charset=utf-8"),
        ("text/html", "text/html; charset=utf-8"),
    ],
)
def test_the_description_is_negotiated_and_every_rdf_form_says_the_same(
    client: Client, accept: str, content_type: str
) -> None:
    response = client.get("/void", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"] == content_type
    assert "Accept" in response.headers["vary"]
    if accept == "text/html":
        assert "SHA-256" in response.text and '"@type": "Dataset"' in response.text
        return
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
           "application/rdf+xml": "xml"}[accept]  # fmt: skip
    reference = Graph().parse(data=client.get("/void?format=ttl").text, format="turtle")
    if fmt == "json-ld":  # rdflib's JSON-LD parser warns (deprecations); pyoxigraph reads it as well
        triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.JSON_LD)]
        response_graph = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    else:
        response_graph = Graph().parse(data=response.text, format=fmt)
    assert isomorphic(response_graph, reference)
    assert client.get("/void", headers={"Accept": "image/png"}).status_code == 406


def test_sitemap_and_robots(built: Settings, client: Client) -> None:
    robots = client.get("/robots.txt").text
    assert "Disallow: /sparql" in robots and f"Sitemap: {BASE}sitemap.xml" in robots
    index = client.get("/sitemap.xml")
    assert index.headers["content-type"] == "application/xml; charset=utf-8"
    assert f"<loc>{BASE}sitemap-1.xml</loc>" in index.text
    urls = client.get("/sitemap-1.xml").text.split("<loc>")[1:]
    listed = {u.split("</loc>")[0] for u in urls}
    build_meta = current_build(Path(built.var_dir)).meta
    assert len(listed) == sum(n for kind, n in build_meta["kinds"].items() if kind != "annotation")
    assert f"{BASE}data/person/kim-du-bong.html" in listed
    assert client.get("/sitemap-2.xml").status_code == 404


def test_every_html_page_links_the_description_dumps_and_feed(client: Client) -> None:
    html = {"Accept": "text/html"}
    for path in ("/", "/data/person/kim-du-bong", "/id/person/", "/void", "/dumps/", "/sparql"):
        page = client.get(path, headers=html)
        assert page.status_code == 200, path
        for link in ('href="/void"', 'href="/dumps/"', 'href="/changes"'):
            assert link in page.text, (path, link)
    landing = client.get("/", headers=html).text
    schema = json.loads(landing.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert schema["@type"] == "Dataset" and len(schema["distribution"]) == 3


def test_list_pages_and_sitemaps_read_only_their_lines(built_embedded: Settings) -> None:
    build = current_build(Path(built_embedded.var_dir))
    for kind in KINDS:
        every = build.slugs(kind)
        assert build.count(kind) == len(every)
        n = len(every)
        for start, stop in [(0, 1), (0, 7), (3, 10), (max(n - 2, 0), n + 5), (n, n + 3), (0, n)]:
            assert build.rows(kind, start, stop) == every[start:stop], (kind, start, stop)
    uris = Uris(BASE)
    counts = {kind: build.count(kind) for kind in SITEMAP_KINDS}
    expected = [uris.data(kind, slug, "html") for kind in SITEMAP_KINDS for slug, _ in build.slugs(kind)]
    windows = [sitemap_pages(build, uris, counts, start, start + 7) for start in range(0, len(expected) + 7, 7)]
    assert [page for window in windows for page in window] == expected
    assert all(len(window) == 7 for window in windows[: len(expected) // 7])
