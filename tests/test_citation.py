"""Archival citations (wilson-format.md §6): key synonyms, several parts, clauses."""

import pytest

from lod.sources.citation import parse_citation
from lod.sources.record import Span


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_citation(Span(100, 100 + len(text), text))


UNITS = [
    (
        "AVPRF F. 0102, Op. 13, Delo 5, Listy 257-307",
        "AVPRF",
        {"fond": "0102", "opis": "13", "delo": "5", "listy": "257-307"},
    ),
    (
        "AVPRF F. 0102, Op. 13, P. 72, Delo 5, Listy 165-192",
        "AVPRF",
        {"fond": "0102", "opis": "13", "papka": "72", "delo": "5", "listy": "165-192"},
    ),
    (
        "AVPRF fond 0102, opis 16, delo 7, p.16-42",
        "AVPRF",
        {"fond": "0102", "opis": "16", "delo": "7", "listy": "16-42"},
    ),
    (
        "AVPRF, fond 0102, opis 19, papka 97, delo 4, list 169",
        "AVPRF",
        {"fond": "0102", "opis": "19", "papka": "97", "delo": "4", "listy": "169"},
    ),
    (
        "AVPRF, Fond 059a, Opis 5a, Delo 4, Papka 11, Listy 159-160",
        "AVPRF",
        {"fond": "059a", "opis": "5a", "delo": "4", "papka": "11", "listy": "159-160"},
    ),
    ("APRF, fond 45, opis 1, delo 335, list 3.", "APRF", {"fond": "45", "opis": "1", "delo": "335", "listy": "3"}),
    ("APRF, Listy 146-147, Fond and Opis not given", "APRF", {"listy": "146-147"}),
    (
        "RGANI, Fond 5, Opis 28, Delo 410, List 210.",
        "RGANI",
        {"fond": "5", "opis": "28", "delo": "410", "listy": "210"},
    ),
    (
        "TsAMO RF, fond 5, opis 918795, delo 121, list 720.",
        "TsAMO RF",
        {"fond": "5", "opis": "918795", "delo": "121", "listy": "720"},
    ),
    ("PRC FMA 106-01403-02, 35.", "PRC FMA", {"file": "106-01403-02", "listy": "35"}),
    ("PRC FMA 106-01379-13, 16-19.", "PRC FMA", {"file": "106-01379-13", "listy": "16-19"}),
    ("MNL OL XIX-J-1-j É-Korea, 1972, 60. doboz, 81-146, 00394.", "MNL OL", {}),
    ("BStU, ZA, HA X, 245, p. 50-51.", "BStU", {"listy": "50-51"}),
    ("Polish Foreign Ministry Archive.", "Polish Foreign Ministry Archive", {}),
]


@pytest.mark.parametrize(("text", "archive", "units"), UNITS, ids=[u[0][:30] for u in UNITS])
def test_archive_units(text: str, archive: str, units: dict[str, str]) -> None:
    citation = parse(text)
    [part] = citation.parts
    assert (part.archive, part.units()) == (archive, units)
    assert citation.translators == () and citation.obtainers == ()


CLAUSES = [
    ("Translated for NKIDP by Gary Goldberg.", [], ["Gary Goldberg"], "NKIDP"),
    ("Translated by Jeffrey Wang and Charles Kraus.", [], ["Jeffrey Wang", "Charles Kraus"], None),
    ("Obtained and translated for NKIDP by Sergey Radchenko.", ["Sergey Radchenko"], ["Sergey Radchenko"], "NKIDP"),
    ("Obtained by James F. Person and translated by Gary Goldberg.", ["James F. Person"], ["Gary Goldberg"], None),
    (
        "Obtained for NKIDP by Jakub Poprocki and translated for NKIDP by Maya Latynski.",
        ["Jakub Poprocki"],
        ["Maya Latynski"],
        "NKIDP",
    ),
    ("Obtained by Ana Lalaj and translated by Enkel Daljani.", ["Ana Lalaj"], ["Enkel Daljani"], None),
    ("translation by Vladislav M. Zubok (National Security Archive)", [], ["Vladislav M. Zubok"], None),
]


@pytest.mark.parametrize(("clause", "obtainers", "translators", "for_whom"), CLAUSES, ids=[c[0][:30] for c in CLAUSES])
def test_clauses(clause: str, obtainers: list[str], translators: list[str], for_whom: str | None) -> None:
    text = f"AVPRF, Fond 0102, Opis 11, Delo 6, Listy 1-5. {clause}"
    citation = parse(text)
    assert [o.text for o in citation.obtainers] == obtainers
    assert [t.text for t in citation.translators] == translators
    assert (citation.translated_for.text if citation.translated_for else None) == for_whom
    assert citation.parts[0].units() == {"fond": "0102", "opis": "11", "delo": "6", "listy": "1-5"}
    for span in (*citation.obtainers, *citation.translators):
        assert text[span.start - 100 : span.end - 100] == span.text


def test_several_archive_parts_and_a_url() -> None:
    text = (
        "APRF, Fond 3, Opis 65, Delo 776, Listy 1-3; and AVPRF, Fond 059a, Opis 5a, Delo 4, Papka 11, Listy 159-160. "
        "Translated by James F. Person. https://digitalarchive.wilsoncenter.org/document/112046"
    )
    citation = parse(text)
    assert [(p.archive, p.units()) for p in citation.parts] == [
        ("APRF", {"fond": "3", "opis": "65", "delo": "776", "listy": "1-3"}),
        ("AVPRF", {"fond": "059a", "opis": "5a", "delo": "4", "papka": "11", "listy": "159-160"}),
    ]
    assert [t.text for t in citation.translators] == ["James F. Person"]


def test_obtained_clause_after_a_semicolon() -> None:
    citation = parse("AVP RF; obtained by NHK, provided to CWIHP, copy on file at National Security Archive")
    assert [p.archive for p in citation.parts] == ["AVPRF"]
    assert [o.text for o in citation.obtainers] == ["NHK"]
