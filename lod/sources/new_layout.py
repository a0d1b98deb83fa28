"""The new layout, wide (N1) and flat (N2) scrapes: wilson-format.md §2."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lod.errors import NotADocument
from lod.sources.dates import date_line_iso
from lod.sources.frame import FUNDERS_PREFIX, Frame, split_funders
from lod.sources.record import DocumentDate, Span
from lod.sources.text import PageText

#: Sidebar labels that the flat scrape keeps without their values (§2 item 10, 11).
SIDEBAR_LABELS = frozenset(
    {
        "Author(s):",
        "Associated People & Organizations",
        "Associated Places",
        "Associated Topics",
        "Subjects Discussed",
        "Related Documents",
        "Document Information",
        "Source",
        "Original Archive",
        "Rights",
    }
)
RIGHTS_OPENINGS = (
    "The History and Public Policy Program welcomes",
    "To enquire about this document",
)
_ISO_VALUE = re.compile(r"^\d{4}-\d{2}(?:-\S*)?$")


def read_frame(page: PageText) -> Frame:
    """Read the frame of a new-layout page; the document proper is left as a line range."""
    lines = page.lines
    texts = [line.text for line in lines]
    first = 1 if texts[0] == "Skip to content" else 0
    date_at = next((i for i in range(first, min(first + 3, len(lines))) if date_line_iso(texts[i])), None)
    if date_at is None:
        raise NotADocument(
            page.path,
            lines[first].number,
            f"no recognisable date line (expected e.g. 'October 25, 1957', found {texts[first]!r})",
        )
    date = DocumentDate(date_line_iso(texts[date_at]) or "", lines[date_at].span)
    title_at = date_at + 1
    if title_at >= len(lines) or texts[title_at].startswith(FUNDERS_PREFIX) or texts[title_at] in SIDEBAR_LABELS:
        number = lines[min(title_at, len(lines) - 1)].number
        raise NotADocument(page.path, number, "no title line after the date line")
    cursor = title_at + 1
    funders: tuple[Span, ...] = ()
    if cursor < len(lines) and texts[cursor].startswith(FUNDERS_PREFIX):
        funders = split_funders(lines[cursor].span)
        cursor += 1
    tail = _read_tail(page, cursor)
    end = tail.info_at - 1
    while end >= cursor and texts[end] in SIDEBAR_LABELS:
        end -= 1
    summary = None
    if end >= cursor and _is_summary(texts[end]):
        summary = lines[end].span
        end -= 1
    body = page.lines_span(cursor, end) if end >= cursor else None
    return Frame(
        date=date,
        title=lines[title_at].span,
        body=body,
        body_lines=(cursor, end) if body else None,
        funders=tail.funders or funders,
        summary=summary,
        citation=tail.citation,
        record_id=tail.record_id,
        rights=tail.rights,
        type_line=tail.type_line,
        classification=tail.classification,
    )


def _is_summary(text: str) -> bool:
    """The archive's summary: one paragraph of prose in the present tense (§2 item 9)."""
    words = text.split()
    return len(words) >= 8 and any(w.islower() for w in words) and not text.startswith("[")


@dataclass
class _Tail:
    """The metadata below the document, read backwards from the end of the page."""

    info_at: int
    funders: tuple[Span, ...] = ()
    record_id: Span | None = None
    type_line: Span | None = None
    classification: Span | None = None
    rights: Span | None = None
    citation: Span | None = None


def _read_tail(page: PageText, start: int) -> _Tail:
    """Anchor the tail from the end (§11.3): metadata, rights, citation."""
    lines = page.lines
    texts = [line.text for line in lines]
    tail = _Tail(info_at=len(lines))
    end = len(lines)
    record_at = _last_index(texts, "Record ID", start, end)
    if record_at is not None:
        i = record_at + 1
        while i < end:
            if texts[i].isdigit():
                tail.record_id = lines[i].span
            elif texts[i] == "Original Classification" and i + 1 < end:
                tail.classification = lines[i + 1].span
                i += 1
            else:
                tail.funders = split_funders(lines[i].span)
            i += 1
        end = record_at
    uploaded_at = _last_index(texts, "Original Uploaded Date", start, end)
    if uploaded_at is not None:
        types = [i for i in range(uploaded_at + 1, end) if not _ISO_VALUE.match(texts[i])]
        if types:
            tail.type_line = page.lines_span(types[0], types[-1])
        end = uploaded_at
    info_at = _last_index(texts, "Document Information", start, end)
    if info_at is None:
        info_at = next((i for i in range(start, end) if texts[i].startswith(RIGHTS_OPENINGS)), end)
    rights = [i for i in range(info_at, end) if texts[i].startswith(RIGHTS_OPENINGS)]
    if rights:
        tail.rights = page.lines_span(rights[0], rights[-1])
    stop = rights[0] if rights else end
    citation = [i for i in range(info_at + 1, stop) if texts[i] not in SIDEBAR_LABELS]
    if citation:
        tail.citation = lines[citation[0]].span
    tail.info_at = info_at
    return tail


def _last_index(texts: list[str], value: str, start: int, end: int) -> int | None:
    for i in range(end - 1, start - 1, -1):
        if texts[i] == value:
            return i
    return None
