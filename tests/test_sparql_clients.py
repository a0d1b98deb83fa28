"""Real SPARQL clients against a real `lod serve`: SPARQLWrapper, rdflib's SPARQLStore, curl.

The server runs with a 2 s query limit; a runaway query is stopped in time while records keep
being served.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import httpx
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from tests.conftest import Backend

PERSONS = (
    "SELECT ?p ?label WHERE { ?p a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
)


def wrapper(server: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server + "sparql")
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_sparqlwrapper_json_xml_csv_and_post(server: str) -> None:
    client = wrapper(server, JSON)
    client.setQuery(PERSONS)
    labels = [b["label"]["value"] for b in client.query().convert()["results"]["bindings"]]  # type: ignore[index, call-overload]
    assert len(labels) == 24 and labels[:2] == ["A. A. Gromyko", "A. M. Puzanov"]
    xml = wrapper(server, XML)
    xml.setQuery(PERSONS)
    document = xml.query().convert()
    assert len(document.getElementsByTagName("result")) == 24  # type: ignore[union-attr]
    table = wrapper(server, CSV)
    table.setQuery(PERSONS)
    assert table.query().convert().decode().splitlines()[0] == "p,label"  # type: ignore[union-attr]
    posted = wrapper(server, JSON, POST)
    posted.setQuery(PERSONS)
    assert [b["label"]["value"] for b in posted.query().convert()["results"]["bindings"]] == labels  # type: ignore[index, call-overload]


def test_sparqlwrapper_construct_into_rdflib(server: str) -> None:
    client = wrapper(server, TURTLE)
    client.setQuery(
        f"CONSTRUCT {{ <{server}id/person/kim-du-bong> ?p ?o }} WHERE {{ <{server}id/person/kim-du-bong> ?p ?o }}"
    )
    graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert (URIRef(f"{server}id/person/kim-du-bong"), None, None) in graph
    assert len(graph) >= 5


def test_rdflib_sparqlstore(server: str) -> None:
    store = SPARQLStore(server + "sparql", returnFormat="json")
    rows = list(
        store.query(
            f"SELECT ?label WHERE {{ <{server}id/person/nam-il> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
        )
    )
    assert [str(row[0]) for row in rows] == ["Nam Il"]  # type: ignore[index]


def test_curl(server: str) -> None:
    output = subprocess.run(
        ["curl", "-s", "-H", "Accept: text/csv", "--data-urlencode", f"query={PERSONS}", server + "sparql"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert output.splitlines()[0] == "p,label" and len(output.splitlines()) == 25
    description = subprocess.run(["curl", "-s", server + "sparql"], capture_output=True, text=True, check=True).stdout
    assert "sd:Service" in description


def children(pid: int) -> dict[int, int]:
    """The child processes of ``pid`` and the CPU time (clock ticks) each has used."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return found


def test_runaway_query_stopped_while_records_keep_answering(server: str, backend: Backend) -> None:
    outcome: dict[str, object] = {}
    pid = httpx.get(server + "healthz").json()["pid"]
    workers = children(pid)

    def runaway() -> None:
        started = time.monotonic()
        response = httpx.get(
            server + "sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
            timeout=30,
        )
        outcome.update(status=response.status_code, seconds=time.monotonic() - started, body=response.text)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    statuses = []
    slowest = 0.0
    with httpx.Client(base_url=server, timeout=5) as http:
        for n in range(50):
            started = time.monotonic()
            statuses.append(http.get(f"/data/person/{['kim-il-sung', 'nam-il', 'pak-ui-won'][n % 3]}.ttl").status_code)
            slowest = max(slowest, time.monotonic() - started)
        assert http.get("/healthz").status_code == 200
    thread.join()
    assert statuses == [200] * 50
    assert slowest < 1.0
    assert outcome["status"] == 503 and float(outcome["seconds"]) < 3.0  # type: ignore[arg-type]
    assert "ran for more than 2 s" in json.loads(str(outcome["body"]))["error"]["detail"]
    if backend.name == "remote":  # lod has no query process to stop: the store's own time limit ends it
        assert children(pid) == {}
        return
    # The runaway's worker was killed (its CPU and memory freed) and replaced; nothing still computes.
    deadline = time.monotonic() + 20
    while len(children(pid)) < len(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    now = children(pid)
    assert len(now) == len(workers) and len(set(workers) - set(now)) == 1
    while True:  # the new worker starts up, then all are idle: under 0.1 s of CPU in half a second
        time.sleep(0.5)
        later = children(pid)
        if sum(later.values()) - sum(now.values()) < 10:
            break
        assert time.monotonic() < deadline, "a query worker keeps computing"
        now = later
