"""The old layout with its citation block, full (O-A) and reduced (O-B): wilson-format.md §1."""

from __future__ import annotations

import re

from lod.errors import NotADocument
from lod.sources.dates import date_line_iso
from lod.sources.frame import FUNDERS_PREFIX, RECORD_URL, Frame, split_funders
from lod.sources.new_layout import RIGHTS_OPENINGS
from lod.sources.record import DocumentDate, Span
from lod.sources.text import PageText

_CHROME = frozenset(
    {
        "CITATION SHARE DOWNLOAD",
        "• Citation",
        "get citation",
        "• share document",
        "VIEW DOCUMENT IN",
        "English HTML",
        "ADD SEARCH FILTER CANCEL SEARCH FILTER",
    }
)
_END_OF_BODY = frozenset({"Document Information", "Related Documents"})

#: ``"<Title>," <Date>, History and Public Policy Program Digital Archive, <citation>``
QUOTED_CITATION = re.compile(
    r'^["“](?P<title>.+?),?["”],?\s*(?P<date>.*?),\s*'
    r"History and Public Policy Program Digital Archive,\s*(?P<rest>.+)$"
)
#: The same quote without the archive's name: everything after the title is the citation.
LOOSE_CITATION = re.compile(r'^["“](?P<title>.+?),?["”],?\s*(?P<rest>.+)$')


def match_quote(text: str) -> re.Match[str] | None:
    """Match a quoted citation line, strictly if possible."""
    return QUOTED_CITATION.match(text) or LOOSE_CITATION.match(text)


def read_frame(page: PageText) -> Frame:
    """Read the frame of an old-layout page (title from the quoted citation when the line is empty)."""
    lines = page.lines
    texts = [line.text for line in lines]
    date_at = next((i for i in range(min(6, len(lines))) if date_line_iso(texts[i])), None)
    if date_at is None:
        raise NotADocument(page.path, lines[min(2, len(lines) - 1)].number, "no recognisable date line")
    date = DocumentDate(date_line_iso(texts[date_at]) or "", lines[date_at].span)
    cursor = date_at + 1
    title: Span | None = None
    if cursor < len(lines) and not texts[cursor].startswith(FUNDERS_PREFIX) and texts[cursor] not in _CHROME:
        title = lines[cursor].span
        cursor += 1
    funders: tuple[Span, ...] = ()
    if cursor < len(lines) and texts[cursor].startswith(FUNDERS_PREFIX):
        funders = split_funders(lines[cursor].span)
        cursor += 1
    get_at = texts.index("get citation", cursor) if "get citation" in texts[cursor:] else None
    if get_at is None:
        raise NotADocument(page.path, lines[cursor].number, "old layout without its 'get citation' block")
    quote_at = next((i for i in range(get_at + 1, min(get_at + 6, len(lines))) if match_quote(texts[i])), None)
    summary = None
    citation = None
    url = None
    record_id = None
    if quote_at is not None:
        if quote_at > get_at + 1:
            summary = page.lines_span(get_at + 1, quote_at - 1)
        m = match_quote(texts[quote_at])
        assert m is not None
        start = lines[quote_at].start
        if title is None:
            title = page.span(start + m.start("title"), start + m.end("title"))
        citation = page.span(start + m.start("rest"), start + m.end("rest"))
    elif get_at + 1 < len(lines):
        summary = lines[get_at + 1].span
    if title is None:
        raise NotADocument(
            page.path,
            lines[date_at].number + 1,
            "no title line and no quoted citation to take it from",
        )
    body_start = _body_start(texts, get_at)
    for i in range(get_at, body_start):
        if m := RECORD_URL.search(texts[i]):
            url = page.span(lines[i].start + m.start(), lines[i].start + m.end())
            record_id = page.span(lines[i].start + m.start(1), lines[i].start + m.end(1))
            break
    body_end = (
        next(
            (
                i
                for i in range(body_start, len(lines))
                if texts[i] in _END_OF_BODY or texts[i].startswith(RIGHTS_OPENINGS)
            ),
            len(lines),
        )
        - 1
    )
    body = None if body_end < body_start else page.lines_span(body_start, body_end)
    return Frame(
        date=date,
        title=title,
        body=body,
        body_lines=(body_start, body_end) if body else None,
        funders=funders,
        summary=summary,
        citation=citation,
        record_id=record_id,
        url=url,
    )


def _body_start(texts: list[str], get_at: int) -> int:
    """The first line after the citation and share blocks."""
    if "English HTML" in texts[get_at:]:
        return texts.index("English HTML", get_at) + 1
    i = texts.index("• share document", get_at) + 1 if "• share document" in texts[get_at:] else get_at + 3
    while i < len(texts) and (texts[i] in _CHROME or RECORD_URL.fullmatch(texts[i])):
        i += 1
    return i
