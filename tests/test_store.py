"""The store contract, on both backends; remote builds; and a remote store that fails and comes back.

The remote store is a real Oxigraph server (PyPI ``oxigraph``) on a free loopback port.
"""

from __future__ import annotations

import base64
import http.server
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import ClassVar

import httpx
import pyoxigraph as ox
import pytest

from lod.errors import BuildError
from lod.settings import Settings
from lod.store.backend import Store, open_store
from lod.store.build import build
from lod.store.embedded import current_build
from lod.store.publish import JOURNAL
from lod.store.remote import RemoteStore
from lod.store.statistics import LINK_PROPERTIES, TARGETS, statistics
from lod.uris import KINDS, Uris
from tests.conftest import OxigraphServer, free_port, serving
from tests.test_build import PERSON

State = tuple[dict[str, frozenset[ox.Triple]], frozenset[ox.Triple]]


def state(store: Store) -> State:
    """Every graph's triples, and the default graph's."""
    graphs = {row["g"].value for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    named = {g: frozenset(q.triple for q in store.graph_quads(g)) for g in graphs}
    return named, frozenset(store.query("CONSTRUCT WHERE { ?s ?p ?o }"))


def records_of(settings: Settings) -> list[str]:
    build_ = current_build(Path(settings.var_dir))
    uris = Uris(settings.base)
    return [uris.data(kind, slug) for kind in KINDS for slug, _ in build_.slugs(kind)]


def test_the_contract(built: Settings) -> None:
    store = open_store(built)
    assert store.is_up() and store.build.id == current_build(Path(built.var_dir)).id
    graphs = records_of(built)
    assert len(graphs) == 211
    named, default = state(store)
    assert sorted(named) == sorted(graphs)  # one graph per record, nothing else
    assert default == frozenset().union(*named.values())  # the default graph is their merge
    person = f"{built.base}data/person/kim-du-bong"
    assert store.has_graph(person) and not store.has_graph(f"{built.base}data/person/nobody")
    assert store.graph_quads(f"{built.base}data/person/nobody") == []
    assert {q.graph_name for q in store.graph_quads(person)} == {ox.NamedNode(person)}
    assert isinstance(store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), ox.QuerySolutions)
    assert bool(store.query(f"ASK {{ <{built.base}id/person/kim-du-bong> ?p ?o }}")) is True
    assert bool(store.query("ASK { <urn:nothing> ?p ?o }")) is False


def test_the_default_graph_is_the_merge_when_a_referred_label_is_not_a_plain_string(
    data_copy: Path, tmp_path: Path
) -> None:
    chinese = data_copy / "concept" / "chinese.ttl"
    chinese.write_text(chinese.read_text().replace('rdfs:label "Chinese" ;', 'rdfs:label "Chinese"@en ;'))
    settings = Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "var"))
    build(settings)
    named, default = state(open_store(settings))
    assert default == frozenset().union(*named.values())
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    chinese_iri = ox.NamedNode(f"{settings.base}id/concept/chinese")
    referring = named[f"{settings.base}data/concept/languages"]
    assert ox.Triple(chinese_iri, label, ox.Literal("Chinese", language="en")) in default
    assert not any(t.subject == chinese_iri and t.predicate == label for t in referring)  # no label to copy


