"""Candidates for a name among the spellings of records, ranked, and whether one is clearly right.

Every spelling of every record is kept under its keys (:mod:`lod.search.keys`); a query looks up
its own keys, and the most similar romanised spellings (rapidfuzz, in C++) are scored closely.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extract

from lod.search.keys import SCORES, SIMILAR, Keys, keys, parts, score

#: A candidate is the right one (``match``) when it scores at least this, and the next one at
#: least :data:`APART` less.
SURE = SCORES["romanised"]
APART = 10.0
NEAREST = 30  # similar spellings compared closely, at most


@dataclass(frozen=True)
class Entity:
    """A record that has names: its IRI, kind, label and every spelling of its name, as printed."""

    iri: str
    kind: str
    label: str
    spellings: tuple[str, ...]
    description: str = ""
    documents: int = 0  # documents that mention it, to rank equals


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    level: str  # printed, folded, romanised, ordered or fuzzy
    spelling: str  # the spelling that matched


@dataclass
class _Spelling:
    entity: Entity
    printed: str
    keys: Keys
    words: list[str]


@dataclass
class Matcher:
    """Every spelling of some entities, looked up by any spelling."""

    entities: Sequence[Entity]
    _spellings: list[_Spelling] = field(default_factory=list)
    _by_key: dict[str, list[int]] = field(default_factory=dict)
    _romanised: list[str] = field(default_factory=list)
    _ordered: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for entity in self.entities:
            for printed in dict.fromkeys((entity.label, *entity.spellings)):
                found = keys(printed)
                number = len(self._spellings)
                self._spellings.append(_Spelling(entity, printed, found, parts(printed)))
                for key in dict.fromkeys(found):
                    self._by_key.setdefault(key, []).append(number)
                self._romanised.append(found.romanised)
                self._ordered.append(found.ordered.replace(" ", ""))

    def candidates(self, name: str, kinds: Iterable[str] | None = None, limit: int = 10) -> list[Candidate]:
        """The best spelling of each entity that matches ``name`` (or a spelling it gives in brackets),
        best first (at most ``limit``)."""
        wanted = set(kinds) if kinds is not None else None
        best: dict[str, Candidate] = {}
        for spelling in alternatives(name):
            for candidate in self._candidates(spelling, wanted):
                if candidate.entity.iri not in best or candidate.score > best[candidate.entity.iri].score:
                    best[candidate.entity.iri] = candidate
        ranked = sorted(best.values(), key=lambda c: (-c.score, -c.entity.documents, c.entity.label, c.entity.iri))
        return ranked[:limit]

    def _candidates(self, name: str, wanted: set[str] | None) -> Iterable[Candidate]:
        query = keys(name)
        if not query.folded:
            return []
        numbers = {n for key in dict.fromkeys(query) for n in self._by_key.get(key, ())}
        for key, choices in ((query.romanised, self._romanised), (query.ordered.replace(" ", ""), self._ordered)):
            found = extract(key, choices, scorer=ratio, score_cutoff=SIMILAR * 100, limit=NEAREST)
            numbers |= {n for _, _, n in found}  # near in this order of the parts, or in alphabetical order
        best: dict[str, Candidate] = {}
        for number in numbers:
            spelling = self._spellings[number]
            if wanted is not None and spelling.entity.kind not in wanted:
                continue
            value, level = score(query, spelling.keys)
            if value and (spelling.entity.iri not in best or value > best[spelling.entity.iri].score):
                best[spelling.entity.iri] = Candidate(spelling.entity, value, level, spelling.printed)
        return best.values()

    def prefixed(self, prefix: str, kinds: Iterable[str] | None = None, limit: int = 10) -> list[Entity]:
        """Entities a spelling of which starts with the words of ``prefix`` (folded), for suggestions:
        ``Kim I`` gives Kim Il and Kim Il Sung, the most documented first."""
        words = parts(prefix)
        if not words:
            return []
        wanted = set(kinds) if kinds is not None else None
        found: dict[str, Entity] = {}
        for spelling in self._spellings:
            entity = spelling.entity
            if entity.iri in found or (wanted is not None and entity.kind not in wanted):
                continue
            theirs = spelling.words
            if (
                len(theirs) >= len(words)
                and theirs[: len(words) - 1] == words[:-1]
                and theirs[len(words) - 1].startswith(words[-1])
            ):
                found[entity.iri] = entity
        return sorted(found.values(), key=lambda e: (-e.documents, e.label, e.iri))[:limit]


def alternatives(name: str) -> list[str]:
    """A printed name and the spellings it gives in brackets. A bracket after a name is usually
    another spelling of it, or completes it (a family name alone, then the given name: §8 of the
    page format); both readings are tried, the scores choose.

    >>> alternatives("Pak Seong-cheol [Pak Song Chol]")[:2]
    ['Pak Seong-cheol', 'Pak Song Chol']
    >>> [a for a in alternatives("Pak [Yeong-chan (Yong Chan)]") if a.startswith("Pak")]
    ['Pak Yeong-chan', 'Pak Yong Chan', 'Pak Yeong-chan Yong Chan']
    >>> alternatives("Kim Il Sung")
    ['Kim Il Sung']
    """
    outside, inside = _brackets(name)
    if not inside:
        return [name]
    base = " ".join(outside.split())
    found = [base] if len(parts(base)) > 1 else []
    for part in inside:
        for spelling in alternatives(part):
            found += [spelling, f"{base} {spelling}"] if base else [spelling]
    return list(dict.fromkeys(found))


def _brackets(name: str) -> tuple[str, list[str]]:
    """The text outside brackets, and what each outermost bracket holds."""
    outside, inside, depth, current = [], [], 0, []
    for char in name:
        if char in "[(":
            if depth:
                current.append(char)
            depth += 1
        elif char in "])" and depth:
            depth -= 1
            if depth:
                current.append(char)
            else:
                inside.append("".join(current))
                current = []
        elif depth:
            current.append(char)
        else:
            outside.append(char)
    return "".join(outside), [part for part in inside if part.strip() and part.strip().lower() != "sic"]


def is_sure(scores: Sequence[float]) -> bool:
    """Whether the first of these ranked scores is clearly the one: a close spelling, no other as close."""
    if not scores or scores[0] < SURE:
        return False
    return len(scores) == 1 or scores[1] <= scores[0] - APART
