"""Events narrated in journals and records of conversation (wilson-format.md §4.2).

The journal's own formulas say who met whom and at whose initiative: ``I visited X`` (the author
went and initiated), ``… at his invitation`` / ``… at his request`` (X initiated), ``X invited
me``, ``X was present at the conversation, which lasted …`` (participants and duration).
Meetings reported to the author second-hand (``X provided information about today's … meeting``)
and meetings only planned (``decided … to hear X … on Monday, 28 October``) are kept apart from
the meetings the author attended, and the author is never made a participant of them.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lod.ingest.authority import Authority
from lod.ingest.names import Mention
from lod.sources.dates import MONTHS, TEXT_DATE, iso, nearest_year
from lod.sources.record import DayEntry, DocumentRecord, Span
from lod.timespan import duration_seconds, find_durations


class Status(enum.StrEnum):
    """How the author stands to an event."""

    ATTENDED = "attended"
    REPORTED = "reported"
    PLANNED = "planned"


@dataclass(frozen=True)
class Event:
    """One event a document narrates, with the text that states it."""

    status: Status
    kinds: tuple[str, ...]
    date: str | None
    initiator: Authority | None
    participants: tuple[Authority, ...]
    evidence: Span
    duration: Span | None = None
    place: Authority | None = None

    @property
    def seconds(self) -> int | None:
        return duration_seconds(self.duration.text) if self.duration else None


_OPENING = re.compile(
    r"^(?:[…\.]+\s*)?(?:(?:In the (?:morning|afternoon|evening)|At \d{3,4}|On \d{1,2} \w+(?: \d{4})?|"
    r"In accordance with [^.]*?|By (?:a )?previous agreement|Today|Later|Then),?\s+)?"
    r"(?:I (?:visited|received|met|had (?:a|another) (?:conversation|meeting|talk)|was (?:at|present at|invited)|"
    r"participated|attended|went|accidentally encountered|paid a visit)|I and \[?my\]? wife were invited|"
    r"A (?:reception|cocktail party|dinner|lunch|breakfast) was (?:held|given)|"
    r"The conversation with .{3,60} was held)\b",
)
_INVITED_BY = re.compile(r"\bat (?:his|her|their) invitation\b|\bat the invitation of\b", re.IGNORECASE)
_AT_REQUEST = re.compile(r"\(?\bat (?:his|her|their) (?:own )?request\)?|\bat the request of\b", re.IGNORECASE)
_CHANCE = re.compile(r"\baccidentally\b|\bby chance\b", re.IGNORECASE)
_RECEPTION = re.compile(
    r"\b(?:reception|festive meeting|lunch|dinner|breakfast|cocktail party|banquet)\b",
    re.IGNORECASE,
)
_PRESENT = re.compile(
    r"\b(?:was|were) (?:also )?present (?:at|during) the (?:conversation|meeting|visit|talk|reception)\b"
    r"|\binterpreted by\b|\btranslated the conversation\b|\(he translated\)|\(as interpreter\)",
    re.IGNORECASE,
)
_REPORT_INTRO = re.compile(
    r"\b(?:provided|gave) (?:me )?information (?:about|on)\b|\binformed me (?:about|of|that)\b"
    r"|\btold me (?:about|that)\b|\breported (?:to me )?that\b",
    re.IGNORECASE,
)
_BODY_MEETING = re.compile(r"\b(?:meeting|session|plenum|Plenum|Presidium|conference)\b")
_SESSION_WORDS = re.compile(r"\b(?:Presidium|Plenum|Politburo|Secretariat|Committee|CC|session|plenum|congress)\b")
_SPEECH = re.compile(
    r"^(?:,? (?:and )?(?:the )?(?:other )?(?:[A-Z][\w-]* )?members)?\s+"
    r"(?:(?:then|also|again|actually|further|first|once again|patiently|repeatedly)\s+)?"
    r"(?:spoke|said|read|replied|directed|asked|reminded|answered|stated|declared|proposed|explained|agreed"
    r"|noted|emphasi[sz]ed|critici[sz]ed|insisted|objected|acknowledged|admitted|suggested|announced"
    r"|decided|examined|tried)\b"
)
_PLAN = re.compile(
    r"\b(?:decided|agreed (?:to|that)|will|would|plans?|planned|intends?|intended|scheduled|expects?"
    r"|set (?:this|the|a) meeting)\b"
)
_TODAY = re.compile(r"\btoday(?:'s|’s)?\b", re.IGNORECASE)
_YESTERDAY = re.compile(r"\byesterday(?:'s|’s)?\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*(?=\s+[A-Z\[“\"(…]|\s*$)")
#: A period that ends an initial or a title, not a sentence: ``A. M.``, ``Cde.``, ``No.``
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Cde|Cdes|Comr|Mr|Mrs|Dr|No|Nº|St|Op|Gen|Col|Lt))$")


@dataclass(frozen=True)
class _Meeting:
    paragraphs: tuple[Span, ...]
    date: str | None

    @property
    def span(self) -> Span:
        return _join(self.paragraphs)


def extract_events(record: DocumentRecord, mentions: Sequence[Mention], author: Authority | None) -> list[Event]:
    """Every attended, reported and planned event the record's body narrates, in text order."""
    events: list[Event] = []
    for day in record.days:
        day_date = _day_date(record, day)
        for meeting in _meetings(day, day_date):
            events += _from_meeting(record.text, meeting, mentions, author)
    return sorted(events, key=lambda e: e.evidence.start)


