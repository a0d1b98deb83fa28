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
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.common import corpus
from lod.errors import ValidationFailed
from lod.pipeline import ingest_pages
from lod.settings import Settings
from lod.store import catalogue
from lod.store.build import build
from lod.store.catalogue import read_catalogue
from lod.store.embedded import current_build
from tests.conftest import ROOT

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


def lists(var: Path) -> dict[str, bytes]:
    folder = current_build(var).path / "lists"
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def names(var: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the name index, table by table, in one order."""
    db = sqlite3.connect(current_build(var).path / "names.sqlite")
    try:
        tables = ("entity", "spelling", "text", "mention")
        found = {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}
        by_record = "SELECT r.iri, t.* FROM text_row r JOIN text t ON t.rowid = r.row"  # each record finds its text
        found["text_row"] = sorted(db.execute(by_record), key=repr)
        assert sorted((row[1:] for row in found["text_row"]), key=repr) == found["text"]
        assert all(row[0] == row[1] for row in found["text_row"])
        return found
    finally:
        db.close()


def rebuild(work: Path) -> list[str]:
    messages: list[str] = []
    build(Settings(data_dir=str(work / "corpus-12" / "triples"), var_dir=str(work / "var")), progress=messages.append)
    return messages


def test_an_unchanged_rebuild_writes_nothing_and_changes_nothing(copy: Path) -> None:
    var = copy / "var"
    before_quads, before_log, before_meta = quads(var), activities(var), meta(var)
    before_lists, before_names = lists(var), names(var)
    before_files = {path.name: path.stat().st_ino for path in (current_build(var).path / "lists").iterdir()}
    messages = rebuild(copy)
    assert any(" record files, 0 of them new or changed; making the records of 0," in m for m in messages)
    assert "0 records written anew, 0 removed, the others as before" in messages
    assert quads(var) == before_quads
    assert activities(var) == before_log
    after = meta(var)
    assert after["statistics"] == before_meta["statistics"]
    assert after["dumps"] == before_meta["dumps"]  # the same bytes: sizes and SHA-256 checksums
    assert lists(var) == before_lists
    assert {path.name: path.stat().st_ino for path in (current_build(var).path / "lists").iterdir()} == before_files
    assert names(var) == before_names


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


@pytest.mark.parametrize("splice", [True, False], ids=["lists spliced", "lists sorted"])
@pytest.mark.parametrize("edit", [change_a_meeting, add_a_page, delete_a_page, rename_a_person])
def test_a_rebuild_writes_exactly_what_changed_and_ends_where_a_fresh_build_ends(
    copy: Path, edit: Edit, splice: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lod.store.build.SPLICE_SHARE", 1.0 if splice else 0.0)
    triples, var = copy / "corpus-12" / "triples", copy / "var"
    settings = Settings(data_dir=str(triples), var_dir=str(copy / "scratch"))
    before, log_before = graphs(var), activities(var)
    edit(copy, triples, settings)
    messages = rebuild(copy)
    fresh = copy / "fresh"
    build(Settings(data_dir=str(triples), var_dir=str(fresh)))

    assert quads(var) == quads(fresh)
    assert meta(var)["statistics"] == meta(fresh)["statistics"]
    for key in ("triples", "records", "kinds", "examples", "dumps"):
        assert meta(var)[key] == meta(fresh)[key], key
    assert lists(var) == lists(fresh)
    assert names(var) == names(fresh)

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
    listed = [m for m in messages if m.startswith("lists spliced: ")]
    assert listed or not (created or deleted)  # a record that appeared or went moves a list
    if listed:
        assert listed[0].endswith("sorted anew: none") if splice else listed[0].startswith("lists spliced: none;")


def no_index(dumps: Path) -> None:
    (dumps / "index.tsv").unlink()  # as a build made before the index left it


def cut_short(dumps: Path) -> None:
    data = (dumps / "lod.nq.gz").read_bytes()
    (dumps / "lod.nq.gz").write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", [no_index, cut_short])
def test_a_rebuild_that_cannot_reuse_the_dumps_makes_every_file_again(
    copy: Path, damage: Callable[[Path], None]
) -> None:
    triples, var = copy / "corpus-12" / "triples", copy / "var"
    damage(current_build(var).path / "dumps")
    change_a_meeting(copy, triples, Settings(data_dir=str(triples), var_dir=str(copy / "scratch")))
    messages = rebuild(copy)
    build(Settings(data_dir=str(triples), var_dir=str(copy / "fresh")))
    files = len(read_catalogue(current_build(var).path).files)
    assert any(f"of them new or changed; making the records of {files}," in m for m in messages)
    assert meta(var)["dumps"] == meta(copy / "fresh")["dumps"]
    assert quads(var) == quads(copy / "fresh")


def test_the_dumps_are_copied_through_user_space_where_the_kernel_cannot(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    triples, var = copy / "corpus-12" / "triples", copy / "var"
    change_a_meeting(copy, triples, Settings(data_dir=str(triples), var_dir=str(copy / "scratch")))
    monkeypatch.setattr(os, "copy_file_range", refused)
    messages = rebuild(copy)
    build(Settings(data_dir=str(triples), var_dir=str(copy / "fresh")))
    assert any("of them new or changed; making the records of 1," in m for m in messages)
    assert meta(var)["dumps"] == meta(copy / "fresh")["dumps"]


def test_a_rebuild_checks_the_records_that_refer_to_a_record_that_changed_class(copy: Path) -> None:
    """A group becomes a place: the people who were members of it no longer conform, though their
    files did not change. The rebuild finds what a fresh build finds, and the served build stays."""
    triples, var = copy / "corpus-12" / "triples", copy / "var"
    served = current_build(var).id
    group = triples / "group" / "kwp-cc-presidium.ttl"
    group.write_text(
        group.read_text().replace(
            "<id/group/kwp-cc-presidium> a crm:E74_Group", "<id/group/kwp-cc-presidium> a crm:E53_Place"
        )
    )
    with pytest.raises(ValidationFailed) as rebuilt:
        rebuild(copy)
    with pytest.raises(ValidationFailed) as fresh:
        build(Settings(data_dir=str(triples), var_dir=str(copy / "fresh")))
    assert rebuilt.value.violations == fresh.value.violations
    members = {(v.record, v.rule) for v in rebuilt.value.violations if v.rule.endswith("member_of")}
    rule = "Named/P107i_is_current_or_former_member_of"
    assert members >= {(f"person/{slug}", rule) for slug in ("kim-du-bong", "kim-il-sung", "pak-jeong-ae")}
    assert current_build(var).id == served


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


def test_a_file_whose_stamp_is_as_before_is_not_read_and_one_rewritten_in_place_is(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "_SETTLED_NS", 0)  # every stamp counts, however new the file
    rebuild(copy)  # the copy has new inodes: every file is hashed once more, and stamped
    path = current_build(copy / "var").path / catalogue.FILE
    triples = copy / "corpus-12" / "triples"
    person = sorted((triples / "person").glob("synthetic-*.ttl"))[0]
    name = person.relative_to(triples).as_posix()
    with sqlite3.connect(path) as db:  # a checksum the file does not have: only reading it would tell
        db.execute("UPDATE file SET sha256 = 'not read' WHERE path = ?", (name,))
    db.close()
    messages = rebuild(copy)
    assert any(" record files, 0 of them new or changed; making the records of 0," in m for m in messages)
    assert read_catalogue(current_build(copy / "var").path).files[name] == "not read"  # type: ignore[union-attr]

    status = person.stat()
    text = person.read_text(encoding="utf-8")
    person.write_text(text.replace('rdfs:label "', 'rdfs:label "X', 1)[:-1], encoding="utf-8")  # same size
    os.utime(person, ns=(status.st_atime_ns, status.st_mtime_ns))  # and the same modification time
    assert person.stat().st_size == status.st_size
    messages = rebuild(copy)
    assert any(" record files, 1 of them new or changed; " in m for m in messages)  # read, and found changed


def test_files_changed_just_before_a_build_are_hashed_by_the_next(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogue, "_SETTLED_NS", 300_000_000)
    triples = copy / "corpus-12" / "triples"
    time.sleep(0.4)  # the copy's files are settled by now
    late = sorted((triples / "person").glob("*.ttl"))[0]
    os.utime(late)
    rebuild(copy)
    found = read_catalogue(current_build(copy / "var").path)
    assert found is not None
    assert set(found.files) == set(found.stamps) | {late.relative_to(triples).as_posix()}
    assert late.relative_to(triples).as_posix() not in found.stamps


def entries(build_path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    """A catalogue's records and files (their checksums, not their stamps), and the rows its journal holds."""
    db = sqlite3.connect(f"file:{build_path / catalogue.FILE}?mode=ro", uri=True)
    try:
        records = db.execute("SELECT * FROM record ORDER BY iri").fetchall()
        files = db.execute("SELECT path, sha256 FROM file ORDER BY path").fetchall()
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        kept = sum(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables if t.startswith("undo_"))
        return records, files, kept
    finally:
        db.close()


def test_a_rebuild_takes_the_catalogue_over_instead_of_copying_it(copy: Path) -> None:
    triples, var = copy / "corpus-12" / "triples", copy / "var"
    served = current_build(var).path
    inode = (served / catalogue.FILE).stat().st_ino
    change_a_meeting(copy, triples, Settings(data_dir=str(triples), var_dir=str(copy / "scratch")))
    rebuild(copy)
    build(Settings(data_dir=str(triples), var_dir=str(copy / "fresh")))
    now = current_build(var).path
    assert now != served and not (served / catalogue.FILE).exists()
    assert (now / catalogue.FILE).stat().st_ino == inode  # moved, not copied
    records, files, kept = entries(now)
    assert (records, files) == entries(current_build(copy / "fresh").path)[:2]
    assert kept == 0


def test_a_failed_rebuild_gives_the_catalogue_back_as_it_was(copy: Path) -> None:
    triples, var = copy / "corpus-12" / "triples", copy / "var"
    served = current_build(var).path
    before = entries(served)
    change_a_meeting(copy, triples, Settings(data_dir=str(triples), var_dir=str(copy / "scratch")))
    broken = triples / "person" / "broken.ttl"
    broken.write_text("<id/person/broken> a <http://www.cidoc-crm.org/cidoc-crm/E21_Person ;\n")
    with pytest.raises(ValidationFailed):
        rebuild(copy)
    assert current_build(var).path == served
    assert entries(served) == before
    broken.unlink()
    messages = rebuild(copy)
    assert any(f"unchanged files as in build {served.name}" in m for m in messages)
    assert any(" record files, 1 of them new or changed; " in m for m in messages)
    build(Settings(data_dir=str(triples), var_dir=str(copy / "fresh")))
    assert quads(var) == quads(copy / "fresh")
    assert entries(current_build(var).path)[:2] == entries(current_build(copy / "fresh").path)[:2]


KILL = """
import os, sys
from lod.settings import Settings
from lod.store import build
setattr(build, sys.argv[3], lambda *args, **kwargs: os._exit(9))  # killed there: no handler runs
build.build(Settings(data_dir=sys.argv[1], var_dir=sys.argv[2]))
"""


@pytest.mark.parametrize(
    "where", ["_update", "_switch", "forget_journal"], ids=["while making", "before the switch", "after the switch"]
)
def test_the_catalogue_a_killed_rebuild_took_over_is_put_right_by_the_next(copy: Path, where: str) -> None:
    triples, var = copy / "corpus-12" / "triples", copy / "var"
    first, log_before = current_build(var).path, activities(var)
    before = graphs(var)
    change_a_meeting(copy, triples, Settings(data_dir=str(triples), var_dir=str(copy / "scratch")))
    killed = subprocess.run([sys.executable, "-c", KILL, str(triples), str(var), where], cwd=ROOT)
    assert killed.returncode == 9
    switched = where == "forget_journal"
    assert (current_build(var).path == first) != switched
    messages = rebuild(copy)
    build(Settings(data_dir=str(triples), var_dir=str(copy / "fresh")))
    assert any(" record files, 0 of them new or changed; " in m for m in messages) == switched
    assert quads(var) == quads(copy / "fresh")
    records, files, kept = entries(current_build(var).path)
    assert (records, files) == entries(current_build(copy / "fresh").path)[:2]
    assert kept == 0
    after = graphs(var)
    changed = {g for g in set(before) | set(after) if before.get(g) != after.get(g)}
    assert changed and {o.replace("/id/", "/data/") for _, o in activities(var)[len(log_before) :]} == changed
