"""The change log on its own: what each build adds, given the records and redirects it has."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lod.store.changes import ChangeLog, Summary, record_changes

A, B, C = (f"http://x/id/person/{name}" for name in ("a", "b", "c"))


@pytest.fixture(params=[False, True], ids=["every record compared", "the touched ones compared"])
def narrow(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def step(
    narrow: bool, tmp_path: Path, n: int, records: dict[str, str], redirects: dict[str, str] | None = None
) -> Summary:
    """Build number ``n`` (its directory ``tmp_path/n``) after build ``n - 1``; with ``narrow``, it
    says which records it touched, as a rebuild does."""
    path = tmp_path / str(n)
    path.mkdir()
    previous = tmp_path / str(n - 1) if n > 1 else None
    table = path / "records.sqlite"
    with sqlite3.connect(table) as db:
        db.execute("CREATE TABLE record (iri TEXT PRIMARY KEY, kind TEXT, digest TEXT)")
        db.executemany("INSERT INTO record VALUES (?, 'person', ?)", records.items())
    db.close()
    touched = None
    if narrow and previous is not None:  # what a rebuild passes: the records it made anew or lost
        with sqlite3.connect(previous / "records.sqlite") as db:
            before = dict(db.execute("SELECT iri, digest FROM record"))
        db.close()
        touched = {iri for iri in before.keys() | records.keys() if before.get(iri) != records.get(iri)}
    end = f"2026-12-0{n}T00:00:00.000Z"
    before = previous / "records.sqlite" if previous is not None else None
    return record_changes(path, previous, table, before, redirects or {}, f"build-{n}", end, touched)


def activities(tmp_path: Path, n: int) -> list[tuple[str, str, str | None]]:
    log = ChangeLog(tmp_path / str(n))
    return [(a.type, a.object, a.target) for a in log.activities(0, 100)]


def test_creates_updates_deletes_and_merges_build_by_build(tmp_path: Path, narrow: bool) -> None:
    assert step(narrow, tmp_path, 1, {A: "1", B: "1"}) == Summary(created=2)
    assert step(narrow, tmp_path, 2, {A: "1", B: "1"}) == Summary()  # nothing changed: nothing added
    assert step(narrow, tmp_path, 3, {A: "2"}) == Summary(updated=1, deleted=1)
    assert ChangeLog(tmp_path / "3").gone(B).target is None  # type: ignore[union-attr]
    # b, deleted before, is found to be a: a Move now, and a 301 from then on
    assert step(narrow, tmp_path, 4, {A: "2"}, {B: A}) == Summary(moved=1)
    assert ChangeLog(tmp_path / "4").gone(B).target == A  # type: ignore[union-attr]
    # an unchanged redirect says nothing
    assert step(narrow, tmp_path, 5, {A: "2", C: "1"}, {B: A}) == Summary(created=1)
    assert activities(tmp_path, 5) == [
        ("Create", A, None),
        ("Create", B, None),
        ("Update", A, None),
        ("Delete", B, None),
        ("Move", B, A),
        ("Create", C, None),
    ]
    assert ChangeLog(tmp_path / "5").total() == 6 and ChangeLog(tmp_path / "3").total() == 4  # each build its own


def test_a_record_that_comes_back_is_created_again_and_no_longer_gone(tmp_path: Path, narrow: bool) -> None:
    step(narrow, tmp_path, 1, {A: "1"})
    step(narrow, tmp_path, 2, {})
    assert step(narrow, tmp_path, 3, {A: "1"}) == Summary(created=1)
    assert ChangeLog(tmp_path / "3").gone(A) is None
    assert [t for t, _, _ in activities(tmp_path, 3)] == ["Create", "Delete", "Create"]


def test_a_log_that_kept_every_digest_is_copied_without_them(tmp_path: Path, narrow: bool) -> None:
    step(narrow, tmp_path, 1, {A: "1", B: "1"})
    with sqlite3.connect(tmp_path / "1" / "changes.sqlite") as db:  # as builds wrote it before
        db.execute("CREATE TABLE record (iri TEXT PRIMARY KEY, kind TEXT NOT NULL, digest TEXT NOT NULL)")
        db.executemany("INSERT INTO record VALUES (?, 'person', '1')", ((A,), (B,)))
    db.close()
    assert step(narrow, tmp_path, 2, {A: "2", B: "1"}) == Summary(updated=1)
    assert activities(tmp_path, 2) == [("Create", A, None), ("Create", B, None), ("Update", A, None)]
    with sqlite3.connect(tmp_path / "2" / "changes.sqlite") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert tables == {"activity", "gone"}
