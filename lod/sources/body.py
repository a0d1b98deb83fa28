"""The document proper: header block, body days and sections, signature, distribution, registry.

wilson-format.md §3–§5. The parts are found from both ends: signature, copies, distribution list
and registry footer from the end; the header block as the leading run of lines that look like
stamps, registry numbers, classifications and cover titles; what remains is the body, split into
days on day headings and into sections on separators and long runs of empty lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lod.sources.dates import DAY_HEADING, MONTHS, date_line_iso, iso, nearest_year, reference_date
from lod.sources.formulas import OPENING
from lod.sources.record import DayEntry, DistributionEntry, DocumentDate, Span
from lod.sources.text import PageText

_SIGNATURE_MARK = re.compile(r"\[signature\]|\[\[illegible signature\]\]", re.IGNORECASE)
_NAME = r"[A-ZА-ЯЁ][\w'’-]+"
_INITIALS = r"(?:[A-ZА-ЯЁ][a-z]?\.\s?){1,3}"
SIGNED_NAME = re.compile(rf"(?:^|\s)[(/]\s*{_INITIALS}\s*{_NAME}\s*[)/]\.?$|^[(/]\s*{_NAME},?\s*{_INITIALS}\s*[)/]\.?$")
#: A signer's name on its own line, given name first or family name first (``Zoltán Fodor``).
_NAME_LINE = re.compile(r"^[A-ZÁ-ŽА-Я][\w'’-]+(?: [A-ZÁ-ŽА-Я][\w'’-]+){1,2}$")
_SPACED_CAPS = re.compile(r"^(?:[A-ZА-ЯЁ] ){3,}[A-ZА-ЯЁ]$")
_INITIALS_NAME = re.compile(rf"^{_INITIALS}\s*[A-ZА-ЯЁ][a-zа-яё'’-]+$")
_DATED_NAME = re.compile(r"^\d{1,2}[./][\dIVX]+[./-]\d{2,4}\.?\s+[A-ZА-ЯЁ][a-zа-яё]+$")
_CLOSING = re.compile(r"^(?:Devotedly|Sincerely|Respectfully|Faithfully|Yours|With (?:[a-z]+ )?greetings)\b.*,$")
COPIES = re.compile(r"^(?:[A-Za-z]+|\d+) copies\b|^Copies:|^Distributed according", re.IGNORECASE)
DISTRIBUTION_ITEM = re.compile(r"^(\d+(?:st|nd|rd|th)?\.?\s*-\s*)(\S.*)$")
SEPARATOR = re.compile(r"^(?:x\s?x\s?x|xxx|\*\s?\*\s?\*|\[(?:…|\.\.\.|\.…|….)\])$", re.IGNORECASE)

_HEADER = re.compile(
    r"N[º°o]\.?\s*[\d_\[]|\bNo\.\s*\d|\bCopy\s+N|\[\[|\bstamp\b|[Hh]andwrit|SECRET|[Ss]ecret!?$"
    r"|^[=\-_]{3,}|^\[|\]$|^(?:The )?Journal\b|^JOURNAL|^of (?:Soviet|USSR)|^OF\b|^Incoming\b|^Outgoing\b"
    r"|^Ciphered\b|^FROM:|^Sent\b|^Received in\b|^Arrived\b|^Deciphered\b|^Distribution list|^Strictly"
    r"|^By (?:telegraph|courier)|^Produced in\b|^-\s|^Dear\b|^B e r l i n|^Embassy\b|^(?:To|From)\s[A-Z]"
    r"|\bperiod\b.*\d{4}"
)
#: Transmission and registry lines that belong to the header however long they are (§4.3).
_ALWAYS_HEADER = re.compile(
    r"^(?:Ciphered Telegram|FROM:|Sent\b|Received in\b|Arrived\b|Deciphered\b|Distribution list|Typed by\b"
    r"|Copy N|Produced in\b|\[(?:faded |partial )?(?:image of a )?stamp|\[handwri)"
)
#: A numbered section or point opening the body: ``I. Polish-Korean relations.``, ``1) On …``
_NUMBERED = re.compile(r"^(?:[IVX]+|\d{1,2})[.)]\s+[A-Z]")
_LABEL = re.compile(
    r"^(?:Time|Place|Participants|Interpreter|Recorder|Foreign guests|Accompanying persons|Recording officials"
    r"|Person attending the meeting|Date and Time|Interpretation and Minutes|Location|Subject|To|From):"
)


@dataclass(frozen=True)
class Parts:
    """The document proper, split."""

    header: Span | None
    body: Span
    days: tuple[DayEntry, ...]
    signature: Span | None
    copies: Span | None
    distribution: tuple[DistributionEntry, ...]
    registry: Span | None


def split(page: PageText, first: int, last: int, document_date: DocumentDate) -> Parts:
    """Split the lines ``first..last`` (inclusive) of a page into the parts of the document."""
    texts = [line.text for line in page.lines]
    sig = _signature(texts, first, last)
    tail_from = sig[1] + 1 if sig else first
    copies_at = next((i for i in range(max(tail_from, last - 30), last + 1) if COPIES.match(texts[i])), None)
    items = _distribution_items(texts, (copies_at + 1) if copies_at is not None else tail_from, last)
    if sig is None and copies_at is None and items and items[0] < last - 30:
        items = []
    body_end = last
    if sig:
        body_end = sig[0] - 1
    elif copies_at is not None:
        body_end = copies_at - 1
    elif items:
        body_end = items[0] - 1
    after = max([i for i in (sig[1] if sig else None, copies_at, *items) if i is not None], default=None)
    registry = page.lines_span(after + 1, last) if after is not None and after < last else None
    header_end = _header_end(texts, first, body_end)
    if header_end >= body_end:
        header_end = first - 1
    body_start = header_end + 1
    return Parts(
        header=page.lines_span(first, header_end) if header_end >= first else None,
        body=page.lines_span(body_start, body_end),
        days=tuple(_days(page, body_start, body_end, document_date)),
        signature=page.lines_span(*sig) if sig else None,
        copies=page.lines[copies_at].span if copies_at is not None else None,
        distribution=tuple(_entry(page, i) for i in items),
        registry=registry,
    )


def is_signature_line(text: str) -> bool:
    """A line that carries a signature or the signer's name in a signature form (§5)."""
    return bool(
        _SIGNATURE_MARK.search(text) or SIGNED_NAME.search(text) or _SPACED_CAPS.match(text) or _DATED_NAME.match(text)
    )


