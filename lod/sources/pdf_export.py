"""Third-party copies of the archive's PDF export, with flattened line breaks (wilson-format.md §1)."""

from __future__ import annotations

import re

from lod.errors import NotADocument
from lod.sources.dates import MONTH, date_line_iso
from lod.sources.frame import RECORD_URL, Frame, split_funders
from lod.sources.old_layout import match_quote
from lod.sources.record import DocumentDate, Span
from lod.sources.text import PageText

_PDF = re.compile(
    rf"International History Declassified\s+(?P<date>{MONTH} \d{{1,2}}, \d{{4}}|{MONTH},? \d{{4}}|\d{{4}})\s+"
    r"(?P<title>.+?)\s+Citation:\s*(?P<citation>.+?)\s+Summary:\s*(?P<summary>.+?)"
    r"(?:\s+Credits:\s*(?P<credits>.+?))?"
    r"(?:\s+Original Language:\s*(?P<language>.+?))?"
    r"\s+Contents:\s*(?:(?:English )?(?:Translation|Transcript)\s+)?(?P<body>.+)$",
    re.DOTALL,
)
_CREDITS = re.compile(r"^This document was made possible with support from\s+")


def read_frame(page: PageText) -> Frame:
    """Read the labelled fields of a PDF export."""
    m = _PDF.search(page.text)
    if m is None:
        raise NotADocument(
            page.path,
            page.lines[0].number,
            "PDF export without its labelled fields (date, title, Citation:, Summary:, Contents:)",
        )

    def group(name: str) -> Span | None:
        return page.span(*m.span(name)) if m.group(name) else None

    date_span = group("date")
    title = group("title")
    assert date_span is not None and title is not None
    citation_field = group("citation")
    citation = url = record_id = None
    if citation_field is not None:
        quote = match_quote(citation_field.text)
        citation = citation_field
        if quote is not None:
            citation = page.span(citation_field.start + quote.start("rest"), citation_field.end)
        if u := RECORD_URL.search(citation_field.text):
            url = page.span(citation_field.start + u.start(), citation_field.start + u.end())
            record_id = page.span(citation_field.start + u.start(1), citation_field.start + u.end(1))
    funders: tuple[Span, ...] = ()
    if credits := group("credits"):
        prefix = _CREDITS.match(credits.text)
        offset = prefix.end() if prefix else 0
        funders = split_funders(page.span(credits.start + offset, credits.end))
    return Frame(
        date=DocumentDate(date_line_iso(date_span.text) or "", date_span),
        title=title,
        body=group("body"),
        funders=funders,
        summary=group("summary"),
        citation=citation,
        record_id=record_id,
        url=url,
        original_language=group("language"),
    )
