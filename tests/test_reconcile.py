"""/reconcile (W3C Reconciliation Service API 0.2) and /search, on a real `lod serve` process,
each response validated against the API's JSON Schemas (tests/data/reconciliation-0.2/)."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

HERE = Path(__file__).parent / "data" / "reconciliation-0.2"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"


def validator(name: str) -> jsonschema.protocols.Validator:
    """The validator of one schema, its references (type.json) resolved from the same folder."""
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in HERE.glob("*.json")}
    registry: Registry = Registry()
    for file, schema in documents.items():
        resource = Resource.from_contents(schema, default_specification=DRAFT7)
        registry = registry.with_resources([(file, resource), (schema.get("$id", file), resource)])
    schema = documents[name]
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return cls(schema, registry=registry)


def valid(name: str, document: Any) -> Any:
    validator(name).validate(document)
    return document


def reconcile(server: str, queries: dict[str, Any]) -> dict[str, Any]:
    """A batch sent as OpenRefine sends it (the batch itself validated), its results validated."""
    valid("reconciliation-query-batch.json", queries)
    response = httpx.post(f"{server}reconcile", data={"queries": json.dumps(queries)}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    return dict(valid("reconciliation-result-batch.json", response.json()))


def test_the_manifest(server: str) -> None:
    manifest = valid("manifest.json", httpx.get(f"{server}reconcile").json())
    assert {t["id"] for t in manifest["defaultTypes"]} == {"person", "group", "place", "document", "event"}
    assert manifest["identifierSpace"] == f"{server}id/" and "{{id}}" in manifest["preview"]["url"]
    assert manifest["suggest"]["entity"]["service_url"] + manifest["suggest"]["entity"]["service_path"] == (
        f"{server}reconcile/suggest/entity"
    )


def test_spellings_find_the_person_and_only_a_close_one_is_a_match(server: str) -> None:
    batch = {
        "q0": {"query": "Kim Il-sung", "type": "person"},
        "q1": {"query": "KIM IL SUNG"},
        "q2": {"query": "Kim Ilsung", "type": ["person"], "limit": 2},
        "q3": {"query": "Nam Ul", "type": "person"},
        "q4": {"query": "Kim", "type": "person"},
    }
    results = reconcile(server, batch)
    kim = f"{server}id/person/kim-il-sung"
    for key in ("q0", "q1", "q2"):
        first = results[key]["result"][0]
        assert first["id"] == kim and first["match"] is True and first["name"] == "Kim Il Sung"
        assert first["type"] == [{"id": "person", "name": "Person"}]
    assert len(results["q2"]["result"]) <= 2
    assert results["q3"]["result"][0]["id"] == f"{server}id/person/nam-il" and not results["q3"]["result"][0]["match"]
    assert not any(r["match"] for r in results["q4"]["result"])


def test_properties_rerank(server: str) -> None:
    kim = f"{server}id/person/kim-il-sung"
    plain = reconcile(server, {"q": {"query": "Kim Il-sung"}})["q"]["result"][0]
    member = {"pid": "group", "v": f"{server}id/group/kwp-cc"}
    stranger = {"pid": "group", "v": "History and Public Policy Program"}
    within = {"pid": "date", "v": "1957"}
    results = reconcile(
        server,
        {
            "a": {"query": "Kim Il-sung", "properties": [member, within]},
            "b": {"query": "Kim Il-sung", "properties": [stranger]},
        },
    )
    a, b = results["a"]["result"][0], results["b"]["result"][0]
    assert a["id"] == kim and a["score"] > plain["score"] - 1 and {"id": "group", "value": True} in a["features"]
    assert {"id": "date", "value": True} in a["features"]
    assert b["score"] < plain["score"] and {"id": "group", "value": False} in b["features"]


def test_jsonp_and_get(server: str) -> None:
    queries = urllib.parse.quote(json.dumps({"q0": {"query": "Nam Il"}}))
    response = httpx.get(f"{server}reconcile?queries={queries}&callback=jsonp123", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/javascript")
    text = response.text
    assert text.startswith("/**/jsonp123(") and text.endswith(");")
    body = valid("reconciliation-result-batch.json", json.loads(text[len("/**/jsonp123(") : -2]))
    assert body["q0"]["result"][0]["id"] == f"{server}id/person/nam-il"
    assert httpx.get(f"{server}reconcile?callback=alert(1)").status_code == 400


def test_suggest_preview_and_extension(server: str) -> None:
    entities = valid(
        "suggest-entities-response.json", httpx.get(f"{server}reconcile/suggest/entity?prefix=Kim I").json()
    )
    assert f"{server}id/person/kim-il-sung" in [e["id"] for e in entities["result"]]
    types = valid("suggest-types-response.json", httpx.get(f"{server}reconcile/suggest/type?prefix=pl").json())
    assert [t["id"] for t in types["result"]] == ["place"]
    props = valid(
        "suggest-properties-response.json", httpx.get(f"{server}reconcile/suggest/property?prefix=doc").json()
    )
    assert "documents" in [p["id"] for p in props["result"]]
    proposal = httpx.get(f"{server}reconcile/properties?type=person&limit=3").json()
    assert len(valid("data-extension-property-proposal.json", proposal)["properties"]) == 3
    kim, nobody = f"{server}id/person/kim-il-sung", f"{server}id/person/nobody"
    query = {
        "ids": [kim, nobody],
        "properties": [{"id": "documents"}, {"id": "groups"}, {"id": "born"}, {"id": "first"}],
    }
    valid("data-extension-query.json", query)
    response = httpx.post(f"{server}reconcile", data={"extend": json.dumps(query)}, timeout=30)
    extended = valid("data-extension-response.json", response.json())
    counted = httpx.get(
        f"{server}sparql",
        params={"query": f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d <{CRM}P67_refers_to> <{kim}> }}"},
        headers={"accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"][0]["n"]["value"]  # fmt: skip
    row = extended["rows"][kim]
    assert row["documents"] == [{"int": int(counted)}] and int(counted) >= 1
    assert {g["id"] for g in row["groups"]} == {f"{server}id/group/kwp-cc-presidium", f"{server}id/group/kwp-cc"}
    assert all(g["name"] and g["name"] != g["id"] for g in row["groups"])  # the groups' labels
    assert row["born"] == [] and row["first"][0]["date"].startswith("1957-10-25")
    assert extended["rows"][nobody] == {"documents": [], "groups": [], "born": [], "first": []}
    card = httpx.get(f"{server}reconcile/preview", params={"id": kim})
    assert card.status_code == 200 and "Kim Il Sung" in card.text and "KIM IL SUNG" in card.text


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"queries": "{not json"}, "queries: not JSON"),
        ({"queries": "[1, 2]"}, "queries: a JSON object"),
        ({"queries": json.dumps({"q": {"query": 5}})}, "queries.q: an object with a string 'query'"),
        ({"queries": json.dumps({"q": {"query": "Kim", "type": "planet"}})}, "queries.q.type: unknown type 'planet'"),
        ({"queries": json.dumps({"q": {"query": "Kim", "limit": -1}})}, "queries.q.limit"),
        (
            {"queries": json.dumps({"q": {"query": "Kim", "properties": [{"pid": "colour", "v": 1}]}})},
            "unknown property",
        ),
        (
            {"queries": json.dumps({"q": {"query": "Kim", "properties": [{"pid": "date", "v": "soon"}]}})},
            "a date is a year",
        ),
        ({"queries": json.dumps({f"q{n}": {"query": "Kim"} for n in range(10_000)})}, "at most 1000 queries"),
        ({"queries": json.dumps({"q": {"query": "x" * 1000}})}, "at most 300 characters"),
        ({"extend": json.dumps({"ids": ["x"], "properties": [{"id": "colour"}]})}, "extend.properties: unknown"),
        ({"extend": "[]"}, "extend: a JSON object"),
    ],
)
def test_bad_input_is_a_400_that_says_what(server: str, data: dict[str, str], where: str) -> None:
    response = httpx.post(f"{server}reconcile", data=data, timeout=60)
    assert response.status_code == 400 and where in response.json()["error"]["detail"], response.text


def test_empty_names_have_no_candidates(server: str) -> None:
    results = reconcile(server, {"a": {"query": ""}, "b": {"query": " .-- "}})
    assert results == {"a": {"result": []}, "b": {"result": []}}


def test_search(server: str) -> None:
    found = httpx.get(f"{server}search", params={"q": "Kim Il-sung"}).json()
    first = found["results"][0]
    assert first["id"] == f"{server}id/person/kim-il-sung" and first["kind"] == "person" and first["dates"] == "1957"
    assert first["matched"] == "Kim Il-sung" and first["level"] == "printed"
    documents = httpx.get(f"{server}search", params={"q": "Puzanov journal", "type": "document"}).json()["results"]
    assert [r["kind"] for r in documents] == ["document"] and "Puzanov" in documents[0]["label"]
    page = httpx.get(f"{server}search", params={"q": "Nam Il"}, headers={"accept": "text/html"})
    assert page.status_code == 200 and f'href="{server}id/person/nam-il"' in page.text
    assert httpx.get(f"{server}search").status_code == 400
    assert httpx.get(f"{server}search", params={"q": "Kim", "limit": "0"}).status_code == 400
    home = httpx.get(server, headers={"accept": "text/html"}).text
    assert 'action="/search"' in home
