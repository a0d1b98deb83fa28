"""Telling page families apart (wilson-format.md §1) before anything else is parsed."""

from __future__ import annotations

import re

from lod.errors import NotADocument
from lod.sources.dates import date_line_iso
from lod.sources.record import Family
from lod.sources.text import PageText

_COUNTER = re.compile(r"^\d+ - \d+ of \d+$")
_BULLET_DATE = re.compile(r"^[•\-*]\s+\S.*\b\d{4}$")
_PDF_START = "Digital Archive digitalarchive.wilsoncenter.org"
_PDF_LABELS = ("Citation:", "Summary:", "Contents:")


def detect(page: PageText) -> Family:
    """The family of a document page, or :class:`NotADocument` for every other kind of page."""
    texts = [line.text for line in page.lines]
    head = texts[:12]
    _refuse_non_documents(page, texts, head)
    if texts[0].startswith(_PDF_START) or all(any(label in t for t in head) for label in _PDF_LABELS):
        return Family.PDF
    if "get citation" in texts[:40] and any(t.startswith("Search in") for t in head[:3]):
        is_full = "CITATION SHARE DOWNLOAD" in texts[:20] or any(re.search(r"/document/\d+", t) for t in texts[:40])
        return Family.OLD_FULL if is_full else Family.OLD_REDUCED
    if texts[0] == "Skip to content" or "Document Information" in texts:
        spaced = sum(1 for line in page.lines[1:] if line.blank_before)
        return Family.NEW_WIDE if spaced * 3 > len(page.lines) else Family.NEW_FLAT
    if any(date_line_iso(t) for t in head[:3]):
        raise NotADocument(
            page.path,
            page.lines[0].number,
            "a date but none of the marks of an archive document page "
            "(no 'Skip to content', 'Document Information' or citation block)",
        )
    raise NotADocument(page.path, page.lines[0].number, "not a recognisable archive page")


def _refuse_non_documents(page: PageText, texts: list[str], head: list[str]) -> None:
    for index, text in enumerate(head):
        line = page.lines[index].number
        if _COUNTER.match(text):
            raise NotADocument(page.path, line, f"a search listing ('{text}'), not a document")
        if text == "SEARCH RESULTS":
            raise NotADocument(page.path, line, "an old search listing, not a document")
        if text.startswith("Placeholder image for when a portrait image"):
            raise NotADocument(page.path, line, "an entity page, not a document")
        if text == "No image found.":
            raise NotADocument(page.path, line, "a collection page, not a document")
    if "get citation" not in texts and any(t.startswith("Search in") for t in head[:2]):
        for index, text in enumerate(texts[:20]):
            if _BULLET_DATE.match(text) or (text.startswith("•") and date_line_iso(text[1:])):
                line = page.lines[index].number
                raise NotADocument(page.path, line, "an old search listing, not a document")