def test_the_statistics_are_what_the_count_queries_give(built_embedded: Settings) -> None:
    store = ox.Store.read_only(str(current_build(Path(built_embedded.var_dir)).path / "store"))

    def rows(query: str) -> ox.QuerySolutions:
        found = store.query(query)
        assert isinstance(found, ox.QuerySolutions)
        return found

    def number(query: str) -> int:
        return int(next(iter(rows(query)))["n"].value)

    def grouped(query: str) -> list[tuple[str, int]]:
        return sorted((row["k"].value, int(row["n"].value)) for row in rows(query))

    found = statistics(store)
    assert number("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == found.triples
    assert number("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }") == found.distinct_subjects
    assert number("SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }") == found.distinct_objects
    assert grouped("SELECT ?k (COUNT(DISTINCT ?s) AS ?n) { ?s a ?k } GROUP BY ?k") == sorted(found.classes.items())
    assert grouped("SELECT ?k (COUNT(*) AS ?n) { ?s ?k ?o } GROUP BY ?k") == sorted(found.properties.items())
    links = 'SELECT (COUNT(*) AS ?n) {{ ?s <{}> ?o FILTER(STRSTARTS(STR(?o), "{}")) }}'
    for target, (_, prefix) in TARGETS.items():
        for predicate in LINK_PROPERTIES:
            said = [n for t, p, n in found.links if (t, p) == (target, predicate)]
            assert number(links.format(predicate, prefix)) == (said[0] if said else 0)
    assert found.links and found.triples > found.distinct_subjects > 100


def test_both_backends_hold_the_same_dataset(built_embedded: Settings, tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph")
    server.start()
    try:
        remote = Settings(**{**built_embedded.__dict__, "var_dir": str(tmp_path / "var"), "store_url": server.url})
        build(remote)
        assert state(open_store(remote)) == state(open_store(built_embedded))
    finally:
        server.stop()


def edit_data(data: Path) -> None:
    """One record added, one changed, one removed."""
    (data / "person" / "ri-sang-jo.ttl").write_text(PERSON.format(slug="ri-sang-jo", label="Ri Sang-jo"))
    text = (data / "person" / "nam-il.ttl").read_text()
    (data / "person" / "nam-il.ttl").write_text(
        text.replace('rdfs:label "Nam Il" ;', 'rdfs:label "Nam Il" ;\n    crm:P3_has_note "x" ;')
    )
    (data / "place" / "kilchu.ttl").unlink()
    for path in (data / "document").glob("*.trig"):  # Kilchu is mentioned in the seed: drop the document too
        path.unlink()


def test_a_remote_build_writes_only_what_changed(data_copy: Path, tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph")
    server.start()
    try:
        settings = Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "var"), store_url=server.url)
        build(settings)
        messages: list[str] = []
        build(settings, progress=messages.append)
        assert "published: 0 record graphs written, 0 removed" in messages  # nothing changed, nothing written
        before = len(records_of(settings))
        edit_data(data_copy)
        messages.clear()
        build(settings, progress=messages.append)
        removed = before + 1 - len(records_of(settings))  # one added, the rest of the difference removed
        assert f"published: 2 record graphs written, {removed} removed" in messages
        reference = Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "embedded"))
        build(reference)
        assert state(open_store(settings)) == state(open_store(reference))
    finally:
        server.stop()


def test_a_build_cut_off_midway_reports_and_the_rerun_converges(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = OxigraphServer(tmp_path / "oxigraph")
    server.start()
    try:
        settings = Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "var"), store_url=server.url)
        build(settings)
        served = current_build(Path(settings.var_dir)).id
        shutil.rmtree(data_copy / "document")  # 200 records fewer: a bulk publication
        (data_copy / "person" / "ri-sang-jo.ttl").write_text(PERSON.format(slug="ri-sang-jo", label="Ri Sang-jo"))
        real_delete = RemoteStore.delete_graph
        calls = []

        def crash_at_the_fiftieth(self: RemoteStore, graph: str) -> None:
            calls.append(graph)
            if len(calls) == 50:
                server.kill()  # the store dies halfway
            real_delete(self, graph)

        monkeypatch.setattr(RemoteStore, "delete_graph", crash_at_the_fiftieth)
        with pytest.raises(BuildError) as stopped:
            build(settings)
        assert "publishing stopped after 49 of" in str(stopped.value) and "run `lod build` again" in str(stopped.value)
        assert current_build(Path(settings.var_dir)).id == served  # the served build is the old one
        assert (Path(settings.var_dir) / JOURNAL).exists()
        monkeypatch.setattr(RemoteStore, "delete_graph", real_delete)
        server.start()  # the same data directory: what was written stays written
        build(settings)
        assert not (Path(settings.var_dir) / JOURNAL).exists()
        reference = Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "embedded"))
        build(reference)
        assert state(open_store(settings)) == state(open_store(reference))  # converged, no duplicates
    finally:
        server.stop()


