"""The quirk classes of wilson-format.md §11, each on a small page built for the purpose."""

from __future__ import annotations

import pytest

from lod.errors import NotADocument, UnreadablePage
from lod.sources import Family, parse_page
from lod.sources.text import decode, normalise

RIGHTS = (
    "The History and Public Policy Program welcomes reuse of Digital Archive materials for research.\n\n\n"
    "To enquire about this document's rights status, contact HAPP@wilsoncenter.org."
)


def n1(
    body: str,
    *,
    date: str = "March 3, 1958",
    title: str = "Journal of Soviet Ambassador to the DPRK A. M. Puzanov for 3 March 1958",
    citation: str = "AVPRF F. 0102, Op. 14, Delo 8, Listy 1-9. Translated for NKIDP by Gary Goldberg.",
    tail: str = "Original Uploaded Date\n\n\n\nDiary Entry\n\n\nRecord ID\n\n\n\nLeon Levy Foundation",
) -> str:
    """A wide new-layout page around ``body``."""
    return (
        f"Skip to content\n\n{date}\n\n{title}\n\n"
        "This document was made possible with support from Leon Levy Foundation\n\n"
        f"{body}\n\n\n"
        "Puzanov and Nam Il discuss the schedule of the delegation and the harvest in the northern provinces.\n\n"
        f"Document Information\n\n\n{citation}\n\n\n{RIGHTS}\n\n{tail}"
    )


DAY = "I visited Nam Il.\n\n\nNam Il said that the delegation would leave on Monday.\n\n\n[signature] (A. PUZANOV)"


# §11.1 normalise first


def test_normalise_spaces_whitespace_lines_and_blank_runs() -> None:
    page = normalise("p.txt", "\ufeffA\u00a0B  \r\n \u00a0 \r\n\r\n\r\n\r\nC\tD\n")
    assert [(line.text, line.number, line.blank_before) for line in page.lines] == [("A B", 1, 0), ("C D", 6, 4)]
    assert page.text == "A B\n\nC D"


