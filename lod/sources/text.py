"""Page text normalised for parsing, with offsets that later layers can trust.

Normalising (wilson-format.md §11.1): line endings unified; NO-BREAK and other odd spaces become
plain spaces; every line is trimmed; lines of only whitespace count as empty; runs of empty lines
collapse to one, and their length is kept on the next line as a weak boundary signal. Nothing
else is changed, so quotes taken from the normalised text match what was printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lod.errors import UnreadablePage
from lod.sources.record import Span

_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\t\ufeff]")


@dataclass(frozen=True)
class Line:
    """One non-empty line of the normalised text."""

    start: int
    end: int
    text: str
    number: int
    blank_before: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True)
class PageText:
    """The normalised text of a page and its non-empty lines."""

    path: str
    text: str
    lines: tuple[Line, ...]

    def span(self, start: int, end: int) -> Span:
        """The span of ``text[start:end]``, trimmed of surrounding whitespace."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return Span(start, end, self.text[start:end])

    def lines_span(self, first: int, last: int) -> Span:
        """The span from the start of line ``first`` to the end of line ``last`` (inclusive)."""
        return self.span(self.lines[first].start, self.lines[last].end)


def decode(path: str, data: bytes) -> str:
    """The page's text, or :class:`UnreadablePage` for empty, binary or non-UTF-8 input."""
    if not data.strip():
        raise UnreadablePage(path, 1, "the file is empty")
    if b"\x00" in data[:65536]:
        raise UnreadablePage(path, 1, "the file is binary (it contains NUL bytes), not page text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UnreadablePage(path, line, f"the file is not UTF-8 text ({err.reason})") from None


def normalise(path: str, raw: str) -> PageText:
    """Normalise page text into :class:`PageText`.

    >>> page = normalise("p.txt", "Skip to content\\n\\n\\nOctober 25, 1957\\u00a0 \\n")
    >>> [(line.text, line.number, line.blank_before) for line in page.lines]
    [('Skip to content', 1, 0), ('October 25, 1957', 4, 2)]
    >>> page.text
    'Skip to content\\n\\nOctober 25, 1957'
    """
    parts: list[str] = []
    lines: list[Line] = []
    offset = 0
    blank = 0
    for number, raw_line in enumerate(re.split(r"\r\n|\r|\n", raw), start=1):
        line = _ODD_SPACES.sub(" ", raw_line).strip()
        if not line:
            blank += 1
            continue
        if lines:
            sep = "\n\n" if blank else "\n"
            parts.append(sep)
            offset += len(sep)
        lines.append(Line(offset, offset + len(line), line, number, blank if lines else 0))
        parts.append(line)
        offset += len(line)
        blank = 0
    if not lines:
        raise UnreadablePage(path, 1, "the file is empty (it holds only whitespace)")
    return PageText(path, "".join(parts), tuple(lines))
