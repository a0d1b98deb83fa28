"""The W3C SPARQL 1.1 Protocol test cases that apply to a read-only query endpoint.

Named after the cases of https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/ ;
update cases become refusals (403), as the endpoint is read-only.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest

from lod.settings import Settings
from lod.web.app import create_app
from tests.conftest import BASE, Client

ASK = "ASK { ?s ?p ?o }"
GRAPH = f"{BASE}data/person/nam-il"
OTHER = f"{BASE}data/place/pyongyang"


@pytest.fixture(scope="module")
def endpoint(built: Settings) -> Iterator[Client]:
    app = create_app(built)
    yield Client(app)
    app.sparql.pool.close()


def q(**params: str | list[str]) -> str:
    return "/sparql?" + urllib.parse.urlencode(params, doseq=True)


POSITIVE = [
    ("query_get", "GET", q(query=ASK), {}, b"", "application/sparql-results+json"),
    (
        "query_content_type_select",
        "GET",
        q(query="SELECT * WHERE { ?s ?p ?o } LIMIT 1"),
        {"Accept": "application/sparql-results+xml"},
        b"",
        "application/sparql-results+xml",
    ),
    (
        "query_content_type_ask",
        "GET",
        q(query=ASK),
        {"Accept": "application/sparql-results+xml"},
        b"",
        "application/sparql-results+xml",
    ),
    (
        "query_content_type_describe",
        "GET",
        q(query=f"DESCRIBE <{BASE}id/person/nam-il>"),
        {"Accept": "text/turtle"},
        b"",
        "text/turtle",
    ),
    (
        "query_content_type_construct",
        "GET",
        q(query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"),
        {"Accept": "application/rdf+xml"},
        b"",
        "application/rdf+xml",
    ),
    (
        "query_post_form",
        "POST",
        "/sparql",
        {"Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode({"query": ASK}).encode(),
        "application/sparql-results+json",
    ),
    (
        "query_post_direct",
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query"},
        ASK.encode(),
        "application/sparql-results+json",
    ),
    (
        "query_dataset_default_graph",
        "GET",
        q(query=ASK, **{"default-graph-uri": GRAPH}),
        {},
        b"",
        "application/sparql-results+json",
    ),
    (
        "query_dataset_default_graphs_get",
        "GET",
        q(query=ASK, **{"default-graph-uri": [GRAPH, OTHER]}),
        {},
        b"",
        "application/sparql-results+json",
    ),
    (
        "query_dataset_default_graphs_post",
        "POST",
        q(**{"default-graph-uri": [GRAPH, OTHER]}),
        {"Content-Type": "application/sparql-query"},
        ASK.encode(),
        "application/sparql-results+json",
    ),
    (
        "query_dataset_named_graphs_post",
        "POST",
        "/sparql",
        {"Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(
            {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": [GRAPH, OTHER]}, doseq=True
        ).encode(),
        "application/sparql-results+json",
    ),
    (
        "query_dataset_named_graphs_get",
        "GET",
        q(query="ASK { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": [GRAPH, OTHER]}),
        {},
        b"",
        "application/sparql-results+json",
    ),
    (
        "query_dataset_full",
        "GET",
        q(query="ASK { ?a ?b ?c GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": GRAPH, "named-graph-uri": OTHER}),
        {},
        b"",
        "application/sparql-results+json",
    ),
    (
        "query_multiple_dataset",
        "GET",
        q(query=f"ASK FROM <{GRAPH}> {{ ?s ?p ?o }}", **{"default-graph-uri": OTHER}),
        {},
        b"",
        "application/sparql-results+json",
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "headers", "body", "media"), POSITIVE, ids=[row[0] for row in POSITIVE]
)
def test_positive(
    endpoint: Client, name: str, method: str, path: str, headers: dict[str, str], body: bytes, media: str
) -> None:
    response = endpoint.request(method, path, headers=headers, content=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    if "sparql-results+json" in media:
        assert response.json()["boolean"] is True


NEGATIVE = [
    ("bad_query_method", "PUT", q(query=ASK), {}, b"", 405),
    ("bad_multiple_queries", "GET", q(query=[ASK, ASK]), {}, b"", 400),
    ("bad_query_wrong_media_type", "POST", "/sparql", {"Content-Type": "text/plain"}, ASK.encode(), 415),
    ("bad_query_missing_form_type", "POST", "/sparql", {}, urllib.parse.urlencode({"query": ASK}).encode(), 415),
    ("bad_query_missing_direct_type", "POST", "/sparql", {}, ASK.encode(), 415),
    (
        "bad_query_non_utf8",
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query; charset=ISO-8859-1"},
        ASK.encode("latin-1"),
        415,
    ),
    ("bad_query_syntax", "GET", q(query="ASK {"), {}, b"", 400),
    ("bad_update_get", "GET", q(update="CLEAR ALL"), {}, b"", 403),
    ("bad_update_via_query", "GET", q(query="CLEAR ALL"), {}, b"", 403),
    ("bad_update_post_direct", "POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR ALL", 403),
    (
        "bad_update_post_form",
        "POST",
        "/sparql",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"update=CLEAR+ALL",
        403,
    ),
    ("bad_missing_query_post", "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"", 400),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "headers", "body", "status"), NEGATIVE, ids=[row[0] for row in NEGATIVE]
)
def test_negative(
    endpoint: Client, name: str, method: str, path: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    response = endpoint.request(method, path, headers=headers, content=body)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