def _day_date(record: DocumentRecord, day: DayEntry) -> str | None:
    if day.date is not None and len(day.date.iso) == 10:
        return day.date.iso
    if len(record.days) == 1 and record.document_type and record.document_type.slug == "diary-entry":
        return record.date.iso if len(record.date.iso) == 10 else None
    return None


def _meetings(day: DayEntry, day_date: str | None) -> list[_Meeting]:
    """Sections split further where a paragraph opens with a meeting formula."""
    meetings: list[_Meeting] = []
    for section in day.sections:
        current: list[Span] = []
        has_opening = False
        for paragraph in (p for p in day.paragraphs if section.start <= p.start < section.end + 1):
            opens = bool(_OPENING.match(paragraph.text))
            if opens and has_opening and current:
                meetings.append(_Meeting(tuple(current), day_date))
                current = []
            has_opening = has_opening or opens
            if opens:
                has_opening = True
            current.append(paragraph)
        if current:
            meetings.append(_Meeting(tuple(current), day_date))
    return meetings


def _from_meeting(text: str, meeting: _Meeting, mentions: Sequence[Mention], author: Authority | None) -> list[Event]:
    span = meeting.span
    everything = [m for m in mentions if span.start <= m.start < span.end]
    inside = [m for m in everything if m.authority.kind in ("person", "group")]
    first = meeting.paragraphs[0]
    opening = _first_sentence(first)
    report_at = _report_start(meeting)
    held_end = report_at.start if report_at else span.end
    events: list[Event] = []
    date = meeting.date
    if date is None and (found := TEXT_DATE.search(opening.text)) and found[4]:
        date = iso(int(found[4]), MONTHS[found[3].lower()], int(found[2]))
    if _OPENING.match(first.text):
        places = [m for m in everything if m.authority.kind == "place" and opening.start <= m.start < opening.end]
        at = next((m.authority for m in places if text[max(0, m.start - 3) : m.start] == "at "), None)
        events.append(_held(text, meeting, opening, inside, held_end, author, date, at))
    if report_at is not None:
        events.append(_reported(text, meeting, report_at, inside, author, date))
    for sentence in _sentences(meeting.paragraphs):
        planned = _planned(sentence, inside, author, date)
        if planned is not None:
            events.append(planned)
    return events


def _held(
    text: str,
    meeting: _Meeting,
    opening: Span,
    inside: Sequence[Mention],
    held_end: int,
    author: Authority | None,
    date: str | None,
    place: Authority | None,
) -> Event:
    counterparts = _authorities(m for m in inside if opening.start <= m.start < opening.end)
    counterparts = [a for a in counterparts if a != author]
    persons = [a for a in counterparts if a.kind == "person"]
    initiator: Authority | None = author
    if _CHANCE.search(opening.text):
        initiator = None
    elif (_INVITED_BY.search(opening.text) or _AT_REQUEST.search(opening.text)) and persons:
        initiator = persons[0]
    held = [s for s in _sentences(meeting.paragraphs) if s.end <= held_end]
    for sentence in held:
        invited = re.search(r"\b(?:invited me|asked me to come)\b", sentence.text)
        names = [m for m in inside if sentence.start <= m.start < sentence.end and m.authority.kind == "person"]
        if invited and names and names[0].start < sentence.start + invited.start() and initiator is author:
            initiator = names[0].authority
    present = []
    for sentence in held:
        if _PRESENT.search(sentence.text):
            present += [m for m in inside if sentence.start <= m.start < sentence.end]
    participants = _authorities([*([author] if author else []), *counterparts, *(m.authority for m in present)])
    duration = next((d for s in held for d in find_durations(s, lasted_only=True)), None)
    kinds = ["reception" if _RECEPTION.search(opening.text) else "meeting"]
    if re.search(r"\bconversation\b", text[meeting.span.start : held_end]):
        kinds.append("conversation")
    return Event(
        status=Status.ATTENDED,
        kinds=tuple(kinds),
        date=date,
        initiator=initiator,
        participants=tuple(participants),
        evidence=opening,
        duration=duration,
        place=place,
    )


