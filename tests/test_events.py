"""Events from the journal's own formulas: attended, reported and planned meetings kept apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lod.ingest.authority import Authority, Name, load_authorities
from lod.ingest.document import resolve
from lod.ingest.events import Event
from lod.ingest.names import NameIndex
from lod.sources import parse_file
from lod.uris import Uris
from tests.conftest import BASE, ROOT, SEED

EVENT_PAGES = sorted((Path(__file__).parent / "events").glob("*.txt"))


def summary(event: Event) -> dict[str, Any]:
    return {
        "status": event.status.value,
        "kinds": sorted(event.kinds),
        "date": event.date,
        "initiator": event.initiator.label if event.initiator else None,
        "participants": sorted(p.label for p in event.participants),
        "duration_seconds": event.seconds,
        "place": event.place.label if event.place else None,
    }


def test_seed_events() -> None:
    index = NameIndex(load_authorities(ROOT / "triples", Uris(BASE)))
    events = [summary(e) for e in resolve(parse_file(SEED), index).events]
    assert events == [
        {
            "status": "attended",
            "kinds": ["conversation", "meeting"],
            "date": "1957-10-25",
            "initiator": "Jeong Il-yong",  # "The main issue about which Jeong Il-yong invited me"
            "participants": ["A. M. Puzanov", "Jeong Il Len", "Jeong Il-yong", "Pak Yen Bin", "Ri Dong-yong"],
            "duration_seconds": 5400,
            "place": None,
        },
        {
            "status": "attended",
            "kinds": ["meeting"],
            "date": "1957-10-25",
            "initiator": "Nam Il",  # "at his invitation"
            "participants": ["A. M. Puzanov", "Nam Il"],
            "duration_seconds": None,
            "place": None,
        },
        {
            "status": "reported",
            "kinds": ["session"],
            "date": "1957-10-25",  # "today's KWP CC Presidium meeting"
            "initiator": "KWP CC Presidium",
            "participants": ["KWP CC Presidium", "Kim Du-bong", "Kim Il Sung"],
            "duration_seconds": 14400,  # "for four hours, said Nam Il"
            "place": None,
        },
        {
            "status": "planned",
            "kinds": ["session"],
            "date": "1957-10-28",  # "on Monday, 28 October"
            "initiator": "KWP CC Presidium",
            "participants": ["KWP CC Presidium", "Kim Du-bong"],
            "duration_seconds": None,
            "place": None,
        },
    ]


def _index(spec: dict[str, Any]) -> NameIndex:
    authorities = [
        Authority(
            f"urn:{i}",
            entry["kind"],
            f"a-{i}",
            entry["label"],
            tuple(Name(n) for n in entry["names"]) + tuple(Name(n, True) for n in entry.get("short", [])),
        )
        for i, entry in enumerate(spec["authorities"])
    ]
    return NameIndex(authorities)


@pytest.mark.parametrize("page", EVENT_PAGES, ids=lambda p: p.stem)
def test_composed_journal_events(page: Path) -> None:
    spec = json.loads(page.with_suffix(".events.json").read_text(encoding="utf-8"))
    resolved = resolve(parse_file(page), _index(spec))
    assert [a.label for a in resolved.authors][:1] == [spec["author"]]
    want = [{**e, "kinds": sorted(e["kinds"]), "participants": sorted(e["participants"])} for e in spec["events"]]
    assert [summary(e) for e in resolved.events] == want


def test_there_are_composed_event_pages() -> None:
    assert len(EVENT_PAGES) >= 5
