"""One archive page → a resolved document: its record, the entities it names, its events.

Names are looked up in the authorities; whatever is not found is reported, never dropped and
never invented.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from lod.ingest.authority import Authority
from lod.ingest.events import Event, extract_events
from lod.ingest.names import Mention, NameIndex
from lod.ingest.unresolved import UnresolvedName, unresolved_names
from lod.sources.record import DocumentRecord, Span
from lod.uris import slugify

_SLUG_STOPWORDS = frozenset({"of", "the", "to", "in", "for", "a", "an", "and", "from", "with", "on", "at", "by"})


@dataclass(frozen=True)
class Problem:
    """Something ingest could not resolve: which record, which field, what."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


@dataclass(frozen=True)
class TextPart:
    """A text of the document that annotations point into: its name and where it lies."""

    fragment: str
    span: Span


@dataclass(frozen=True)
class ResolvedDocument:
    """A parsed page with every name resolved that could be."""

    record: DocumentRecord
    slug: str
    parts: tuple[TextPart, ...]
    mentions: tuple[Mention, ...]
    authors: tuple[Authority, ...]
    translators: tuple[Authority, ...]
    obtainers: tuple[Authority, ...]
    translated_for: Authority | None
    funders: tuple[Authority, ...]
    archives: tuple[Authority | None, ...]
    publisher: Authority | None
    events: tuple[Event, ...]
    unresolved: tuple[UnresolvedName, ...]
    problems: tuple[Problem, ...]

    def part_of(self, offset: int) -> TextPart:
        """The text part an offset of the normalised page lies in."""
        return next(p for p in self.parts if p.span.start <= offset < p.span.end)


def document_slug(record: DocumentRecord) -> str:
    """A stable slug from the title and date, the same for every scrape of one document.

    >>> from lod.sources.record import DocumentDate
    >>> title = Span(0, 72, "Journal of Soviet Ambassador to the DPRK A.M. Puzanov for 25 October 1957")
    >>> document_slug_from(title.text, "1957-10-25")
    'journal-soviet-ambassador-dprk-am-puzanov-25-october-1957'
    """
    return document_slug_from(record.title.text, record.date.iso)


def document_slug_from(title: str, iso_date: str) -> str:
    """Title words without articles and prepositions, initials joined (``A. M.`` → ``am``); a long
    title keeps its first 90 characters and a digest of all its words, so that titles differing
    only at the end (a journal's number) stay apart.

    >>> period = "Journal of Soviet Ambassador to the DPRK A. M. Puzanov for the Period 10 February 1956 to 11 February"
    >>> one, other = (document_slug_from(f"{period} 1956 (no. {n})", "1956-02-10") for n in (10405, 14405))
    >>> one[:-7] == other[:-7], one == other, len(one)
    (True, False, 92)
    """
    title = re.sub(r"\b(?:[A-Z]\.\s?){2,}", lambda m: re.sub(r"[.\s]", "", m.group()) + " ", title)
    words = [w for w in slugify(title, limit=400).split("-") if w and w not in _SLUG_STOPWORDS]
    slug = slugify(" ".join(words), limit=90)
    if slug != "-".join(words):
        slug = f"{slug}-{hashlib.sha256('-'.join(words).encode()).hexdigest()[:6]}"
    if iso_date[:4] not in slug:
        slug = f"{slug}-{iso_date}"
    return slug


def text_parts(record: DocumentRecord) -> tuple[TextPart, ...]:
    """The title, the document's own text (header to registry) and the archive's summary."""
    pieces = [record.header, record.body, record.signature, record.copies, record.registry]
    pieces += [entry.printed for entry in record.distribution]
    present = [p for p in pieces if p is not None]
    start, end = min(p.start for p in present), max(p.end for p in present)
    parts = [
        TextPart("title", record.title),
        TextPart("text", Span(start, end, record.text[start:end])),
    ]
    if record.summary is not None:
        parts.append(TextPart("summary", record.summary))
    return tuple(parts)


def resolve(record: DocumentRecord, index: NameIndex) -> ResolvedDocument:
    """Resolve every name of a parsed page against the authorities."""
    slug = document_slug(record)
    parts = text_parts(record)
    ranges = [(p.span.start, p.span.end) for p in parts]
    mentions = index.find(record.text, ranges)
    problems: list[Problem] = []

    def named(spans: tuple[Span, ...], field: str, kinds: tuple[str, ...]) -> tuple[Authority, ...]:
        found: list[Authority] = []
        for span in spans:
            hits = [m.authority for m in index.find(record.text, [(span.start, span.end)]) if m.authority.kind in kinds]
            if hits:
                found += [a for a in hits[:1] if a not in found]
            else:
                problems.append(Problem(slug, field, f"no {'/'.join(kinds)} record for {span.text!r}"))
        return tuple(found)

    authors = named(record.authors, "author", ("person", "group"))
    translators = named(record.translators, "translator", ("person",))
    obtainers = named(record.obtainers, "obtainer", ("person", "group"))
    translated_for = named((record.translated_for,), "translated for", ("group",)) if record.translated_for else ()
    funders = named(record.funders, "funder", ("group", "person"))
    archives = tuple(
        (named((part.printed,), "archive", ("group",)) or (None,))[0] if record.citation else None
        for part in (record.citation.parts if record.citation else ())
    )
    publisher = _publisher(index)
    author = next((a for a in authors if a.kind == "person"), None)
    events = extract_events(record, mentions, author)
    unresolved = unresolved_names(record.text, ranges, mentions)
    for name in unresolved:
        problems.append(Problem(slug, "name", f"unresolved name {name.text!r} in “…{name.context}…”"))
    return ResolvedDocument(
        record=record,
        slug=slug,
        parts=parts,
        mentions=tuple(mentions),
        authors=authors,
        translators=translators,
        obtainers=obtainers,
        translated_for=translated_for[0] if translated_for else None,
        funders=funders,
        archives=archives,
        publisher=publisher,
        events=tuple(events),
        unresolved=tuple(unresolved),
        problems=tuple(problems),
    )


def _publisher(index: NameIndex) -> Authority | None:
    """The archive's publishing program, which assigns record IDs (when it has a record)."""
    hits = index.find("History and Public Policy Program")
    return hits[0].authority if hits else None