def _report_start(meeting: _Meeting) -> Span | None:
    """The sentence that opens a second-hand report of a body's meeting, if any."""
    for sentence in _sentences(meeting.paragraphs):
        if _REPORT_INTRO.search(sentence.text) and _BODY_MEETING.search(sentence.text):
            return sentence
    return None


def _reported(
    text: str,
    meeting: _Meeting,
    intro: Span,
    inside: Sequence[Mention],
    author: Authority | None,
    date: str | None,
) -> Event:
    zone = Span(intro.start, meeting.span.end, text[intro.start : meeting.span.end])
    verb = _REPORT_INTRO.search(intro.text)
    verb_at = intro.start + (verb.start() if verb else 0)
    before = [m for m in inside if intro.start <= m.start < verb_at and m.authority.kind == "person"]
    reporter = before[-1].authority if before else None
    in_zone = [m for m in inside if zone.start <= m.start < zone.end]
    bodies = _authorities(
        m for m in in_zone if m.start < intro.end and m.authority.kind == "group" and _SESSION_WORDS.search(m.quote)
    )
    speakers = [m.authority for m in in_zone if _SPEECH.match(text[m.end : zone.end])]
    participants = _authorities([*bodies, *speakers])
    participants = [a for a in participants if a not in (author, reporter)]
    when = None
    if _TODAY.search(intro.text):
        when = date
    elif _YESTERDAY.search(intro.text) and date:
        when = (datetime.date.fromisoformat(date) - datetime.timedelta(days=1)).isoformat()
    elif (found := TEXT_DATE.search(intro.text)) and date:
        when = _resolve(found, date)
    reported_sentences = [s for s in _sentences(meeting.paragraphs) if s.start >= intro.start]
    duration = next((d for s in reported_sentences for d in find_durations(s, lasted_only=False)), None)
    return Event(
        status=Status.REPORTED,
        kinds=("session",) if bodies else ("meeting",),
        date=when,
        initiator=bodies[0] if bodies else None,
        participants=tuple(participants),
        evidence=intro,
        duration=duration,
    )


def _planned(sentence: Span, inside: Sequence[Mention], author: Authority | None, date: str | None) -> Event | None:
    if date is None or not _PLAN.search(sentence.text):
        return None
    found = TEXT_DATE.search(sentence.text)
    if found is None:
        return None
    when = _resolve(found, date)
    if when is None or when <= date:
        return None
    names = [m for m in inside if sentence.start <= m.start < sentence.end]
    participants = _authorities(m for m in names)
    bodies = [a for a in participants if a.kind == "group"]
    subject = names[0].authority if names and names[0].start - sentence.start < 12 else None
    is_session = any(_SESSION_WORDS.search(m.quote) for m in names if m.authority.kind == "group")
    return Event(
        status=Status.PLANNED,
        kinds=("session",) if is_session else ("meeting",),
        date=when,
        initiator=subject if subject in bodies else None,
        participants=tuple(participants),
        evidence=sentence,
    )


def _resolve(found: re.Match[str], date: str) -> str | None:
    day, month = int(found[2]), MONTHS[found[3].lower()]
    if found[4]:
        return iso(int(found[4]), month, day)
    resolved = nearest_year(day, month, datetime.date.fromisoformat(date), weekday=found[1])
    return resolved.isoformat() if resolved else None


def _authorities(items: object) -> list[Authority]:
    seen: list[Authority] = []
    for item in items:  # type: ignore[attr-defined]
        authority = item.authority if isinstance(item, Mention) else item
        if authority not in seen:
            seen.append(authority)
    return seen


def _first_sentence(paragraph: Span) -> Span:
    return next(iter(_sentences((paragraph,))), paragraph)


def _sentences(paragraphs: Sequence[Span]) -> list[Span]:
    """Sentences of each paragraph (a period after an initial does not end one)."""
    out = []
    for p in paragraphs:
        start = 0
        for m in _SENTENCE_END.finditer(p.text):
            if _ABBREVIATION.search(p.text, 0, m.start()):
                continue
            out.append(_trim(p, start, m.end()))
            start = m.end()
        if start < len(p.text) and p.text[start:].strip():
            out.append(_trim(p, start, len(p.text)))
    return [s for s in out if s.text]


def _trim(p: Span, start: int, end: int) -> Span:
    while start < end and p.text[start].isspace():
        start += 1
    return Span(p.start + start, p.start + end, p.text[start:end])


def _join(paragraphs: Sequence[Span]) -> Span:
    return Span(paragraphs[0].start, paragraphs[-1].end, "")
