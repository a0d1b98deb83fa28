"""The SPARQL endpoint in-process: protocol, formats, self-description, limits, refusals."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from lod.settings import Settings
from lod.web.app import create_app
from lod.web.examples import EXAMPLES
from tests.conftest import BASE, Client

NAM_IL = f"{BASE}id/person/nam-il"
LABEL = f"SELECT ?label WHERE {{ <{NAM_IL}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def sparql(built: Settings) -> Iterator[Client]:
    app = create_app(Settings(**{**built.__dict__, "query_timeout": 2.0, "query_max_rows": 500}))
    yield Client(app)
    app.sparql.pool.close()


def get(client: Client, query: str, **headers: str) -> object:
    return client.get("/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)


def test_get_post_form_and_post_query_give_the_same_result(sparql: Client) -> None:
    by_get = get(sparql, LABEL)
    by_form = sparql.request("POST", "/sparql", content=urllib.parse.urlencode({"query": LABEL}), headers=FORM)
    by_body = sparql.request("POST", "/sparql", content=LABEL, headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert response.headers["content-type"] == "application/sparql-results+json"  # type: ignore[attr-defined]
        assert response.json() == {
            "head": {"vars": ["label"]},
            "results": {"bindings": [{"label": {"type": "literal", "value": "Nam Il"}}]},
        }  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv; charset=utf-8"),
        ("text/tab-separated-values", None, "text/tab-separated-values; charset=utf-8"),
        ("application/json", None, "application/sparql-results+json"),
        ("image/png", "csv", "text/csv; charset=utf-8"),
    ],
)
def test_select_formats(sparql: Client, accept: str, fmt: str | None, media: str) -> None:
    params = {"query": LABEL, **({"format": fmt} if fmt else {})}
    response = sparql.get("/sparql?" + urllib.parse.urlencode(params), headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"] == media
    if "csv" in media:
        assert list(csv.reader(io.StringIO(response.text))) == [["label"], ["Nam Il"]]
    elif "tab-separated" in media:
        assert response.text == '?label\n"Nam Il"\n'
    elif "xml" in media:
        assert '<binding name="label"><literal>Nam Il</literal></binding>' in response.text


def test_ask(sparql: Client) -> None:
    assert get(sparql, "ASK { ?s a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> }").json() == {
        "head": {},
        "boolean": True,
    }  # type: ignore[attr-defined]
    assert get(sparql, "ASK { ?s a <urn:nothing> }", Accept="text/csv").text == "false"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_formats(sparql: Client, accept: str, fmt: str) -> None:
    query = f"CONSTRUCT {{ <{NAM_IL}> ?p ?o }} WHERE {{ <{NAM_IL}> ?p ?o }}"
    response = get(sparql, query, Accept=accept)
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)  # type: ignore[attr-defined]
    if fmt == "nquads":
        lines = response.text.strip().splitlines()  # type: ignore[attr-defined]
        assert lines and all(line.endswith(" .") for line in lines)
        return
    if fmt == "json-ld":
        parsed = list(ox.parse(response.content, format=ox.RdfFormat.JSON_LD))  # type: ignore[attr-defined]
        assert len(parsed) == len(set(parsed)) >= 4 and any(q.object.value == "Nam Il" for q in parsed)
        return
    graph = Graph().parse(data=response.text, format=fmt)  # type: ignore[attr-defined]
    assert len(graph) == len(set(graph)) >= 4
    assert any(str(o) == "Nam Il" for o in graph.objects())


def test_default_graph_is_the_merge_and_graph_names_are_records(sparql: Client) -> None:
    count = get(
        sparql, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{NAM_IL}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    ).json()  # type: ignore[attr-defined]
    assert count["results"]["bindings"][0]["n"]["value"] == "1"
    graphs = get(
        sparql,
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{NAM_IL}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}",
    ).json()  # type: ignore[attr-defined]
    names = {b["g"]["value"] for b in graphs["results"]["bindings"]}
    assert f"{BASE}data/person/nam-il" in names and len(names) > 3


def test_dataset_parameters(sparql: Client) -> None:
    person = f"{BASE}data/person/nam-il"
    only = sparql.get(
        "/sparql?"
        + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": person})
    )
    named = sparql.get(
        "/sparql?"
        + urllib.parse.urlencode(
            {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": person}
        )
    )
    assert 5 < int(only.json()["results"]["bindings"][0]["n"]["value"]) < 40
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [person]


def test_service_description_and_query_page(sparql: Client) -> None:
    description = sparql.get("/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and description.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=description.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, None, None) in graph
    assert {str(o) for o in graph.objects(None, __import__("rdflib").URIRef(sd + "endpoint"))} == {BASE + "sparql"}
    assert len(list(graph.objects(None, __import__("rdflib").URIRef(sd + "resultFormat")))) == 9
    assert sparql.get("/sparql").headers["content-type"] == "text/turtle; charset=utf-8"
    page = sparql.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text and "<script" not in page.text
    assert page.text.count("/sparql?query=") >= 12


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title[:40] for e in EXAMPLES])
def test_every_example_query_answers(sparql: Client, example: object) -> None:
    text = example.text(BASE)  # type: ignore[attr-defined]
    response = get(sparql, text, Accept="application/sparql-results+json, text/turtle;q=0.9")
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    if response.headers["content-type"].startswith("application/sparql-results+json"):  # type: ignore[attr-defined]
        assert response.json()["results"]["bindings"]  # type: ignore[attr-defined]
    else:
        assert len(Graph().parse(data=response.text, format="turtle")) > 0  # type: ignore[attr-defined]
    html = get(sparql, text, Accept="text/html")
    assert html.status_code == 200 and '<table class="results">' in html.text  # type: ignore[attr-defined]


def test_results_page_links_iris_and_offers_downloads(sparql: Client) -> None:
    page = get(sparql, EXAMPLES[1].text(BASE), Accept="text/html").text  # type: ignore[attr-defined]
    assert '<a href="/id/document/journal-soviet-ambassador-dprk-am-puzanov-25-october-1957">' in page
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in page


@pytest.mark.parametrize(
    ("request_kwargs", "status", "detail"),
    [
        (
            {
                "method": "POST",
                "path": "/sparql",
                "content": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            403,
            "read-only",
        ),
        ({"method": "POST", "path": "/sparql", "content": "update=DROP+ALL", "headers": FORM}, 403, "read-only"),
        ({"method": "GET", "path": "/sparql?update=CLEAR+ALL"}, 403, "read-only"),
        (
            {
                "method": "GET",
                "path": "/sparql?query=" + urllib.parse.quote("PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }"),
            },
            403,
            "DELETE is a SPARQL update",
        ),
        (
            {"method": "GET", "path": "/sparql?query=LOAD+%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E"},
            403,
            "LOAD is a SPARQL update",
        ),
        ({"method": "POST", "path": "/sparql", "content": "", "headers": FORM}, 400, "missing the 'query' parameter"),
        ({"method": "GET", "path": "/sparql?query=ASK%7B%7D&query=ASK%7B%7D"}, 400, "more than once"),
        (
            {"method": "POST", "path": "/sparql", "content": "ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "application/sparql-query",
        ),
        ({"method": "GET", "path": "/sparql?query=SELEKT+%3Fx"}, 400, "SPARQL syntax error: error at 1:1"),
        ({"method": "GET", "path": "/sparql?query=" + "%20" * 20000}, 413, "the limit is 16384"),
        ({"method": "GET", "path": "/sparql?query=ASK%7B%7D&format=docx"}, 400, "unknown format 'docx'"),
        (
            {"method": "GET", "path": "/sparql?query=ASK%7B%7D", "headers": {"Accept": "image/png"}},
            406,
            "application/sparql-results+json",
        ),
        ({"method": "DELETE", "path": "/sparql"}, 405, "GET and POST"),
        ({"method": "GET", "path": "/sparql?query=SELECT+*+%7B+%3Fs+%3Fp+%3Fo+%7D"}, 400, "more than 500 rows"),
        ({"method": "GET", "path": "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri"}, 400, "is not an IRI"),
    ],
)
def test_refusals(sparql: Client, request_kwargs: dict[str, object], status: int, detail: str) -> None:
    response = sparql.request(**request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    body = response.json()
    assert body["error"]["status"] == status and detail in body["error"]["detail"]


def test_syntax_errors_in_html_for_browsers(sparql: Client) -> None:
    page = get(sparql, "SELECT ?x WHERE {", Accept="text/html")
    assert (
        page.status_code == 400
        and "SPARQL syntax error" in page.text
        and page.headers["content-type"].startswith("text/html")
    )  # type: ignore[attr-defined]


def test_cors_preflight(sparql: Client) -> None:
    response = sparql.options(
        "/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "Content-Type" in response.headers["access-control-allow-headers"]


SERVICE_SPELLINGS = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX here: <{url}> SELECT * WHERE {{ SERVICE here:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
    "SELECT * WHERE {{ ?x ?y ?z MINUS {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }}",
    "BASE <{url}> SELECT * WHERE {{ SERVICE <relative> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * # a comment\nWHERE {{ SERVICE\n<{url}>\n{{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE <{url}> {{ }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
]


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback TCP listener that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            received.append(connection.recv(1024) or b"(connected)")
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/", received
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("spelling", SERVICE_SPELLINGS)
def test_service_is_refused_and_nothing_is_fetched(
    sparql: Client, listener: tuple[str, list[bytes]], spelling: str
) -> None:
    url, received = listener
    response = get(sparql, spelling.format(url=url))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "SERVICE is not allowed" in response.json()["error"]["detail"]  # type: ignore[attr-defined]
    time.sleep(0.3)
    assert received == []


def test_query_workers_cannot_reach_the_network(built_embedded: Settings, listener: tuple[str, list[bytes]]) -> None:
    """Defence in depth: a SERVICE that got past the check still reaches nothing.

    (When the system lets query workers leave the network, as it does here.)
    """
    from lod.store.querypool import QueryJob, QueryPool

    url, received = listener
    pool = QueryPool(Path(built_embedded.var_dir), size=1, timeout=5)
    try:
        outcome = asyncio.run(pool.run(QueryJob(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")))
        assert pool.isolated is True, "query workers could not leave the network on this system"
        assert outcome.status == "error"
    finally:
        pool.close()
    time.sleep(0.3)
    assert received == []


def test_a_query_at_start_waits_for_the_workers_outside_its_time_limit(built_embedded: Settings) -> None:
    """Workers start in the background (the server answers before they are up); a query sent at
    once waits for the first of them, and its time limit (here shorter than the start) runs after."""
    from lod.store.querypool import QueryJob, QueryPool

    pool = QueryPool(Path(built_embedded.var_dir), size=1, timeout=0.5)
    launch = pool._launch
    pool._launch = lambda: (time.sleep(1.0), launch())[1]  # type: ignore[method-assign]  # a slow start
    try:
        pool.start()
        outcome = asyncio.run(pool.run(QueryJob("ASK { }")))
        assert outcome.status == "ok", outcome
    finally:
        pool.close()


def test_a_runaway_query_is_stopped(sparql: Client) -> None:
    started = time.monotonic()
    response = get(sparql, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert time.monotonic() - started < 3.5
    assert response.status_code == 503 and response.headers["retry-after"]  # type: ignore[attr-defined]
    assert "ran for more than 2 s" in response.json()["error"]["detail"]  # type: ignore[attr-defined]
    assert get(sparql, LABEL).status_code == 200  # type: ignore[attr-defined]


def test_too_many_queries_at_once_get_503(built: Settings) -> None:
    app = create_app(Settings(**{**built.__dict__, "query_timeout": 2.0, "query_workers": 1, "query_queue": 0}))
    client = Client(app)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        assert get(client, LABEL).status_code == 200  # the worker is up
        results: list[int] = []
        thread = threading.Thread(target=lambda: results.append(get(client, slow).status_code))  # type: ignore[attr-defined]
        thread.start()
        time.sleep(0.5)
        busy = get(client, LABEL + " # another")
        thread.join()
        assert busy.status_code == 503 and busy.headers["retry-after"] == "2"  # type: ignore[attr-defined]
        assert "too many queries at once" in json.loads(busy.text)["error"]["detail"]  # type: ignore[attr-defined]
        assert results == [503]
    finally:
        app.sparql.pool.close()


def test_a_repeated_query_is_answered_from_memory_until_the_next_build(
    data_copy: Path, tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    from lod.store.build import build
    from tests.test_build import PERSON

    settings = make_settings(data_dir=str(data_copy), var_dir=str(tmp_path / "var"))
    build(settings)
    app = create_app(settings)
    client = Client(app)
    runs: list[str] = []
    real_run = app.sparql.pool.run

    async def counted(job: object) -> object:
        runs.append(job.query)  # type: ignore[attr-defined]
        return await real_run(job)  # type: ignore[arg-type]

    app.sparql.pool.run = counted
    count = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> }"

    def people(**headers: str) -> int:
        response = get(client, count, **headers)
        assert response.status_code == 200  # type: ignore[attr-defined]
        if headers:
            return int(next(csv.reader(io.StringIO(response.text.splitlines()[1])))[0])  # type: ignore[attr-defined]
        return int(response.json()["results"]["bindings"][0]["n"]["value"])  # type: ignore[attr-defined]

    try:
        before = people()
        assert people() == before and len(runs) == 1  # the same GET again: from memory
        assert people(Accept="text/csv") == before and len(runs) == 2  # another format is another answer
        (data_copy / "person" / "ri-sang-jo.ttl").write_text(PERSON.format(slug="ri-sang-jo", label="Ri Sang-jo"))
        build(settings)
        assert people() == before + 1 and len(runs) == 3  # a new build: asked again, not the old answer
    finally:
        app.sparql.pool.close()


def test_file_iris_never_read_local_files(sparql: Client, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<urn:a> <urn:b> "SECRET-MARKER" .\n')
    iri = secret.as_uri()
    asks = [
        ({"query": f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}"}, 0),
        ({"query": f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, 0),
        ({"query": f"SELECT * WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"}, 0),
        ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": iri}, 0),
    ]
    for params, rows in asks:
        response = sparql.get("/sparql?" + urllib.parse.urlencode(params))
        assert response.status_code == 200, params
        assert "SECRET-MARKER" not in response.text
        assert len(response.json()["results"]["bindings"]) == rows
    load = sparql.get("/sparql?" + urllib.parse.urlencode({"query": f"LOAD <{iri}>"}))
    assert load.status_code == 403 and "SECRET-MARKER" not in load.text


def test_a_client_that_leaves_stops_its_query(built_embedded: Settings) -> None:
    """The runaway's worker is killed when its client disconnects, not at the (here 60 s) time limit."""
    app = create_app(Settings(**{**built_embedded.__dict__, "query_timeout": 60.0, "query_workers": 1}))
    endpoint = app.sparql
    runaway = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    scope = {"type": "http", "method": "GET", "path": "/sparql", "query_string": runaway.encode(), "headers": []}
    sent: list[dict[str, object]] = []

    async def leave_soon() -> None:
        messages = iter([{"type": "http.request", "body": b"", "more_body": False}])
        endpoint.pool.start()
        before = set(endpoint.pool._workers)

        async def receive() -> dict[str, object]:
            for message in messages:
                return message
            await asyncio.sleep(0.5)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        await asyncio.wait_for(endpoint(scope, receive, send), timeout=20)
        assert not (set(endpoint.pool._workers) & before)  # the worker that ran it is gone

    try:
        asyncio.run(leave_soon())
        assert sent == []
        assert get(Client(app), LABEL).status_code == 200  # type: ignore[attr-defined]  # a new worker answers
    finally:
        endpoint.pool.close()
