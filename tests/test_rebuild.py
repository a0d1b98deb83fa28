"""Incremental builds: what a rebuild writes is exactly what changed, and it ends where a fresh build ends.

Each case changes the data of a small synthetic corpus (bundled records, synthetic authorities and
twelve ingested pages) after a first build, rebuilds on top of it, and compares the result with a
fresh build of the same data in another ``var/``: every quad of the store, the VoID statistics,
the dumps byte for byte, and the records the change feed names, which must be exactly the records
whose graphs differ between the first build and the fresh one.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.common import corpus
from lod.pipeline import ingest_pages
from lod.settings import Settings
from lod.store.build import build
from lod.store.embedded import current_build

Edit = Callable[[Path, Path, Settings], None]


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small corpus, built once; each test works on a copy of it (data and var/)."""
    work = tmp_path_factory.mktemp("corpus")
    triples = corpus(work, 12)
    build(Settings(data_dir=str(triples), var_dir=str(work / "var")))
    return work


@pytest.fixture
def copy(first: Path, tmp_path: Path) -> Path:
    shutil.copytree(first / "corpus-12", tmp_path / "corpus-12")
    shutil.copytree(first / "var", tmp_path / "var", symlinks=True)
    return tmp_path


def quads(var: Path) -> tuple[set[ox.Quad], set[ox.NamedNode | ox.BlankNode]]:
    """Every quad of the served store, and its named graphs (a graph can be there with no quads)."""
    store = ox.Store.read_only(str(current_build(var).path / "store"))
    return set(store), set(store.named_graphs())


def graphs(var: Path) -> dict[str, set[ox.Triple]]:
    found: dict[str, set[ox.Triple]] = {}
    for quad in quads(var)[0]:
        if isinstance(quad.graph_name, ox.NamedNode):
            found.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return found


def activities(var: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(current_build(var).path / "changes.sqlite")
    try:
        return [(t, o) for t, o in db.execute("SELECT type, object FROM activity ORDER BY seq")]
    finally:
        db.close()


def meta(var: Path) -> dict[str, object]:
    return dict(current_build(var).meta)


def rebuild(work: Path) -> list[str]:
    messages: list[str] = []
    build(Settings(data_dir=str(work / "corpus-12" / "triples"), var_dir=str(work / "var")), progress=messages.append)
    return messages


def test_an_unchanged_rebuild_writes_nothing_and_changes_nothing(copy: Path) -> None:
    var = copy / "var"
    before_quads, before_log, before_meta = quads(var), activities(var), meta(var)
    messages = rebuild(copy)
    assert any(m.endswith(" record files, 0 of them new or changed; making the records of 0") for m in messages)
    assert "0 records written anew, 0 removed, the others as before" in messages
    assert quads(var) == before_quads
    assert activities(var) == before_log
    after = meta(var)
    assert after["statistics"] == before_meta["statistics"]
    assert after["dumps"] == before_meta["dumps"]  # the same bytes: sizes and SHA-256 checksums


def change_a_meeting(work: Path, triples: Path, settings: Settings) -> None:
    """One page gets another topic in a meeting, and is ingested again."""
    page = sorted((work / "corpus-12" / "pages").glob("*.txt"))[3]
    text = page.read_text(encoding="utf-8")
    topic = text.split("informed me about ", 1)[1].split(". ", 1)[0]
    page.write_text(text.replace(topic, "the supply of tractors to the cooperatives", 1), encoding="utf-8")
    report = ingest_pages([page], settings)
    assert not report.failed


def add_a_page(work: Path, triples: Path, settings: Settings) -> None:
    """A new page arrives: a copy of one with another number and date."""
    pages = sorted((work / "corpus-12" / "pages").glob("*.txt"))
    text = pages[0].read_text(encoding="utf-8").replace("(no. 0)", "(no. 4321)").replace("1955", "1958")
    new = pages[0].with_name("page-004321.txt")
    new.write_text(text, encoding="utf-8")
    report = ingest_pages([new], settings)
    assert not report.failed


def delete_a_page(work: Path, triples: Path, settings: Settings) -> None:
    """A page's records are withdrawn: its file goes."""
    documents = sorted((triples / "document").glob("journal-*1955*.trig"))
    documents[1].unlink()


def rename_a_person(work: Path, triples: Path, settings: Settings) -> None:
    """The most mentioned synthetic person gets another label: every record that refers to him changes."""
    text = "".join(p.read_text(encoding="utf-8") for p in (triples / "document").glob("*.trig"))
    people = sorted((triples / "person").glob("synthetic-*.ttl"), key=lambda p: -text.count(p.stem))
    authority = people[0].read_text(encoding="utf-8")
    label = authority.split('rdfs:label "', 1)[1].split('"', 1)[0]
    people[0].write_text(authority.replace(f'rdfs:label "{label}"', f'rdfs:label "{label} (KWP)"'), encoding="utf-8")


@pytest.mark.parametrize("edit", [change_a_meeting, add_a_page, delete_a_page, rename_a_person])
def test_a_rebuild_writes_exactly_what_changed_and_ends_where_a_fresh_build_ends(copy: Path, edit: Edit) -> None:
    triples, var = copy / "corpus-12" / "triples", copy / "var"
    settings = Settings(data_dir=str(triples), var_dir=str(copy / "scratch"))
    before, log_before = graphs(var), activities(var)
    edit(copy, triples, settings)
    messages = rebuild(copy)
    fresh = copy / "fresh"
    build(Settings(data_dir=str(triples), var_dir=str(fresh)))

    assert quads(var) == quads(fresh)
    assert meta(var)["statistics"] == meta(fresh)["statistics"]
    assert meta(var)["triples"] == meta(fresh)["triples"]
    assert meta(var)["dumps"] == meta(fresh)["dumps"]

    after = graphs(fresh)
    changed = {g for g in set(before) | set(after) if before.get(g) != after.get(g)}
    assert changed, "the edit changed no record"
    logged = activities(var)[len(log_before) :]
    assert {o.replace("/id/", "/data/") for _, o in logged} == changed
    created = {g for g in changed if g not in before}
    deleted = {g for g in changed if g not in after}
    assert {o.replace("/id/", "/data/") for t, o in logged if t == "Create"} == created
    assert {o.replace("/id/", "/data/") for t, o in logged if t == "Delete"} == deleted
    written = len(changed - deleted)
    assert f"{written} records written anew, {len(deleted)} removed, the others as before" in messages


def test_the_dumps_of_a_rebuild_read_as_one_stream(copy: Path) -> None:
    rename_a_person(copy, copy / "corpus-12" / "triples", Settings())
    rebuild(copy)
    folder = current_build(copy / "var").path / "dumps"
    lines = gzip.decompress((folder / "lod.jsonl.gz").read_bytes()).decode().splitlines()
    assert len(lines) == len(graphs(copy / "var"))
    assert all(json.loads(line)["id"].startswith("http") for line in lines)
    dataset = ox.Store()
    dataset.load(gzip.decompress((folder / "lod.ttl.gz").read_bytes()), format=ox.RdfFormat.TURTLE)
    served = ox.Store.read_only(str(current_build(copy / "var").path / "store"))
    assert set(dataset) == set(served.quads_for_pattern(None, None, None, ox.DefaultGraph()))
