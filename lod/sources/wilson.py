"""Wilson Center Digital Archive pages → :class:`DocumentRecord`.

>>> record = parse_file("sources/wilson/puzanov-journal-1957-10-25.txt")
>>> record.title.text, record.date.iso, [t.text for t in record.translators]
('Journal of Soviet Ambassador to the DPRK A.M. Puzanov for 25 October 1957', '1957-10-25', ['Gary Goldberg'])
"""

from __future__ import annotations

import re
from pathlib import Path

from lod.errors import NotADocument
from lod.sources import body, new_layout, old_layout, pdf_export
from lod.sources.authors import authors
from lod.sources.citation import parse_citation
from lod.sources.doctype import document_type
from lod.sources.families import detect
from lod.sources.frame import Frame
from lod.sources.record import DayEntry, DocumentRecord, Family, Span
from lod.sources.text import PageText, decode, normalise

_READERS = {
    Family.NEW_WIDE: new_layout.read_frame,
    Family.NEW_FLAT: new_layout.read_frame,
    Family.OLD_FULL: old_layout.read_frame,
    Family.OLD_REDUCED: old_layout.read_frame,
    Family.PDF: pdf_export.read_frame,
}


def parse_file(path: str | Path) -> DocumentRecord:
    """Read and parse one page file; raises :class:`lod.errors.PageError` with file and line."""
    name = str(path)
    return parse_page(name, decode(name, Path(path).read_bytes()))


def parse_page(path: str, raw: str) -> DocumentRecord:
    """Parse the text of one archive page (``path`` names it in messages).

    >>> page = Path("tests/pages/n1-journal-multiday.txt").read_text(encoding="utf-8")
    >>> record = parse_page("n1-journal-multiday.txt", page)
    >>> record.family.value, record.date.iso
    ('N1', '1958-03-14')
    """
    page = normalise(path, raw)
    family = detect(page)
    frame = _READERS[family](page)
    if frame.body is None:
        raise NotADocument(path, _line_of(page, frame.title.end), "the page has no document text")
    parts = body.split(page, *frame.body_lines, frame.date) if frame.body_lines is not None else _flat_parts(frame.body)
    citation = parse_citation(frame.citation) if frame.citation else None
    return DocumentRecord(
        source=path,
        family=family,
        text=page.text,
        title=frame.title,
        date=frame.date,
        document_type=document_type(frame.title, frame.type_line, _opening_text(parts)),
        body=parts.body,
        days=parts.days,
        authors=authors(frame.title, parts.signature),
        translators=citation.translators if citation else (),
        obtainers=citation.obtainers if citation else (),
        translated_for=citation.translated_for if citation else None,
        citation=citation,
        record_id=frame.record_id,
        url=frame.url,
        funders=frame.funders,
        summary=frame.summary,
        rights=frame.rights,
        header=parts.header,
        signature=parts.signature,
        copies=parts.copies,
        distribution=parts.distribution,
        registry=parts.registry,
        original_language=frame.original_language,
        classification=frame.classification,
    )


def _opening_text(parts: body.Parts) -> str:
    """The header and the start of the body, where salutations and transmission headers stand."""
    return ((parts.header.text + "\n") if parts.header else "") + parts.body.text[:300]


def _flat_parts(text: Span) -> body.Parts:
    """A body whose line breaks were flattened (PDF exports): one day; a signature if marked."""
    signature = None
    if m := _FLAT_SIGNATURE.search(text.text):
        signature = Span(text.start + m.start(), text.start + m.end(), m.group())
        end = m.start()
        while end and text.text[end - 1].isspace():
            end -= 1
        text = Span(text.start, text.start + end, text.text[:end])
    day = DayEntry(text=text, heading=None, date=None, sections=(text,), paragraphs=(text,))
    return body.Parts(
        header=None,
        body=text,
        days=(day,),
        signature=signature,
        copies=None,
        distribution=(),
        registry=None,
    )


_FLAT_SIGNATURE = re.compile(r"\[signature\](?:\s*[(/][^)/]{1,60}[)/])?")


def _line_of(page: PageText, offset: int) -> int:
    for line in page.lines:
        if line.end >= offset:
            return line.number
    return page.lines[-1].number


__all__ = ["Frame", "parse_file", "parse_page"]
