"""Time: the day-long spans of dated events and the durations a text states.

>>> day_bounds("1957-10-25")
('1957-10-25T00:00:00', '1957-10-25T23:59:59')
>>> duration_seconds("an hour and a half"), duration_seconds("four hours"), duration_seconds("40 minutes")
(5400, 14400, 2400)
>>> sentence = "were present at the conversation, which lasted an hour and a half."
>>> [d.text for d in find_durations(Span(0, len(sentence), sentence), lasted_only=True)]
['an hour and a half']
"""

from __future__ import annotations

import re

from lod.sources.record import Span

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
_NUMBER = r"(?:an?|\d+(?:\.\d+)?|" + "|".join(w for w in _NUMBERS if len(w) > 2) + ")"
DURATION = re.compile(
    rf"\b(?:an hour and a half|half an hour|{_NUMBER} and a half hours|"
    rf"{_NUMBER} hours?(?: and (?:a half|{_NUMBER} minutes?))?|{_NUMBER} minutes?)\b",
    re.IGNORECASE,
)
_LASTED = re.compile(
    r"\b(?:lasted|took|continued|went on)(?: for)?(?: about| around| some| over| nearly| almost)? $",
    re.IGNORECASE,
)
_FOR = re.compile(
    r"\b(?:lasted|took|continued|went on|for)(?: for)?(?: about| around| some| over| nearly| almost)? $",
    re.IGNORECASE,
)


def day_bounds(iso_day: str) -> tuple[str, str]:
    """First and last second of a day, as ``xsd:dateTime`` lexical forms (the end is inclusive)."""
    return f"{iso_day}T00:00:00", f"{iso_day}T23:59:59"


def duration_seconds(text: str) -> int | None:
    """Seconds in a duration phrase as printed, or None if it is not one."""
    phrase = text.lower().strip()
    if phrase == "an hour and a half":
        return 5400
    if phrase == "half an hour":
        return 1800
    if m := re.fullmatch(rf"({_NUMBER}) and a half hours", phrase):
        return int((_number(m[1]) + 0.5) * 3600)
    if m := re.fullmatch(rf"({_NUMBER}) hours?(?: and (a half|({_NUMBER}) minutes?))?", phrase):
        extra = 1800 if m[2] == "a half" else int(_number(m[3]) * 60) if m[3] else 0
        return int(_number(m[1]) * 3600) + extra
    if m := re.fullmatch(rf"({_NUMBER}) minutes?", phrase):
        return int(_number(m[1]) * 60)
    return None


def _number(word: str) -> float:
    return float(_NUMBERS.get(word.lower(), 0) or word)


def find_durations(sentence: Span, lasted_only: bool) -> list[Span]:
    """Duration phrases in a sentence introduced by ``lasted``/``took`` (or also ``for``)."""
    lead = _LASTED if lasted_only else _FOR
    found = []
    for m in DURATION.finditer(sentence.text):
        if lead.search(sentence.text[max(0, m.start() - 40) : m.start()]):
            found.append(Span(sentence.start + m.start(), sentence.start + m.end(), m.group()))
    return found
