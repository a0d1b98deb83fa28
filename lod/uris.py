"""Every IRI lod publishes is minted here, from one configured base.

``/id/{kind}/{slug}`` names the thing itself; ``/data/{kind}/{slug}`` is its description and the
name of the record's graph; ``…/id/{kind}/{slug}#part`` names an embedded part.

>>> uris = Uris("http://127.0.0.1:8000/")
>>> uris.thing("person", "kim-il-sung")
'http://127.0.0.1:8000/id/person/kim-il-sung'
>>> uris.part("person", "kim-il-sung", "name-1")
'http://127.0.0.1:8000/id/person/kim-il-sung#name-1'
>>> uris.record_of("http://127.0.0.1:8000/id/person/kim-il-sung#name-1")
('person', 'kim-il-sung')
>>> slugify("Kim Seung-hwa [sic]"), slugify("Kádas István"), slugify("A.M. Puzanov")
('kim-seung-hwa', 'kadas-istvan', 'a-m-puzanov')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = ("document", "person", "group", "place", "event", "concept", "annotation")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def ascii_fold(text: str) -> str:
    """Strip accents: ``Kádas`` → ``Kadas``."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slugify(text: str, limit: int = 80) -> str:
    """A URL slug: ASCII, lower case, words joined by hyphens, editorial marks dropped."""
    text = re.sub(r"\[(?:sic|SIC)[^\]]*\]", " ", text)
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


def is_slug(text: str) -> bool:
    """True for a well-formed slug."""
    return bool(_SLUG.match(text)) and len(text) <= 120


@dataclass(frozen=True)
class Uris:
    """The IRIs under one base."""

    base: str

    def thing(self, kind: str, slug: str) -> str:
        return f"{self.base}id/{kind}/{slug}"

    def part(self, kind: str, slug: str, fragment: str) -> str:
        return f"{self.base}id/{kind}/{slug}#{fragment}"

    def data(self, kind: str, slug: str, extension: str | None = None) -> str:
        suffix = f".{extension}" if extension else ""
        return f"{self.base}data/{kind}/{slug}{suffix}"

    def concept(self, slug: str) -> str:
        return self.thing("concept", slug)

    def context(self) -> str:
        """Our JSON-LD extension context."""
        return f"{self.base}ns/lod.jsonld"

    def linked_art_context_copy(self) -> str:
        """Our served copy of the Linked Art context."""
        return f"{self.base}ns/linked-art.json"

    def void(self) -> str:
        """The dataset description (VoID and DCAT)."""
        return f"{self.base}void"

    def dump(self, name: str = "") -> str:
        """A dump file, or (without a name) the list of dumps."""
        return f"{self.base}dumps/{name}"

    def changes(self, kind: str | None = None, page: int | None = None) -> str:
        """The change feed (of one kind), or one of its pages."""
        feed = f"{self.base}changes" + (f"/{kind}" if kind else "")
        return feed if page is None else f"{feed}?page={page}"

    def record_of(self, iri: str) -> tuple[str, str] | None:
        """The (kind, slug) of the record an IRI under ``/id/`` or ``/data/`` belongs to."""
        if not iri.startswith(self.base):
            return None
        path = iri[len(self.base) :].split("#", 1)[0]
        parts = path.split("/")
        if len(parts) != 3 or parts[0] not in ("id", "data") or parts[1] not in KINDS:
            return None
        slug = parts[2]
        return (parts[1], slug) if is_slug(slug) else None

    def graph_of(self, iri: str) -> str | None:
        """The graph name of the record that owns this IRI."""
        found = self.record_of(iri)
        return self.data(*found) if found else None
