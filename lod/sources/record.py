"""The typed record a parsed archive page becomes.

Every extracted value is a :class:`Span`: the text as printed and its character offsets in the
page's normalised text, so that anything said about a document can point back into it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of the normalised page text: ``text == page_text[start:end]``."""

    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


class Family(enum.StrEnum):
    """The page families of wilson-format.md §1 that hold one document."""

    NEW_WIDE = "N1"
    NEW_FLAT = "N2"
    OLD_FULL = "O-A"
    OLD_REDUCED = "O-B"
    PDF = "PDF"


@dataclass(frozen=True)
class DocumentDate:
    """A date as printed and as ISO 8601 at its own precision (``1957-10-25``, ``1972-12``, ``1955``)."""

    iso: str
    printed: Span

    @property
    def precision(self) -> str:
        return {10: "day", 7: "month", 4: "year"}[len(self.iso)]


@dataclass(frozen=True)
class DocumentType:
    """The kind of document: a slug of our concept scheme, and the printed type line if any."""

    slug: str
    label: str
    printed: Span | None


@dataclass(frozen=True)
class ArchivePart:
    """One archive reference of a citation, split into its units where they are printed."""

    printed: Span
    archive: str
    fond: str | None = None
    opis: str | None = None
    papka: str | None = None
    delo: str | None = None
    listy: str | None = None
    file: str | None = None

    def units(self) -> dict[str, str]:
        """The units that are present, in archival order."""
        names = ("fond", "opis", "papka", "delo", "file", "listy")
        return {n: v for n in names if (v := getattr(self, n)) is not None}


@dataclass(frozen=True)
class Citation:
    """The archival citation: archive parts, who obtained and who translated, as printed."""

    printed: Span
    parts: tuple[ArchivePart, ...]
    translators: tuple[Span, ...] = ()
    obtainers: tuple[Span, ...] = ()
    translated_for: Span | None = None
    clause: Span | None = None


@dataclass(frozen=True)
class DistributionEntry:
    """One line of a distribution list: its number as printed and the recipient."""

    printed: Span
    recipient: Span


@dataclass(frozen=True)
class DayEntry:
    """One day of a journal (or the whole body when it has no day headings)."""

    text: Span
    heading: Span | None
    date: DocumentDate | None
    sections: tuple[Span, ...]
    paragraphs: tuple[Span, ...]


@dataclass(frozen=True)
class DocumentRecord:
    """Everything a page says about one archival document."""

    source: str
    family: Family
    text: str
    title: Span
    date: DocumentDate
    document_type: DocumentType | None
    body: Span
    days: tuple[DayEntry, ...]
    authors: tuple[Span, ...] = ()
    translators: tuple[Span, ...] = ()
    obtainers: tuple[Span, ...] = ()
    translated_for: Span | None = None
    citation: Citation | None = None
    record_id: Span | None = None
    url: Span | None = None
    funders: tuple[Span, ...] = ()
    summary: Span | None = None
    rights: Span | None = None
    header: Span | None = None
    signature: Span | None = None
    copies: Span | None = None
    distribution: tuple[DistributionEntry, ...] = ()
    registry: Span | None = None
    original_language: Span | None = None
    classification: Span | None = None
    problems: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data (spans as text/start/end)."""
        plain: dict[str, Any] = _plain(self)
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, Span):
        return value.as_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        out = {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
        if isinstance(value, DocumentDate):
            out["precision"] = value.precision
        return out
    return value