def _signature(texts: list[str], first: int, last: int) -> tuple[int, int] | None:
    """First and last line of the signature block, searched for near the end."""
    window = range(last, max(first, last - 25) - 1, -1)
    found = next((i for i in window if is_signature_line(texts[i]) or _CLOSING.match(texts[i])), None)
    if found is None:
        found = next(
            (i for i in window if _INITIALS_NAME.match(texts[i]) and _ends_body(texts, i, last)),
            None,
        )
    if found is None:
        return _name_and_role(texts, first, last)
    start = end = found
    while start - 1 > first and (
        is_signature_line(texts[start - 1]) or _is_role_line(texts[start - 1]) or _CLOSING.match(texts[start - 1])
    ):
        start -= 1
    closing = next((i for i in range(start, end + 1) if _CLOSING.match(texts[i])), None)
    while end + 1 <= last and (
        is_signature_line(texts[end + 1])
        or (
            closing is not None
            and end - closing < 2
            and len(texts[end + 1].split()) <= 4
            and not COPIES.match(texts[end + 1])
        )
    ):
        end += 1
    return start, end


def _name_and_role(texts: list[str], first: int, last: int) -> tuple[int, int] | None:
    """A signer's name line and role line closing the text (``Zoltán Fodor`` / ``Ambassador``)."""
    end = last
    while end > first and (COPIES.match(texts[end]) or DISTRIBUTION_ITEM.match(texts[end]) or _is_registry(texts[end])):
        end -= 1
    if end - 1 <= first:
        return None
    name, role = texts[end - 1], texts[end]
    is_role = len(role.split()) <= 4 and not role.endswith((".", "!", "?", ":")) and not _NAME_LINE.match(role)
    if _NAME_LINE.match(name) and is_role and texts[end - 2].endswith((".", "!", "?")):
        return end - 1, end
    return None


def _is_registry(text: str) -> bool:
    return bool(re.match(r"^N[º°o]\.?\s*\S+|^No\.\s*\d", text)) or bool(DAY_HEADING.match(text))


def _ends_body(texts: list[str], at: int, last: int) -> bool:
    """Only footer material (copies, list items, registry lines) follows line ``at``."""
    return all(len(t.split()) <= 8 for t in texts[at + 1 : last + 1])


