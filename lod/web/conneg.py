"""Content negotiation: one pure function from an ``Accept`` header to a format.

>>> [f.name for f in FORMATS]
['jsonld', 'ttl', 'nt']
>>> negotiate("text/turtle;q=0.9, application/ld+json", FORMATS).name
'jsonld'
>>> negotiate("*/*", FORMATS).name
'jsonld'
>>> negotiate("text/html, text/turtle;q=0.5", FORMATS).name
'ttl'
>>> negotiate("image/png", FORMATS) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """A representation: short name (and file extension), media type, what it is."""

    name: str
    media_type: str
    title: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        is_text = self.media_type.startswith("text/") or self.media_type.endswith(("json", "+json", "triples"))
        return f"{self.media_type}; charset=utf-8" if is_text else self.media_type


JSONLD = Format("jsonld", "application/ld+json", "JSON-LD (Linked Art)", ("application/json",))
TURTLE = Format("ttl", "text/turtle", "Turtle", ("application/x-turtle",))
NTRIPLES = Format("nt", "application/n-triples", "N-Triples", ())
FORMATS: tuple[Format, ...] = (JSONLD, TURTLE, NTRIPLES)


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...]

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return (self.type in ("*", kind)) and (self.subtype in ("*", sub))

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*") + (1 if self.params else 0)


def parse_accept(header: str) -> list[MediaRange]:
    """Media ranges of an Accept header; malformed entries are skipped, bad q-values count as 0."""
    ranges = []
    for entry in header.split(","):
        pieces = [p.strip() for p in entry.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        kind, _, sub = media.partition("/")
        q = 1.0
        params = []
        for piece in pieces[1:]:
            name, _, value = piece.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
            elif name:
                params.append((name, value))
        ranges.append(MediaRange(kind, sub, q, tuple(params)))
    return ranges


def negotiate(accept: str | None, available: Sequence[Format]) -> Format | None:
    """The best available format for an Accept header (the first one when it says nothing)."""
    if not accept or not accept.strip():
        return available[0]
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, fmt in enumerate(available):
        for media_type in (fmt.media_type, *fmt.aliases):
            matching = [r for r in ranges if r.matches(media_type)]
            if not matching:
                continue
            most_specific = max(matching, key=lambda r: r.specificity)
            if most_specific.q <= 0:
                continue
            exact = 1 if media_type == fmt.media_type else 0
            score = (most_specific.q, most_specific.specificity * 2 + exact, -index)
            if best is None or score > best:
                best, chosen = score, fmt
    return chosen


def by_name(name: str, available: Sequence[Format]) -> Format | None:
    """The format with this short name or media type (for ``?format=`` and extensions)."""
    for fmt in available:
        if name in (fmt.name, fmt.media_type, *fmt.aliases):
            return fmt
    return None
