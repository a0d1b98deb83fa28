"""Builds: validated, atomic, and harmless when they fail or are killed."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import pytest

from lod.errors import BuildError, ValidationFailed
from lod.search.index import Rows
from lod.settings import Settings
from lod.store.build import LOAD_AHEAD, _load, build
from lod.store.embedded import EmbeddedStore, current_build
from lod.store.graphs import Made
from tests.conftest import ROOT, Client, lod_env

PERSON = """@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/person/{slug}> a crm:E21_Person ;
    rdfs:label "{label}" ;
    crm:P1_is_identified_by <id/person/{slug}#name-1> .
<id/person/{slug}#name-1> a crm:E33_E41_Linguistic_Appellation ;
    crm:P190_has_symbolic_content "{label}" ;
    crm:P2_has_type <id/concept/primary-name> .
"""


def settings_for(data: Path, tmp_path: Path) -> Settings:
    return Settings(data_dir=str(data), var_dir=str(tmp_path / "var"))


def served_label(settings: Settings, slug: str) -> int:
    from lod.web.app import create_app

    return Client(create_app(settings)).get(f"/data/person/{slug}", headers={"Accept": "text/turtle"}).status_code


def test_build_switches_to_the_new_store(data_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(data_copy, tmp_path)
    first = build(settings)
    (data_copy / "person" / "ri-sang-jo.ttl").write_text(PERSON.format(slug="ri-sang-jo", label="Ri Sang-jo"))
    second = build(settings)
    assert current_build(Path(settings.var_dir)).id == second.id != first.id
    assert second.records == first.records + 1
    assert served_label(settings, "ri-sang-jo") == 200


def test_a_syntax_error_fails_the_build_and_keeps_the_served_store(data_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(data_copy, tmp_path)
    first = build(settings)
    bad = data_copy / "person" / "broken.ttl"
    bad.write_text("<id/person/broken> a <http://www.cidoc-crm.org/cidoc-crm/E21_Person ;\n")
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    [violation] = failed.value.violations
    assert violation.record == str(bad) and violation.rule == "syntax"
    assert "line 1" in violation.message or "1:" in violation.message
    assert current_build(Path(settings.var_dir)).id == first.id
    assert served_label(settings, "kim-il-sung") == 200


@pytest.mark.parametrize("previous", [False, True], ids=["full", "rebuild"])
def test_a_file_that_cannot_be_read_is_named(data_copy: Path, tmp_path: Path, previous: bool) -> None:
    settings = settings_for(data_copy, tmp_path)
    first = build(settings) if previous else None
    folder = data_copy / "person" / "a-folder.ttl"
    folder.mkdir()
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    [violation] = failed.value.violations
    assert (violation.record, violation.rule) == (str(folder), "unreadable")
    assert violation.message == "cannot read: Is a directory"
    if first is None:
        assert not (Path(settings.var_dir) / "current").exists()
    else:
        assert current_build(Path(settings.var_dir)).id == first.id


def test_a_shape_violation_names_the_record_and_the_rule(data_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(data_copy, tmp_path)
    nameless = PERSON.format(slug="no-name", label="No Name").replace(
        "<id/concept/primary-name>", "<id/concept/alternate-name>"
    )
    (data_copy / "person" / "no-name.ttl").write_text(nameless)
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    assert [(v.record, v.rule) for v in failed.value.violations] == [("person/no-name", "Named/P1_is_identified_by")]
    assert "exactly one primary name" in failed.value.violations[0].message
    assert not (Path(settings.var_dir) / "current").exists()


def test_references_to_missing_records_fail_the_build(data_copy: Path, tmp_path: Path) -> None:
    text = (data_copy / "person" / "kim-du-bong.ttl").read_text()
    (data_copy / "person" / "kim-du-bong.ttl").write_text(
        text.replace("<id/group/kwp-cc-presidium>", "<id/group/no-such-group>")
    )
    with pytest.raises(ValidationFailed) as failed:
        build(settings_for(data_copy, tmp_path))
    assert [(v.record, v.rule) for v in failed.value.violations] == [("person/kim-du-bong", "reference")]


def test_a_record_that_describes_another_fails(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / "person" / "impostor.ttl").write_text(PERSON.format(slug="kim-il-sung", label="Kim Il Sung"))
    with pytest.raises(ValidationFailed) as failed:
        build(settings_for(data_copy, tmp_path))
    assert {v.rule for v in failed.value.violations} >= {"describes-itself", "own-subjects"}


def test_a_build_loaded_in_many_pieces_holds_what_one_load_holds(data_copy: Path, tmp_path: Path) -> None:
    whole = build(Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "whole"), load_piece=0))
    pieces = build(Settings(data_dir=str(data_copy), var_dir=str(tmp_path / "pieces"), load_piece=500))
    stores = [ox.Store.read_only(str(result.path / "store")) for result in (whole, pieces)]
    assert len(stores[0]) > 5 * 2 * 500  # named and default graphs: many pieces
    assert set(stores[0]) == set(stores[1])
    assert set(stores[0].named_graphs()) == set(stores[1].named_graphs())
    metas = [current_build(tmp_path / name).meta for name in ("whole", "pieces")]
    assert metas[0]["statistics"] == metas[1]["statistics"] and metas[0]["triples"] == metas[1]["triples"]
    assert not any((result.path / "loading").exists() for result in (whole, pieces))  # the pieces' files went


def test_a_load_that_fails_fails_the_build_and_leaves_nothing_waiting(tmp_path: Path) -> None:
    class Full:
        def bulk_load(self, path: Path, **_: Any) -> None:
            assert path.read_bytes().count(b"\n") == 10  # a piece is whole when it is handed over
            raise OSError(28, "No space left on device")

    quads = b"<urn:s> <urn:p> <urn:o> <urn:g> .\n"
    many = 10 * 10 * LOAD_AHEAD  # pieces of 10 quads
    files = (Made(f"f{n}", [("urn:s", "", quads, b"")], (b"", b"", b""), Rows(), [], set()) for n in range(many))
    kept: list[str] = []
    with pytest.raises(OSError, match="No space left"):
        _load(cast(ox.Store, Full()), files, lambda file: kept.append(file.name), lambda said: None, 10, tmp_path / "p")
    assert 0 < len(kept) < many  # the build stopped taking files soon after the load failed


def test_one_build_at_a_time(data_copy: Path, tmp_path: Path) -> None:
    import fcntl

    settings = settings_for(data_copy, tmp_path)
    (tmp_path / "var" / "stores").mkdir(parents=True)
    with (tmp_path / "var" / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(BuildError, match="another build is running"):
            build(settings)


def test_unfinished_builds_are_swept_and_old_ones_pruned(data_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(data_copy, tmp_path)
    build(settings)
    partial = tmp_path / "var" / "stores" / "20000101T000000000000Z"
    (partial / "store").mkdir(parents=True)
    build(settings)
    third = build(settings)
    stores = sorted(p.name for p in (tmp_path / "var" / "stores").iterdir())
    assert partial.name not in stores
    assert len(stores) == settings.keep_stores and stores[-1] == third.id


def _bulk_data(data: Path, people: int) -> None:
    """Enough records that loading takes a noticeable time."""
    folder = data / "person"
    for n in range(people):
        (folder / f"synthetic-person-{n}.ttl").write_text(
            PERSON.format(slug=f"synthetic-person-{n}", label=f"Person {n}")
        )


def test_a_build_that_cannot_write_says_so_and_the_previous_store_stays(data_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(data_copy, tmp_path)
    first = build(settings)
    nam_il = data_copy / "person" / "nam-il.ttl"
    nam_il.write_text(nam_il.read_text().replace('"Nam Il"', '"Nam Il (renamed)"'))

    def small_files() -> None:  # as a full disk would: writing past 64 KB fails (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))

    env = lod_env(data_dir=str(data_copy), var_dir=settings.var_dir)
    for extra in ([], ["--full"]):
        command = [sys.executable, "-m", "lod.cli", "build", *extra]
        failed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, preexec_fn=small_files)
        assert failed.returncode == 1, failed.stderr
        last = failed.stderr.strip().splitlines()[-1]
        assert last.startswith("Error: build failed; the served store is unchanged.") and settings.var_dir in last
        assert "Traceback" not in failed.stderr
        assert current_build(Path(settings.var_dir)).id == first.id
        assert [p.name for p in (tmp_path / "var" / "stores").iterdir()] == [first.id]
    assert served_label(settings, "nam-il") == 200
    messages: list[str] = []
    after = build(settings, progress=messages.append)  # the served build's catalogue was given back
    assert f"reading records from {data_copy}/, unchanged files as in build {first.id}" in messages
    quads = EmbeddedStore(Path(settings.var_dir)).graph_quads("http://127.0.0.1:8000/data/person/nam-il")
    assert after.id != first.id and ox.Literal("Nam Il (renamed)") in {q.object for q in quads}


def test_a_killed_build_leaves_the_previous_store_served(data_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(data_copy, tmp_path)
    first = build(settings)
    _bulk_data(data_copy, 3000)
    env = lod_env(data_dir=str(data_copy), var_dir=settings.var_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "lod.cli", "build"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("build: reading records"):
            time.sleep(0.2)  # well inside the reading of 3,000 extra files
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert current_build(Path(settings.var_dir)).id == first.id
    store = EmbeddedStore(Path(settings.var_dir))
    assert store.has_graph("http://127.0.0.1:8000/data/person/kim-il-sung")
    assert not store.has_graph("http://127.0.0.1:8000/data/person/synthetic-person-0")
    assert served_label(settings, "kim-il-sung") == 200
    leftovers = [p for p in (tmp_path / "var" / "stores").iterdir() if p.name != first.id]
    assert leftovers and all(not (p / "build.json").exists() for p in leftovers)  # the killed build's directory
    messages: list[str] = []
    after = build(settings, progress=messages.append)
    assert f"reading records from {data_copy}/, unchanged files as in build {first.id}" in messages  # catalogue back
    assert sorted(p.name for p in (tmp_path / "var" / "stores").iterdir()) == sorted([first.id, after.id])
    assert served_label(settings, "synthetic-person-2999") == 200
