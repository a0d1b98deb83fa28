"""Authors as printed: in the title's set phrases and in the signature (wilson-format.md §2, §5).

>>> title = "Journal of Soviet Ambassador to the DPRK A.M. Puzanov for 25 October 1957"
>>> [s.text for s in title_authors(Span(0, len(title), title))]
['A.M. Puzanov']
>>> [s.text for s in title_authors(Span(0, 38, "Ciphered Telegram, Shtykov to Feng Xi [Stalin]"))]
['Shtykov']
>>> [s.text for s in signature_authors(Span(0, 24, "[signature] (A. PUZANOV)"))]
['A. PUZANOV']
"""

from __future__ import annotations

import re

from lod.sources.record import Span

_PERSON = r"(?:[A-ZА-Я]\.\s?){1,3}\s?[A-ZА-Я][\w'’-]+|[A-ZА-ЯÁ-Ž][\w'’-]+(?: [A-ZА-ЯÁ-Ž][\w'’-]+){0,3}"
_TITLE_PATTERNS = (
    re.compile(r"(?i:\bjournal of\b).*?(?P<name>(?:[A-ZА-Я]\.\s?){1,3}\s?[A-ZА-Я][\w'’-]+)"),
    re.compile(rf"^(?:Ciphered |Coded )?(?:Telegram|Cable)(?: Nos?\. ?[\d-]+)?,? (?:from )?(?P<name>{_PERSON}) to\b"),
    re.compile(rf"^Letter,? (?:from )?(?P<name>{_PERSON}) to\b"),
    re.compile(rf"^(?:Report|Note|Information) from (?:Ambassador )?(?P<name>{_PERSON})(?=,|$| on\b| to\b)"),
)
_SIGNED = (
    re.compile(r"^(?P<name>[A-ZÁ-ŽА-Я][a-zá-žа-я'’-]+(?: [A-ZÁ-ŽА-Я][a-zá-žа-я'’-]+){1,2})$", re.MULTILINE),
    re.compile(r"[(/]\s*(?P<name>(?:[A-ZА-Я][a-z]?\.\s?){1,3}\s*[A-ZА-Я][\w'’-]+)\s*[)/]"),
    re.compile(r"^(?P<name>(?:[A-ZА-Я] ){3,}[A-ZА-Я])$", re.MULTILINE),
    re.compile(
        r"^(?:\d{1,2}[./][\dIVX]+[./-]\d{2,4}\.?\s+)?(?P<name>(?:[A-Z]\.\s?){0,3}[A-Z][a-z'’-]+)$",
        re.MULTILINE,
    ),
)


_NOT_NAMES = frozenset(
    {
        "Ambassador",
        "Devotedly",
        "Counsellor",
        "Counselor",
        "Deputy",
        "Minister",
        "Chargé",
        "Head",
        "Third",
        "Second",
        "First",
        "Attaché",
    }
)


def title_authors(title: Span) -> list[Span]:
    """Author names in the title's set phrases (journal of X, telegram X to Y, report from X)."""
    for pattern in _TITLE_PATTERNS:
        if m := pattern.search(title.text):
            return [Span(title.start + m.start("name"), title.start + m.end("name"), m["name"])]
    return []


def signature_authors(signature: Span) -> list[Span]:
    """The signer's name in a signature block."""
    for pattern in _SIGNED:
        for m in pattern.finditer(signature.text):
            if m["name"].split()[0] in _NOT_NAMES:
                continue
            return [Span(signature.start + m.start("name"), signature.start + m.end("name"), m["name"])]
    return []


def surname_key(name: str) -> str:
    """A key that treats ``A.M. Puzanov``, ``A. PUZANOV`` and ``S H T Y K O V`` as one signer."""
    if re.fullmatch(r"(?:\w )+\w", name):
        name = name.replace(" ", "")
    return re.split(r"[\s.]+", name.strip(". "))[-1].lower()


def authors(title: Span, signature: Span | None) -> tuple[Span, ...]:
    """Authors from the title and the signature, one per surname, the title's form first."""
    found: dict[str, Span] = {}
    for span in title_authors(title) + (signature_authors(signature) if signature else []):
        found.setdefault(surname_key(span.text), span)
    return tuple(found.values())
