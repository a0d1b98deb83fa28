"""Content negotiation: one pure function from an ``Accept`` header to a format and profile.

>>> negotiate("text/turtle;q=0.9, application/ld+json", FORMATS).format.name
'jsonld'
>>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", FORMATS).format.name
'html'
>>> negotiate('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', FORMATS).profile
'expanded'
>>> negotiate("image/png", FORMATS) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

LINKED_ART_PROFILE = "https://linked.art/ns/v1/linked-art.json"
JSONLD_PROFILES = {
    LINKED_ART_PROFILE: "linked-art",
    "http://www.w3.org/ns/json-ld#expanded": "expanded",
    "http://www.w3.org/ns/json-ld#compacted": "compacted",
}
PROFILE_IRIS = {name: iri for iri, name in JSONLD_PROFILES.items()}


@dataclass(frozen=True)
class Format:
    """A representation: short name (and file extension), media type, what it is."""

    name: str
    media_type: str
    title: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


JSONLD = Format("jsonld", "application/ld+json", "JSON-LD (Linked Art)", ("application/json",), ("json-ld",))
TURTLE = Format("ttl", "text/turtle", "Turtle", ("application/x-turtle",), ("turtle",))
HTML = Format("html", "text/html", "HTML", ("application/xhtml+xml",))
NTRIPLES = Format("nt", "application/n-triples", "N-Triples", (), ("ntriples", "n-triples"))
NQUADS = Format("nq", "application/n-quads", "N-Quads", (), ("nquads", "n-quads"))
RDFXML = Format("rdf", "application/rdf+xml", "RDF/XML", (), ("xml", "rdfxml", "rdf+xml"))
#: In order of preference when the client likes several equally (JSON-LD is the default).
FORMATS: tuple[Format, ...] = (JSONLD, TURTLE, HTML, NTRIPLES, NQUADS, RDFXML)


@dataclass(frozen=True)
class Choice:
    """The negotiated format and, for JSON-LD, the profile (linked-art, compacted or expanded)."""

    format: Format
    profile: str | None = None


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

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.params if key == name), None)


def _split(text: str, separator: str) -> list[str]:
    """Split on a separator outside double quotes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def parse_accept(header: str) -> list[MediaRange]:
    """Media ranges of an Accept header; malformed entries are skipped, bad q-values count as 0."""
    ranges = []
    for entry in _split(header, ","):
        pieces = [p.strip() for p in _split(entry, ";")]
        media = pieces[0].lower()
        if media == "*":
            media = "*/*"
        kind, slash, sub = media.partition("/")
        if not slash or not kind or not sub or " " in media:
            continue
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


def negotiate(accept: str | None, available: Sequence[Format]) -> Choice | None:
    """The best available format for an Accept header (the first one when it says nothing)."""
    return _negotiate(accept, tuple(available))


@lru_cache(maxsize=1024)  # clients send the same few headers again and again
def _negotiate(accept: str | None, available: tuple[Format, ...]) -> Choice | None:
    if not accept or not accept.strip():
        return Choice(available[0], "linked-art" if available[0] is JSONLD else None)
    ranges = parse_accept(accept)
    if not ranges:
        return Choice(available[0], "linked-art" if available[0] is JSONLD else None)
    best: tuple[float, int, int] | None = None
    chosen: Choice | None = None
    for index, fmt in enumerate(available):
        for media_type in (fmt.media_type, *fmt.aliases):
            matching = [r for r in ranges if r.matches(media_type)]
            if not matching:
                continue
            top = max(r.specificity for r in matching)
            most_specific = [r for r in matching if r.specificity == top]
            q = max(r.q for r in most_specific)
            if q <= 0:
                continue
            exact = 1 if media_type == fmt.media_type else 0
            score = (q, top * 2 + exact, -index)
            if best is None or score > best:
                best = score
                profile = _profile(most_specific) if fmt is JSONLD else None
                chosen = Choice(fmt, profile)
    return chosen


def _profile(ranges: list[MediaRange]) -> str:
    """The JSON-LD profile asked for (the first one we know of), else Linked Art."""
    for media_range in sorted(ranges, key=lambda r: -r.q):
        for iri in (media_range.param("profile") or "").split():
            if iri in JSONLD_PROFILES:
                return JSONLD_PROFILES[iri]
    return "linked-art"


def by_name(name: str, available: Sequence[Format]) -> Format | None:
    """The format with this short name or media type (for ``?format=`` and extensions)."""
    for fmt in available:
        if name.lower() in (fmt.name, fmt.media_type, *fmt.aliases, *fmt.names):
            return fmt
    return None
