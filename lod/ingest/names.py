"""Finding authority names in text, by every spelling, folded for case, hyphens and accents.

Matching is on word tokens: ``Kim Seung-hwa``, ``Kim Seung Hwa`` and ``KIM SEUNG HWA`` are the same
three tokens. The longest name wins; a person's name never matches the start of a longer
capitalised name (``Kim Il`` is not found in ``Kim Il Sung``); a short name (``Presidium``) is
only used in a document that also names its entity in full, and only when no other entity there
shares it.

>>> index = NameIndex([Authority("p:1", "person", "kim-il", "Kim Il", (Name("Kim Il"),)),
...                    Authority("p:2", "person", "kim-il-sung", "Kim Il Sung", (Name("Kim Il Sung"),))])
>>> [(m.quote, m.authority.slug) for m in index.find("KIM IL SUNG met Kim Il. Kim Il-sung's car")]
[('KIM IL SUNG', 'kim-il-sung'), ('Kim Il', 'kim-il'), ('Kim Il-sung', 'kim-il-sung')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lod.ingest.authority import Authority, Name
from lod.uris import ascii_fold

_TOKEN = re.compile(r"[^\W_]+")
_SIC = re.compile(r"\s*\[(?:sic|SIC)[^\]]*\]")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def folded(self) -> str:
        return fold(self.text)


@dataclass(frozen=True)
class Mention:
    """A name found in text: where, as printed, and which authority it names."""

    start: int
    end: int
    quote: str
    authority: Authority
    name: Name


def fold(token: str) -> str:
    """Fold a token for comparison: no accents, lower case."""
    return ascii_fold(token).lower()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens with their offsets."""
    return [
        Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, len(text) if end is None else end)
    ]


@dataclass
class _Node:
    children: dict[str, _Node]
    entries: list[tuple[Authority, Name, tuple[str, ...]]]


class NameIndex:
    """A trie of every folded spelling of every authority."""

    def __init__(self, authorities: Iterable[Authority]) -> None:
        self.root = _Node({}, [])
        self.authorities = list(authorities)
        for authority in self.authorities:
            for name in authority.names:
                words = tuple(t.text for t in tokenize(_SIC.sub("", name.text)))
                if not words:
                    continue
                node = self.root
                for word in words:
                    node = node.children.setdefault(fold(word), _Node({}, []))
                node.entries.append((authority, name, words))

    def find(self, text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[Mention]:
        """Every mention in ``text`` (or only inside the given spans), in text order."""
        ranges = spans if spans is not None else [(0, len(text))]
        full: list[Mention] = []
        short: list[Mention] = []
        for start, end in ranges:
            tokens = tokenize(text, start, end)
            full += self._scan(text, tokens, want_short=False)
            short += self._scan(text, tokens, want_short=True)
        named = {m.authority.iri for m in full}
        owners: dict[str, set[str]] = {}
        for authority in self.authorities:
            if authority.iri in named:
                for name in authority.names:
                    if name.is_short:
                        owners.setdefault(fold(name.text), set()).add(authority.iri)
        taken = [(m.start, m.end) for m in full]
        for m in short:
            is_unique = owners.get(fold(m.name.text)) == {m.authority.iri}
            if is_unique and not any(a < m.end and m.start < b for a, b in taken):
                full.append(m)
        return sorted(full, key=lambda m: m.start)

    def _scan(self, text: str, tokens: list[Token], want_short: bool) -> list[Mention]:
        found = []
        i = 0
        while i < len(tokens):
            match = self._longest(text, tokens, i, want_short)
            if match is None:
                i += 1
                continue
            j, authority, name = match
            end = tokens[j].end
            if sic := _SIC.match(text, end):
                end = sic.end()
            found.append(Mention(tokens[i].start, end, text[tokens[i].start : end], authority, name))
            i = j + 1
        return found

    def _longest(self, text: str, tokens: list[Token], i: int, want_short: bool) -> tuple[int, Authority, Name] | None:
        node = self.root
        best = None
        for j in range(i, len(tokens)):
            if j > i and not _joined(text, tokens[j - 1], tokens[j]):
                break
            child = node.children.get(tokens[j].folded)
            if child is None:
                break
            node = child
            for authority, name, words in node.entries:
                if name.is_short != want_short or not _case_fits(tokens[i].text, words[0]):
                    continue
                if (
                    authority.kind == "person"
                    and _continues(text, tokens, j)
                    and not self._starts_name(text, tokens, j + 1)
                ):
                    continue
                best = (j, authority, name)
                break
        return best

    def _starts_name(self, text: str, tokens: list[Token], i: int) -> bool:
        """Some known name begins at token ``i`` (so the token before ended a name)."""
        node = self.root
        for j in range(i, len(tokens)):
            if j > i and not _joined(text, tokens[j - 1], tokens[j]):
                return False
            child = node.children.get(tokens[j].folded)
            if child is None:
                return False
            node = child
            if node.entries:
                return True
        return False


def _joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens of one name: separated by one space, a hyphen or a period and space."""
    return text[left.end : right.start] in (" ", "-", ". ", ".", "’", "'")


def _case_fits(printed: str, expected: str) -> bool:
    """The first word must be capitalised as in the name (``anti-Party`` stays lower case)."""
    if expected[:1].islower():
        return printed == expected
    return printed[:1].isupper()


def _continues(text: str, tokens: list[Token], j: int) -> bool:
    """The name goes on: the next token is glued by a hyphen or is another capitalised word."""
    if j + 1 >= len(tokens):
        return False
    gap = text[tokens[j].end : tokens[j + 1].start]
    return gap == "-" or (gap == " " and tokens[j + 1].text[:1].isupper())
