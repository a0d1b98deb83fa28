"""Exceptions raised by lod, in one hierarchy.

LodError
├── PageError                a page that cannot become a document record
│   ├── UnreadablePage       empty, binary or undecodable file
│   └── NotADocument         a listing, collection or entity page, or no date/title
├── AuthorityError           a curated record in triples/ that cannot be read
├── BuildError               a build that must not replace the served store
│   └── ValidationFailed     SHACL or structural rules violated, with every violation
├── StoreUnavailable         no built store to serve or query
└── NotFound                 no record at that kind and slug
"""

from __future__ import annotations

from dataclasses import dataclass


class LodError(Exception):
    """Base class of every error lod raises on purpose."""


class PageError(LodError):
    """A page that cannot be read as an archive document."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}")


class UnreadablePage(PageError):
    """An empty, binary or undecodable file."""


class NotADocument(PageError):
    """A listing, collection or entity page, or a page without a recognisable date or title."""


class AuthorityError(LodError):
    """A curated record in triples/ that cannot be parsed or is inconsistent."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: which record, which rule, what is wrong."""

    record: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: [{self.rule}] {self.message}"


class BuildError(LodError):
    """A build that stopped before switching the served store."""


class ValidationFailed(BuildError):
    """The data breaks the shapes or structural rules; nothing was switched."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  {v}" for v in violations[:50])
        more = f"\n  … and {len(violations) - 50} more" if len(violations) > 50 else ""
        super().__init__(f"{len(violations)} violation(s):\n{lines}{more}")


class StoreUnavailable(LodError):
    """No built store exists yet, or it cannot be opened."""


class NotFound(LodError):
    """No record of that kind and slug."""
