"""Splicing a kind's list: the same bytes as sorting its records anew, whatever goes and comes."""

from __future__ import annotations

import array
import random
from pathlib import Path

import pytest

from lod.store import build as building

Row = tuple[str, str | None]


def write_sorted(folder: Path, kind: str, rows: list[Row]) -> None:
    """The list as a build that sorts writes it: by the label as shown, case folded, then the slug."""
    folder.mkdir(exist_ok=True)
    ordered = sorted(rows, key=lambda row: (building._list_key(row[1], row[0]), row[0]))
    offsets, text = array.array("Q"), b""
    for slug, label in ordered:
        offsets.append(len(text))
        text += building._list_line(slug, label)
    if not rows:
        return
    (folder / f"{kind}.tsv").write_bytes(text)
    building._write_offsets(folder / f"{kind}.idx", offsets)


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())} if folder.exists() else {}


LABELS = ["Kim Il Sung", "kim il sung", "Pak Chang-ok", "Ch'oe Yong-gŏn", "Émile", "  spaced\tout  ", None, "Zhou"]


def rows(rng: random.Random, count: int) -> list[Row]:
    return [(f"r{n:04d}", rng.choice(LABELS) or None) for n in rng.sample(range(10_000), count)]


@pytest.mark.parametrize("seed", range(40))
def test_a_spliced_list_is_the_sorted_list_of_the_records_after_the_change(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(building, "SPLICE_SHARE", float("inf"))  # these lists are small: splice whatever moves
    rng = random.Random(seed)
    before = rows(rng, rng.randint(1, 60))
    gone = rng.sample(before, rng.randint(0, len(before)))
    renamed = [(slug, rng.choice(LABELS)) for slug, _ in rng.sample(gone, len(gone) // 2)]
    taken = {slug for slug, _ in before}
    new = [row for row in rows(rng, rng.randint(0, 10)) if row[0] not in taken]
    after = [row for row in before if row not in gone] + renamed + new
    write_sorted(tmp_path / "kept", "person", before)
    write_sorted(tmp_path / "sorted", "person", after)
    (tmp_path / "spliced").mkdir()

    assert building._splice(tmp_path / "kept", tmp_path / "spliced", "person", gone, renamed + new)
    assert files(tmp_path / "spliced") == files(tmp_path / "sorted")


def test_a_list_whose_line_is_not_where_its_label_puts_it_is_not_spliced(tmp_path: Path) -> None:
    write_sorted(tmp_path / "kept", "person", [("a", "Alpha"), ("b", "Beta")])
    (tmp_path / "new").mkdir()
    assert not building._splice(tmp_path / "kept", tmp_path / "new", "person", [("b", "Gamma")], [])
    assert not building._splice(tmp_path / "kept", tmp_path / "new", "group", [], [("c", "Gamma")])
    assert files(tmp_path / "new") == {}


def test_a_list_where_too_much_moves_is_sorted_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_sorted(tmp_path / "kept", "person", [(f"r{n}", f"Name {n}") for n in range(100)])
    (tmp_path / "new").mkdir()
    monkeypatch.setattr(building, "SPLICE_SHARE", 0.01)
    assert not building._splice(tmp_path / "kept", tmp_path / "new", "person", [("r1", "Name 1"), ("r2", "Name 2")], [])
    assert building._splice(tmp_path / "kept", tmp_path / "new", "person", [("r1", "Name 1")], [])
