"""The seed page (Puzanov's journal for 25 October 1957), every field of its record."""

from lod.sources import Family, parse_file
from tests.conftest import SEED


def test_seed_record_fields() -> None:
    record = parse_file(SEED)
    assert record.family is Family.NEW_WIDE
    assert record.title.text == "Journal of Soviet Ambassador to the DPRK A.M. Puzanov for 25 October 1957"
    assert (record.date.iso, record.date.printed.text, record.date.precision) == (
        "1957-10-25",
        "October 25, 1957",
        "day",
    )
    assert record.document_type is not None
    assert (record.document_type.slug, record.document_type.label) == ("diary-entry", "Diary Entry")
    assert record.document_type.printed is not None and record.document_type.printed.text == "Diary Entry"
    assert [a.text for a in record.authors] == ["A.M. Puzanov"]
    assert [t.text for t in record.translators] == ["Gary Goldberg"]
    assert record.obtainers == ()
    assert record.translated_for is not None and record.translated_for.text == "NKIDP"
    assert record.citation is not None
    assert record.citation.printed.text == (
        "AVPRF F. 0102, Op. 13, Delo 5, Listy 257-307. Translated for NKIDP by Gary Goldberg."
    )
    [part] = record.citation.parts
    assert part.printed.text == "AVPRF F. 0102, Op. 13, Delo 5, Listy 257-307"
    assert (part.archive, part.fond, part.opis, part.papka, part.delo, part.listy, part.file) == (
        "AVPRF",
        "0102",
        "13",
        None,
        "5",
        "257-307",
        None,
    )
    assert record.record_id is None and record.url is None
    assert [f.text for f in record.funders] == ["ROK Ministry of Unification", "Leon Levy Foundation"]
    assert record.summary is not None and record.summary.text == (
        "Jeong Il-yong discusses the issue concerning the construction of the Seongjin Steel Foundry and "
        "Nam Il informs Puzanov of the Presidium meeting in which Kim Du-bong explains his ties with "
        "Choe Chang-ik and Kim Seung-hwa in the previous year."
    )
    assert record.rights is not None
    assert record.rights.text.startswith("The History and Public Policy Program welcomes reuse")
    assert record.rights.text.endswith("please contact the History and Public Policy Program at [email protected].")
    assert record.header is None
    assert record.signature is not None and record.signature.text == "[signature] (A. PUZANOV)"
    assert record.copies is not None and record.copies.text == "Five copies printed"
    assert [(e.printed.text, e.recipient.text) for e in record.distribution] == [
        ("1 - Gromyko", "Gromyko"),
        ("2 - Fedorenko", "Fedorenko"),
        ("3 - Kurdyukov", "Kurdyukov"),
        ("4 - Solodovnik", "Solodovnik"),
        ("5 - to file", "to file"),
    ]
    assert record.registry is not None and record.registry.text == "Nº 684\n\n26 October 1957\n\nprinted, km and gk"
    assert record.original_language is None and record.classification is None


def test_seed_body_days_and_sections() -> None:
    record = parse_file(SEED)
    assert record.body.text.startswith("25 October 1957\n\nI visited Deputy Premier and Minister of Machinebuilding")
    assert record.body.text.endswith("decided that to hear Kim Du-bong in the Presidium again on Monday, 28 October.")
    [day] = record.days
    assert day.heading is not None and day.heading.text == "25 October 1957"
    assert day.date is not None and day.date.iso == "1957-10-25"
    assert len(day.paragraphs) == 26
    first, second = day.sections
    assert first.text.startswith("I visited Deputy Premier and Minister of Machinebuilding Jeong Il-yong.")
    assert first.text.endswith("were present at the conversation, which lasted an hour and a half.")
    assert second.text.startswith("I visited Nam Il at his invitation.")
    assert second.text.endswith("on Monday, 28 October.")


def test_seed_offsets_point_into_the_normalised_text() -> None:
    record = parse_file(SEED)
    for span in (record.title, record.date.printed, record.summary, record.signature, record.body):
        assert span is not None
        assert record.text[span.start : span.end] == span.text
    assert "\u00a0" not in record.text
    assert record.text.startswith("Skip to content\n\nOctober 25, 1957\n\nJournal of Soviet Ambassador")