def test_a_store_that_dies_while_serving_gets_503s_then_service_comes_back(data_copy: Path, tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph")
    server.start()
    port = free_port()
    settings = Settings(base=f"http://127.0.0.1:{port}/", port=port, data_dir=str(data_copy),
                        var_dir=str(tmp_path / "var"), store_url=server.url, store_timeout=2.0)  # fmt: skip
    build(settings)
    try:
        with serving(settings, tmp_path / "serve.log") as base, httpx.Client(base_url=base, timeout=10) as http:
            warm = http.get("/data/person/nam-il.ttl")
            assert warm.status_code == 200
            assert server.process is not None
            server.process.send_signal(signal.SIGSTOP)  # a store that hangs: lod gives up at store_timeout
            started = time.monotonic()
            slow = http.get("/data/person/kim-il-sung.ttl")
            assert slow.status_code == 503 and slow.headers["retry-after"] and time.monotonic() - started < 6
            server.process.send_signal(signal.SIGCONT)
            server.kill()  # a store that is gone
            started = time.monotonic()
            cold = http.get("/data/person/pak-ui-won.ttl")
            query = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
            health = http.get("/healthz")
            assert time.monotonic() - started < 8  # within the timeouts: no hung request
            for response in (cold, query, health):
                assert response.status_code == 503 and response.headers["retry-after"], response.text
            assert health.json()["store"] == {"kind": "remote", "status": "down"}
            again = http.get("/data/person/nam-il.ttl")  # what was rendered before is still served
            assert again.status_code == 200 and again.content == warm.content
            server.start()
            assert http.get("/data/person/pak-ui-won.ttl").status_code == 200  # back by itself
            assert http.get("/healthz").json()["store"]["status"] == "up"
            assert http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    finally:
        server.stop()


class _Guard(http.server.BaseHTTPRequestHandler):
    """A proxy in front of the store that asks writers for a password, as a production store would."""

    upstream: ClassVar[str] = ""
    seen: ClassVar[list[tuple[str, str, bool]]] = []

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        writes = self.command in ("PUT", "DELETE") or self.path.startswith("/update")
        authorized = self.headers.get("authorization") == "Basic " + base64.b64encode(b"builder:s3cret").decode()
        self.seen.append((self.command, self.path.split("?")[0], "authorization" in self.headers))
        if writes and not authorized:
            self.send_response(401)
            self.send_header("www-authenticate", 'Basic realm="store"')
            self.send_header("content-length", "0")
            self.end_headers()
            return
        headers = {
            k: v for k, v in self.headers.items() if k.lower() not in ("host", "authorization", "content-length")
        }
        answer = httpx.request(self.command, self.upstream + self.path, content=body, headers=headers, timeout=30)
        self.send_response(answer.status_code)
        for name in ("content-type",):
            if name in answer.headers:
                self.send_header(name, answer.headers[name])
        self.send_header("content-length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, *args: object) -> None:
        pass


def test_writes_carry_the_credentials_and_reads_do_not(data_copy: Path, tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph")
    server.start()
    _Guard.upstream, _Guard.seen = server.url, []
    guard = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Guard)
    threading.Thread(target=guard.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{guard.server_address[1]}"
    try:
        anonymous = Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "var"), store_url=url)
        with pytest.raises(BuildError) as refused:
            build(anonymous)
        assert "answered 401" in str(refused.value)
        _Guard.seen.clear()
        settings = Settings(**{**anonymous.__dict__, "store_user": "builder", "store_password": "s3cret"})
        assert "s3cret" not in repr(settings)
        build(settings)
        assert open_store(settings).has_graph(f"{settings.base}data/person/nam-il")
        assert {auth for method, path, auth in _Guard.seen if method in ("PUT", "DELETE")} == {True}
        assert {auth for method, path, auth in _Guard.seen if path == "/query"} == {False}
    finally:
        guard.shutdown()
        guard.server_close()
        server.stop()