def _is_role_line(text: str) -> bool:
    """An all-capitals role line above a signature (``USSR AMBASSADOR IN THE DPRK``)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(text.split()) <= 8


def _distribution_items(texts: list[str], start: int, last: int) -> list[int]:
    items = []
    for i in range(start, last + 1):
        if DISTRIBUTION_ITEM.match(texts[i]):
            items.append(i)
        elif items:
            break
    return items


def _entry(page: PageText, index: int) -> DistributionEntry:
    line = page.lines[index]
    m = DISTRIBUTION_ITEM.match(line.text)
    assert m is not None
    return DistributionEntry(printed=line.span, recipient=page.span(line.start + m.start(2), line.end))


def is_header_line(text: str) -> bool:
    """A line of the archival header block: stamps, numbers, classifications, cover titles."""
    words = text.split()
    if _LABEL.match(text):
        return True
    if len(words) > 16 and text.rstrip("”\"'").endswith((".", "!", "?", ":")):
        return False
    if _HEADER.search(text):
        return True
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True
    return len(words) <= 5 and not text.endswith((".", ":", ";", ","))


def _is_date_only(text: str) -> bool:
    return bool(DAY_HEADING.match(text) or date_line_iso(text))


def _opens_body(texts: list[str], i: int, last: int) -> bool:
    """The line starts the body: a day heading followed by prose, or a line of prose."""
    text = texts[i]
    if _ALWAYS_HEADER.match(text):
        return False
    if DAY_HEADING.match(text):
        following = texts[i + 1] if i + 1 <= last else ""
        return bool(following) and not is_header_line(following) and not _is_date_only(following)
    if _is_date_only(text) or _LABEL.match(text):
        return False
    if _NUMBERED.match(text):
        return True
    words = text.split()
    ends_sentence = text.rstrip("”\"'’)").endswith((".", "!", "?"))
    if len(words) > 16:
        return True
    return ends_sentence and len(words) >= 4 and not is_header_line(text)


def _header_end(texts: list[str], first: int, last: int) -> int:
    """Index of the last line of the leading header block (``first - 1`` when there is none).

    The header runs to the first line that opens the body, so cover-title fragments and
    two-column remnants that look like nothing in particular stay in it (§3.1, §3.2).
    """
    for i in range(first, last + 1):
        if _opens_body(texts, i, last):
            return i - 1
    return first - 1


def _days(page: PageText, start: int, end: int, document_date: DocumentDate) -> list[DayEntry]:
    texts = [line.text for line in page.lines]
    headings = [
        i for i in range(start, end + 1) if DAY_HEADING.match(texts[i]) and i < end and not _is_date_only(texts[i + 1])
    ]
    bounds = headings if headings and headings[0] == start else [start, *headings]
    days = []
    for n, first in enumerate(bounds):
        last = bounds[n + 1] - 1 if n + 1 < len(bounds) else end
        heading = first if first in headings else None
        content_start = first + 1 if heading is not None else first
        if content_start > last:
            continue
        days.append(
            DayEntry(
                text=page.lines_span(first, last),
                heading=page.lines[heading].span if heading is not None else None,
                date=_heading_date(page.lines[heading].span, document_date) if heading is not None else None,
                sections=tuple(_sections(page, content_start, last)),
                paragraphs=tuple(page.lines[i].span for i in range(content_start, last + 1)),
            )
        )
    return days


def _heading_date(heading: Span, document_date: DocumentDate) -> DocumentDate | None:
    m = DAY_HEADING.match(heading.text)
    assert m is not None
    day, month = int(m[1]), MONTHS[m[2].lower()]
    if m[3]:
        value = iso(int(m[3]), month, day)
    else:
        found = nearest_year(day, month, reference_date(document_date.iso))
        value = found.isoformat() if found else None
    return DocumentDate(value, heading) if value else None


def _sections(page: PageText, start: int, end: int) -> list[Span]:
    """Meetings of a day (§11.4): split on separators, long runs of empty lines, a leading
    ellipsis, and a meeting formula (``I visited …``) once the current section has one."""
    sections = []
    run: list[int] = []
    has_opening = False
    for i in range(start, end + 1):
        line = page.lines[i]
        if SEPARATOR.match(line.text):
            if run:
                sections.append(page.lines_span(run[0], run[-1]))
            run, has_opening = [], False
            continue
        opens = bool(OPENING.match(line.text))
        breaks = line.blank_before >= 4 or line.text.startswith(("…", "...", "[…]")) or (opens and has_opening)
        if breaks and run:
            sections.append(page.lines_span(run[0], run[-1]))
            run, has_opening = [], False
        has_opening = has_opening or opens
        run.append(i)
    if run:
        sections.append(page.lines_span(run[0], run[-1]))
    return sections
