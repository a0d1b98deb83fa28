"""The archive's frame around a document: date, title, funders, summary, citation, tail.

Each layout module (`new_layout`, `old_layout`, `pdf_export`) reads its own frame; what lies
inside the frame, the document proper, is split by `body`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lod.sources.record import DocumentDate, Span

FUNDERS_PREFIX = "This document was made possible with support from"
_FUNDER_SPLIT = re.compile(r",\s*(?:and\s+)?(?:the\s+)?|\s+and\s+(?:the\s+)?")


@dataclass(frozen=True)
class Frame:
    """What the archive's page says around the document, and where the document lies."""

    date: DocumentDate
    title: Span
    body: Span | None
    body_lines: tuple[int, int] | None = None
    funders: tuple[Span, ...] = ()
    summary: Span | None = None
    citation: Span | None = None
    record_id: Span | None = None
    url: Span | None = None
    rights: Span | None = None
    type_line: Span | None = None
    classification: Span | None = None
    original_language: Span | None = None


def split_funders(span: Span) -> tuple[Span, ...]:
    """Funder names in a credit line (``X and Y``, ``the X, Y``), each as its own span.

    >>> [s.text for s in split_funders(Span(0, 51, "the ROK Ministry of Unification, Leon Levy Foundation."))]
    ['ROK Ministry of Unification', 'Leon Levy Foundation']
    """
    text = span.text
    if text.startswith(FUNDERS_PREFIX):
        return split_funders(Span(span.start + len(FUNDERS_PREFIX), span.end, text[len(FUNDERS_PREFIX) :]))
    names = []
    pos = 0
    for sep in [*_FUNDER_SPLIT.finditer(text), None]:
        stop = sep.start() if sep else len(text)
        piece = text[pos:stop]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece.lower().startswith("the "):
            lead += 4
            piece = piece[4:]
        piece = piece.rstrip(". ")
        if piece:
            start = span.start + pos + lead
            names.append(Span(start, start + len(piece), piece))
        if sep:
            pos = sep.end()
    return tuple(names)


RECORD_URL = re.compile(r"https?://\S+?/document/(\d+)\S*")
