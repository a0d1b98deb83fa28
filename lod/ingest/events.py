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
from lod.ingest.timespan import duration_seconds, find_durations
from lod.sources.dates import MONTHS, TEXT_DATE, iso, nearest_year
from lod.sources.formulas import OPENING
from lod.sources.record import DayEntry, DocumentRecord, Span


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
    r"|\btold me (?:about|that)\b|\breported (?:to me )?that\b|\bsaid that\b",
    re.IGNORECASE,
)
#: A meeting held before the report: a body's meeting, or someone's meeting in the past tense.
_BODY_MEETING = re.compile(r"\b(?:meeting|session|plenum|Plenum|Presidium|conference)\b")
_HELD_BEFORE = re.compile(r"\b(?:had held|held a|convened|had (?:discussed|examined|considered|approved)|took place)\b")
_SESSION_WORDS = re.compile(
    r"\b(?:Presidium|Plenum|Politburo|Secretariat|Committee|CC|Cabinet|session|plenum|congress)\b"
)
_WORD = r"(?:[A-Z][a-z]?\.|[A-Z][\w'’-]*)"
_NAME_WORDS = rf"(?:the )?(?:other )?(?:{_WORD} +)*(?:{_WORD}|members)"
#: A name that is the subject of an act at the meeting: ``Kim Du-bong replied``,
#: ``Kim Il Sung and other Presidium members directed``, ``Pak Jeong-ae [Pak Jong Ae] and Kim Chang-man asked``.
_SPEECH = re.compile(
    rf"^(?: ?\[[^\]\n]*\])?(?:(?:, *| +and +|, +and +){_NAME_WORDS}(?: ?\[[^\]\n]*\])?)* +"
    r"(?:(?:then|also|again|actually|further|first|once again|patiently|repeatedly) +)?"
    r"(?:spoke|said|read|replied|directed|asked|reminded|answered|stated|declared|proposed|explained|agreed"
    r"|noted|emphasi[sz]ed|critici[sz]ed|insisted|objected|acknowledged|admitted|suggested|announced"
    r"|decided|examined|tried|demanded)\b"
)
_PLAN = re.compile(
    r"\b(?:decided|agreed|asked|proposed|suggested|will|would|plans?|planned|intends?|intended|scheduled"
    r"|expects?|set)\b"
)
_PLANNED_THING = re.compile(r"\b(?:meeting|arrival|visit|hear|receive|session|talks|reception|conversation)\b")
_POSSESSIVE = re.compile(r"^['’]s\b")
_AUTHOR_INCLUDED = re.compile(r"\b(?:I|me|my|our|us)\b")
_FIRST_PERSON = re.compile(r"\b(?:I|me|my)\b")
_TODAY = re.compile(r"\btoday(?:'s|’s)?\b", re.IGNORECASE)
_YESTERDAY = re.compile(r"\byesterday(?:'s|’s)?\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*(?=\s+[A-Z\[“\"(…]|\s*$)")
#: A period that ends an initial or a title, not a sentence: ``A. M.``, ``Cde.``, ``No.``
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Ye|Yu|Ya|Yo|Zh|Ch|Sh|Kh|Ts|Cde|Cdes|Comr|Mr|Mrs|Dr|No|Nº|St|Op|Gen|Col|Lt))$"
)


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
    """The day's sections (the parser splits meetings), each with its paragraphs."""
    return [
        _Meeting(tuple(p for p in day.paragraphs if section.start <= p.start < section.end + 1), day_date)
        for section in day.sections
    ]


