"""Dates as the archive prints them (wilson-format.md §2 item 2 and §4.1).

>>> date_line_iso("October 25, 1957"), date_line_iso("September 01, 1975")
('1957-10-25', '1975-09-01')
>>> date_line_iso("December 1972"), date_line_iso("April, 1950"), date_line_iso("1955")
('1972-12', '1950-04', '1955')
>>> date_line_iso("Skip to content") is None
True
>>> nearest_year(24, 12, datetime.date(1956, 1, 20))
datetime.date(1955, 12, 24)
"""

from __future__ import annotations

import datetime
import re

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_MONTH_DAY_YEAR = re.compile(rf"^({MONTH}) (\d{{1,2}}), (\d{{4}})$", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"^({MONTH}),? (\d{{4}})$", re.IGNORECASE)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")

#: A day heading in a journal body: ``25 October 1957`` or ``17 August`` on its own line.
DAY_HEADING = re.compile(rf"^(\d{{1,2}}) ({MONTH})(?:,? (\d{{4}}))?\.?$")

#: A date inside running text, with an optional weekday: ``Monday, 28 October``, ``9 May 1972``.
TEXT_DATE = re.compile(rf"\b(?:({WEEKDAY}),? )?(\d{{1,2}}) ({MONTH})(?:,? (\d{{4}}))?\b")


def iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO 8601 at the given precision, or None when the parts are not a real date."""
    try:
        if day is not None and month is not None:
            return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
    if month is not None:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    return f"{year:04d}"


def date_line_iso(text: str) -> str | None:
    """The ISO date of a page's date line, at the precision printed, or None."""
    text = text.strip()
    if m := _MONTH_DAY_YEAR.match(text):
        return iso(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    if m := _MONTH_YEAR.match(text):
        return iso(int(m[2]), MONTHS[m[1].lower()])
    if m := _YEAR.match(text):
        return iso(int(m[1]))
    return None


def nearest_year(day: int, month: int, reference: datetime.date, weekday: str | None = None) -> datetime.date | None:
    """The date with this day and month closest to ``reference`` (years around it).

    When a weekday is printed, only years where the date falls on that weekday are kept.
    """
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if weekday and WEEKDAYS[candidate.weekday()] != weekday.lower():
            continue
        candidates.append(candidate)
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - reference).days))


def reference_date(iso_date: str) -> datetime.date:
    """A day to measure from for an ISO date of any precision (its first day)."""
    parts = [int(p) for p in iso_date.split("-")] + [1, 1]
    return datetime.date(parts[0], parts[1], parts[2])
