"""The benchmark's synthetic corpus builds: `make bench` must work on a fresh clone."""

from __future__ import annotations

from pathlib import Path

from bench.common import corpus
from lod.settings import Settings
from lod.store.build import build
from lod.store.embedded import current_build
from tests.conftest import ROOT


def test_a_small_synthetic_corpus_ingests_and_builds(tmp_path: Path) -> None:
    triples = corpus(tmp_path, 12)
    built = build(Settings(data_dir=str(triples), var_dir=str(tmp_path / "var")))
    kinds = current_build(tmp_path / "var").meta["kinds"]
    bundled_people = len(list((ROOT / "triples" / "person").glob("*.ttl")))
    assert kinds["person"] == bundled_people + 2000  # every synthetic authority record, none refused
    assert kinds["document"] == len(list((ROOT / "triples" / "document").glob("*.trig"))) + 12
    assert built.records == sum(kinds.values())
