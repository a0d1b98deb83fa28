"""The keys a name is matched by, from strictest to loosest, and the score of a match.

A name as printed is compared with every spelling of every record at four levels, each a key:

- ``printed``: the name as printed, spaces tidied (``Kim Il Sung``);
- ``folded``: case, accents, punctuation, titles and the breaks between a name's parts dropped
  (``KIM IL-SUNG``, ``Kim Il Sung`` and ``Cde. Kim Ilsung`` are ``kimilsung``);
- ``romanised``: each part spelled as the romanisations of one sound agree (McCune-Reischauer
  against Revised Romanization: ``eo``/``o``, ``eu``/``u``, ``ae``/``ai``, ``k``/``g``, ``t``/``d``,
  ``th``/``t``; a final ``y`` as ``i``), so ``Pak Hon Yong`` is ``Pak Heon-yeong``;
- ``ordered``: the romanised parts in alphabetical order, so a family name first (``Etre
  Sándor``, ``Ivanov V.I.``) is the family name last (``Sándor Etre``, ``V. I. Ivanov``).

Beyond the keys a match is fuzzy: similar romanised spellings (``Pak Ui-wan``, ``Pak Ui-won``).
Keys are whole names, never prefixes, so ``Kim Il`` (``kimil``) is not ``Kim Il Sung``
(``kimilsung``) at any level but the fuzzy one, where it scores low.

>>> keys("Pak Heon-yeong").romanised == keys("PAK HON YONG").romanised
True
>>> keys("Etre Sándor")[3] == keys("Sandor Etre")[3], keys("Kim Il")[1], keys("Kim Il Sung")[1]
(True, 'kimil', 'kimilsung')
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rapidfuzz.fuzz import ratio

from lod.uris import ascii_fold

#: Titles and forms of address dropped from a name: ``Cde. Ivanov`` is ``Ivanov``.
TITLES = frozenset({"cde", "cdes", "comrade", "comr", "com", "mr", "mrs", "ms", "dr", "tov", "tovarishch"})
#: Scores of the levels, and the fuzzy ones below them.
SCORES = {"printed": 100.0, "folded": 95.0, "romanised": 90.0, "ordered": 85.0}
FUZZY = 80.0  # the best a fuzzy match scores
SIMILAR = 0.75  # how similar two romanised spellings must be to match at all

_PART = re.compile(r"[a-z0-9]+")
_SOUNDS = [
    (re.compile(r"eo"), "o"),
    (re.compile(r"eu"), "u"),
    (re.compile(r"ae"), "ai"),
    (re.compile(r"(?<=[tkp])h"), ""),
    (re.compile(r"ch|j"), "c"),
    (re.compile(r"g"), "k"),
    (re.compile(r"d"), "t"),
    (re.compile(r"b"), "p"),
    (re.compile(r"rk$"), "k"),
    (re.compile(r"i?y$"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
]


class Keys(NamedTuple):
    printed: str
    folded: str
    romanised: str
    ordered: str


def parts(name: str) -> list[str]:
    """A name's parts: folded for case and accents, split at anything not a letter or digit, titles dropped."""
    found = _PART.findall(ascii_fold(name).lower())
    kept = [part for part in found if part not in TITLES]
    return kept or found


def romanised(part: str) -> str:
    """One part as the romanisations of its sounds agree."""
    for pattern, replacement in _SOUNDS:
        part = pattern.sub(replacement, part)
    return part


def keys(name: str) -> Keys:
    """The four keys of a name (see the module's description)."""
    found = parts(name)
    sounds = [romanised(part) for part in found]
    return Keys(" ".join(name.split()), "".join(found), "".join(sounds), " ".join(sorted(sounds)))


def similarity(one: Keys, other: Keys) -> float:
    """How alike two spellings are beyond their keys (0 to 1): in order or in alphabetical order."""
    in_order = ratio(one.romanised, other.romanised)
    sorted_ = ratio(one.ordered.replace(" ", ""), other.ordered.replace(" ", ""))
    return max(in_order, sorted_) / 100


def score(query: Keys, spelling: Keys) -> tuple[float, str]:
    """The score of a spelling for a query (0 when they do not match) and the level it matched at."""
    for level in ("printed", "folded", "romanised", "ordered"):
        if getattr(query, level) == getattr(spelling, level) and getattr(query, level):
            return SCORES[level], level
    alike = similarity(query, spelling)
    if alike < SIMILAR:
        return 0.0, ""
    return round(FUZZY * alike, 1), "fuzzy"