def test_decode_refuses_empty_binary_and_non_utf8() -> None:
    with pytest.raises(UnreadablePage, match="empty"):
        decode("e.txt", b" \n\n ")
    with pytest.raises(UnreadablePage, match="binary"):
        decode("b.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(UnreadablePage, match=r"l\.txt:2: the file is not UTF-8"):
        decode("l.txt", "Skip to content\nK\u00e1das".encode("latin-1"))


def test_nbsp_in_tail_funders_is_a_plain_separator() -> None:
    record = parse_page(
        "p.txt",
        n1(
            f"3 March 1958\n\n\n{DAY}",
            tail="Record ID\n\n\n\nROK Ministry of Unification\u00a0and Leon Levy Foundation",
        ),
    )
    assert [f.text for f in record.funders] == ["ROK Ministry of Unification", "Leon Levy Foundation"]


# §11.2 detect the family; title from the quote; record ID from a URL only


def test_flat_scrape_is_n2_and_wide_is_n1() -> None:
    wide = n1(f"3 March 1958\n\n\n{DAY}")
    flat = "\n".join(line for line in wide.splitlines() if line.strip())
    assert parse_page("w.txt", wide).family is Family.NEW_WIDE
    assert parse_page("f.txt", flat).family is Family.NEW_FLAT
    assert parse_page("f.txt", flat).title.text == parse_page("w.txt", wide).title.text


def test_old_reduced_layout_takes_its_title_from_the_quoted_citation() -> None:
    page = (
        "Search in\n\nDigital Archive International History Declassified\n\nSeptember 01, 1975\n\n\n"
        "This document was made possible with support from the Leon Levy Foundation\n\n"
        "  \u2022 Citation\n\n    get citation\n\n    The GDR Embassy reports on the mood in Pyongyang.\n"
        '    "Report from the GDR Embassy to the DPRK, 1 September 1975," September 01, 1975, History and Public '
        "Policy Program Digital Archive, Political Archive of the Federal Foreign Office, Berlin (PolA AA), MfAA. "
        "Obtained and translated for NKIDP by Bernd Schaefer.\n  \u2022 share document\n\n\nEnglish HTML\n\n"
        "GDR Embassy to the DPRK\n\nDear Comrade Liebermann!\n\nThe harvest was reported to be good this year.\n"
    )
    record = parse_page("ob.txt", page)
    assert record.family is Family.OLD_REDUCED
    assert record.title.text == "Report from the GDR Embassy to the DPRK, 1 September 1975"
    assert record.record_id is None and record.url is None
    assert [o.text for o in record.obtainers] == [t.text for t in record.translators] == ["Bernd Schaefer"]


def test_record_id_comes_only_from_a_document_url() -> None:
    record = parse_page("p.txt", n1(f"3 March 1958\n\n\n{DAY}\n\nNº 115650\n\n4 March 1958"))
    assert record.record_id is None
    with_id = n1(
        f"3 March 1958\n\n\n{DAY}",
        tail="Original Uploaded Date\n\nDiary Entry\n\nRecord ID\n\n116155\n\nLeon Levy Foundation",
    )
    record_id = parse_page("p.txt", with_id).record_id
    assert record_id is not None and record_id.text == "116155"


# §11.3 anchor the tail from the end


def test_tail_with_classification_and_no_funders_line() -> None:
    page = n1(
        f"3 March 1958\n\n\n{DAY}",
        tail="Original Uploaded Date\n\n2011-11-21\n\nRecord ID\n\nOriginal Classification\n\nTop Secret",
    )
    record = parse_page("p.txt", page)
    assert record.classification is not None and record.classification.text == "Top Secret"
    assert record.document_type is not None and record.document_type.printed is None  # inferred from the title
    assert [f.text for f in record.funders] == ["Leon Levy Foundation"]  # from the funders line
    assert record.summary is not None and record.summary.text.startswith("Puzanov and Nam Il discuss")


def test_flat_sidebar_labels_are_ignored() -> None:
    wide = n1(f"3 March 1958\n\n\n{DAY}").replace(
        "\n\nDocument Information",
        "\n\nAuthor(s):\n\nAssociated Places\n\nRelated Documents\n\nDocument Information\n\nSource",
    )
    flat = "\n".join(line for line in wide.splitlines() if line.strip())
    record = parse_page("f.txt", flat)
    assert record.summary is not None and record.summary.text.startswith("Puzanov and Nam Il discuss")
    assert record.citation is not None and record.citation.parts[0].archive == "AVPRF"


# §11.4 split the body into days, supplying years across the year boundary


def test_days_without_years_cross_the_year_boundary() -> None:
    body = (
        "30 December\n\n\nI received Kim Chang-man at his request.\n\n\n"
        "2 January\n\n\nI visited Nam Il.\n\n\n[signature] (V. Ivanov)"
    )
    record = parse_page(
        "p.txt",
        n1(
            body,
            date="January 2, 1956",
            title="Journal of Soviet Ambassador in the DPRK V. I. Ivanov for 2 January 1956",
        ),
    )
    assert [(d.heading.text if d.heading else None, d.date.iso if d.date else None) for d in record.days] == [
        ("30 December", "1955-12-30"),
        ("2 January", "1956-01-02"),
    ]


@pytest.mark.parametrize("separator", ["x x x", "xxx", "[…]", "[...]"])
def test_separators_split_sections(separator: str) -> None:
    body = f"3 March 1958\n\n\nI visited Nam Il.\n\n\n{separator}\n\n\nI received Kim Il.\n\n\n[signature] (A. PUZANOV)"
    [day] = parse_page("p.txt", n1(body)).days
    assert [s.text for s in day.sections] == ["I visited Nam Il.", "I received Kim Il."]


def test_leading_ellipsis_and_long_blank_runs_split_sections() -> None:
    body = (
        "3 March 1958\n\n\nI visited Nam Il.\n\n\n\n\nI received Pak Ui-won.\n\n\n"
        "…I accidentally encountered Pak Ui-wan during a hunt.\n\n\n[signature] (A. PUZANOV)"
    )
    [day] = parse_page("p.txt", n1(body)).days
    assert [s.text for s in day.sections] == [
        "I visited Nam Il.",
        "I received Pak Ui-won.",
        "…I accidentally encountered Pak Ui-wan during a hunt.",
    ]


def test_unbalanced_header_brackets_stay_in_the_header() -> None:
    body = (
        "of Soviet Ambassador in the DPRK A. M. Puzanov for the period\n\n"
        "OF A. M. PUZANOV MFA stamp:                     Copy Nº 3\n\n"
        '"to Cdes. [[N. P. Varnov?]] and Samsonov, G. Ye.\n\n'
        "25 March 1960 9 April 1960]\n\n"
        f"3 March 1958\n\n\n{DAY}"
    )
    record = parse_page("p.txt", n1(body))
    assert record.header is not None and record.header.text.endswith("25 March 1960 9 April 1960]")
    assert record.header.text.startswith("of Soviet Ambassador in the DPRK")
    [day] = record.days
    assert day.heading is not None and day.heading.text == "3 March 1958"


def test_registry_and_distribution_variants() -> None:
    body = (
        f"3 March 1958\n\n\n{DAY}\n\n"
        "Five copies printed - vp\n\n1st - to Cde. A. A. Gromyko\n\n2. - Cde. Fedorenko\n\n4- to the USSR MFA UVPI\n\n"
        "5 - to file\n\nNº 0286/dv\n\n4 March 1958\n\nme/MB"
    )
    record = parse_page("p.txt", n1(body))
    assert record.copies is not None and record.copies.text == "Five copies printed - vp"
    assert [e.recipient.text for e in record.distribution] == [
        "to Cde. A. A. Gromyko",
        "Cde. Fedorenko",
        "to the USSR MFA UVPI",
        "to file",
    ]
    assert record.registry is not None and record.registry.text == "Nº 0286/dv\n\n4 March 1958\n\nme/MB"


# bad input: a clear message naming the file and the line


@pytest.mark.parametrize(
    ("page", "line", "message"),
    [
        ("Skip to content\n\nResults:\n\n1 - 10 of 108\n\nDocuments\n", 5, "search listing"),
        (
            "Skip to content\n\nPlaceholder image for when a portrait image is not available\n\nKim Il\n",
            3,
            "entity page",
        ),
        (
            "Skip to content\n\nJournal of Ambassador Puzanov\n\nThis document was made possible with support from X\n",
            3,
            "no recognisable date",
        ),
        (
            "Skip to content\n\nMarch 3, 1958\n\n"
            "This document was made possible with support from X\n\nI visited Nam Il.\n",
            5,
            "no title",
        ),
        ("Some notes\nabout nothing in particular\n", 1, "not a recognisable archive page"),
    ],
)
def test_pages_that_are_not_documents(page: str, line: int, message: str) -> None:
    with pytest.raises(NotADocument, match=message) as caught:
        parse_page("odd.txt", page)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"odd.txt:{line}: ")