def _from_meeting(text: str, meeting: _Meeting, mentions: Sequence[Mention], author: Authority | None) -> list[Event]:
    span = meeting.span
    everything = [m for m in mentions if span.start <= m.start < span.end]
    inside = [m for m in everything if m.authority.kind in ("person", "group")]
    first = meeting.paragraphs[0]
    opening = _first_sentence(first)
    report_at = _report_start(meeting)
    zone = _report_zone(text, meeting, report_at) if report_at else None
    events: list[Event] = []
    date = meeting.date
    if date is None and (found := TEXT_DATE.search(opening.text)) and found[4]:
        date = iso(int(found[4]), MONTHS[found[3].lower()], int(found[2]))
    if OPENING.match(first.text):
        places = [m for m in everything if m.authority.kind == "place" and opening.start <= m.start < opening.end]
        at = next(
            (m.authority for m in places if re.search(r"\bat (?:the )?$", text[max(0, m.start - 7) : m.start])), None
        )
        events.append(_held(text, meeting, opening, inside, zone, author, date, at))
    if report_at is not None and zone is not None:
        events.append(_reported(text, meeting, report_at, zone, inside, author, date))
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
    zone: Span | None,
    author: Authority | None,
    date: str | None,
    place: Authority | None,
) -> Event:
    # Groups in an opening sentence are roles (``Deputy Chairman of the KWP CC Pak Geum-cheol``).
    persons = [
        a for a in _authorities(m for m in inside if opening.start <= m.start < opening.end) if a.kind == "person"
    ]
    persons = [a for a in persons if a != author]
    counterparts = persons
    initiator: Authority | None = author
    if _CHANCE.search(opening.text):
        initiator = None
    elif (_INVITED_BY.search(opening.text) or _AT_REQUEST.search(opening.text)) and persons:
        initiator = persons[0]
    held = [s for s in _sentences(meeting.paragraphs) if zone is None or not zone.start <= s.start < zone.end]
    for sentence in held:
        invited = re.search(r"\b(?:invited me|asked me to come)\b", sentence.text)
        names = [m for m in inside if sentence.start <= m.start < sentence.end and m.authority.kind == "person"]
        if invited and names and names[0].start < sentence.start + invited.start() and initiator is author:
            initiator = names[0].authority
    present = []
    for sentence in held:
        if _PRESENT.search(sentence.text):
            present += [m for m in inside if sentence.start <= m.start < sentence.end and m.authority.kind == "person"]
    participants = _authorities([*([author] if author else []), *counterparts, *(m.authority for m in present)])
    duration = next((d for s in held for d in find_durations(s, lasted_only=True)), None)
    kinds = ["reception" if _RECEPTION.search(opening.text) else "meeting"]
    if any(re.search(r"\bconversation\b", s.text) for s in held):
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
        verb = _REPORT_INTRO.search(sentence.text)
        if verb is None:
            continue
        after = sentence.text[verb.end() :]
        is_said = verb.group().lower() == "said that"
        if _HELD_BEFORE.search(after) or (not is_said and _BODY_MEETING.search(after)):
            return sentence
    return None


def _report_zone(text: str, meeting: _Meeting, intro: Span) -> Span:
    """The report: from its opening sentence to the first sentence that is the author's own again
    (one that says I, me or my, or who was present at the conversation)."""
    end = meeting.span.end
    for sentence in _sentences(meeting.paragraphs):
        if sentence.start > intro.start and (_FIRST_PERSON.search(sentence.text) or _PRESENT.search(sentence.text)):
            end = sentence.start
            break
    return Span(intro.start, end, text[intro.start : end])


def _reported(
    text: str,
    meeting: _Meeting,
    intro: Span,
    zone: Span,
    inside: Sequence[Mention],
    author: Authority | None,
    date: str | None,
) -> Event:
    verb = _REPORT_INTRO.search(intro.text)
    verb_at = intro.start + (verb.start() if verb else 0)
    before = [m for m in inside if intro.start <= m.start < verb_at and m.authority.kind == "person"]
    reporter = before[-1].authority if before else None
    in_zone = [m for m in inside if zone.start <= m.start < zone.end]
    groups = [m for m in in_zone if verb_at <= m.start < intro.end and m.authority.kind == "group"]
    bodies = [groups[0].authority] if groups else []
    initiator = bodies[0] if bodies else _holder(text, intro, verb_at, inside)
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
    reported_sentences = [s for s in _sentences(meeting.paragraphs) if zone.start <= s.start < zone.end]
    duration = next((d for s in reported_sentences for d in find_durations(s, lasted_only=False)), None)
    return Event(
        status=Status.REPORTED,
        kinds=("session",) if bodies else ("meeting",),
        date=when,
        initiator=initiator,
        participants=tuple(participants),
        evidence=intro,
        duration=duration,
    )


def _holder(text: str, intro: Span, verb_at: int, inside: Sequence[Mention]) -> Authority | None:
    """Who held a reported meeting that no body held: the person just before ``had held``."""
    held = _HELD_BEFORE.search(intro.text, verb_at - intro.start)
    if held is None:
        return None
    before = [m for m in inside if verb_at <= m.start < intro.start + held.start() and m.authority.kind == "person"]
    return before[-1].authority if before else None


def _planned(sentence: Span, inside: Sequence[Mention], author: Authority | None, date: str | None) -> Event | None:
    """A meeting announced for a later date: who decided or asked, who is to take part, when."""
    marker = _PLAN.search(sentence.text)
    if date is None or marker is None or not _PLANNED_THING.search(sentence.text, marker.end()):
        return None
    found = TEXT_DATE.search(sentence.text, marker.end())
    if found is None:
        return None
    when = _resolve(found, date)
    if when is None or when <= date:
        return None
    names = [m for m in inside if sentence.start <= m.start < sentence.end]
    marker_at = sentence.start + marker.start()
    deciders = [
        m for m in names if m.start < marker_at and not _POSSESSIVE.match(sentence.text[m.end - sentence.start :])
    ]
    people = [author] if author is not None and _AUTHOR_INCLUDED.search(sentence.text) else []
    participants = _authorities([*(m.authority for m in names), *people])
    is_session = any(_SESSION_WORDS.search(m.quote) for m in names if m.authority.kind == "group")
    return Event(
        status=Status.PLANNED,
        kinds=("session",) if is_session else ("meeting",),
        date=when,
        initiator=deciders[-1].authority if deciders else None,
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
