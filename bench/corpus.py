"""A seeded generator of synthetic archive pages and the authority records their names need.

Pages follow the real structure of the Wilson Center's new-layout pages (the seed's family,
``../shared/sources/wilson-format.md`` §2) in three genres, with composed text: ambassador's
journals of one day or several (day headings, meetings in the journal's own formulas, §4.1–4.2),
records of conversation with a labelled Time/Place/Participants header, and ciphered telegrams
with a transmission header and names in capitals (§4.3). People are drawn from a pool with
Zipf-like popularity, some printed in a variant spelling.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from pathlib import Path

FAMILIES = [
    "Kim",
    "Pak",
    "Ri",
    "Choe",
    "Jeong",
    "Han",
    "Kang",
    "Yun",
    "Seo",
    "O",
    "Hyeon",
    "Ryu",
    "Mun",
    "Song",
    "Hong",
]
SYLLABLES = [
    "chang", "il", "seong", "hwa", "cheol", "yong", "man", "geum", "jun", "taek", "sik", "ok", "hui", "bong",
    "gyu", "heum", "dong", "won", "ae", "su", "nam", "hak", "se", "yeong", "guk", "ju", "tae", "min",
]  # fmt: skip
ROLES = [
    "Deputy Premier",
    "Minister of Foreign Affairs",
    "Deputy Minister of Foreign Trade",
    "Chairman of the State Planning Commission",
    "Minister of Finance",
    "Deputy Chairman of the KWP CC",
    "Chief of the MFA First Department",
    "desk officer",
]
TOPICS = [
    "the deliveries of equipment for the Seongjin Steel Foundry",
    "the training of Korean specialists in the USSR",
    "the schedule of the government delegation",
    "the harvest in the northern provinces",
    "the construction of housing in Pyongyang",
    "the exchange of films and books",
    "the work of the Soviet specialists at the Nampo plant",
]
LENGTHS = ["an hour", "two hours", "forty minutes", "an hour and a half"]
MEETING = (
    "{opening}\n\n\n{host} informed me about {topic}. I promised to report this to Moscow.\n\n\n"
    "{role} {guest} was present at the conversation, which lasted {length}."
)
PAGE = (
    "Skip to content\n\n{month} {day}, {year}\n\n"
    "{title}\n\n"
    "This document was made possible with support from ROK Ministry of Unification\n\n"
    "{heading}{body}\n\n\n\n{signature}\n\n\n"
    "Five copies printed\n\n1 - Gromyko\n\n2 - Fedorenko\n\n3 - to file\n\nNº {registry}\n\n{printed}\n\n\n"
    "Puzanov discusses {topic} with his Korean interlocutors and reports their requests.\n\n"
    "Document Information\n\n\n{citation}. "
    "Translated for NKIDP by Gary Goldberg.\n\n\n"
    "The History and Public Policy Program welcomes reuse of Digital Archive materials.\n\n"
    "Original Uploaded Date\n\n\n\n{genre}\n\n\nRecord ID\n\n\n\n"
    "ROK Ministry of Unification\u00a0and Leon Levy Foundation"
)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Person:
    slug: str
    name: str
    variant: str


def people(count: int, rng: random.Random) -> list[Person]:
    """A pool of distinct composed Korean names, each with a hyphen-less variant spelling."""
    pool: list[Person] = []
    seen: set[str] = set()
    while len(pool) < count:
        given = rng.choice(SYLLABLES).capitalize() + "-" + rng.choice(SYLLABLES)
        name = f"{rng.choice(FAMILIES)} {given}"
        if name in seen:
            continue
        seen.add(name)
        slug = f"synthetic-{len(pool)}-" + name.lower().replace(" ", "-")
        pool.append(Person(slug, name, name.replace("-", " ").title().replace(" ", " ")))
    return pool


def authority(person: Person) -> str:
    """The curated-record Turtle for one synthetic person (relative IRIs, as in triples/)."""
    me = f"id/person/{person.slug}"
    return f"""@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{me}> a crm:E21_Person ; rdfs:label "{person.name}" ;
    crm:P1_is_identified_by <{me}#name-1>, <{me}#name-2> .
<{me}#name-1> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "{person.name}" ;
    crm:P2_has_type <id/concept/primary-name> .
<{me}#name-2> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "{person.variant}" ;
    crm:P2_has_type <id/concept/alternate-name> .
"""


def _zipf(pool: list[Person], rng: random.Random) -> Person:
    index = min(int(rng.paretovariate(1.1)) - 1, len(pool) - 1)
    return pool[(index * 7919) % len(pool)]


def page(number: int, pool: list[Person], rng: random.Random) -> str:
    """One N1 page: mostly journals (one day or several), some records of conversation and telegrams."""
    genre = number % 10
    if genre == 8:
        return conversation_page(number, pool, rng)
    if genre == 9:
        return telegram_page(number, pool, rng)
    return journal_page(number, pool, rng, days=1 if genre < 5 else rng.choice((2, 3)))


def _meeting(pool: list[Person], rng: random.Random) -> str:
    host, guest = _zipf(pool, rng), _zipf(pool, rng)
    spelled = host.variant if rng.random() < 0.2 else host.name
    openings = [
        f"I visited {rng.choice(ROLES)} {spelled}.",
        f"I visited {spelled} at his invitation.",
        f"I received {spelled} at his request.",
    ]
    topic, role, length = rng.choice(TOPICS), rng.choice(ROLES), rng.choice(LENGTHS)
    return MEETING.format(
        opening=rng.choice(openings), host=host.name, topic=topic, role=role, guest=guest.name, length=length
    )


def _day(number: int) -> datetime.date:
    return datetime.date(1955, 1, 1) + datetime.timedelta(days=number % 2000)


def _printed(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def journal_page(number: int, pool: list[Person], rng: random.Random, days: int = 1) -> str:
    """A journal page for a day (two or three meetings), or for several, each under its day heading."""
    first = _day(number)
    parts = []
    for offset in range(days):
        meetings = "\n\n\n\n\n".join(_meeting(pool, rng) for _ in range(rng.choice((1, 2, 2, 3))))
        parts.append(meetings if days == 1 else f"{_printed(first + datetime.timedelta(days=offset))}\n\n\n{meetings}")
    last = first + datetime.timedelta(days=days - 1)
    period = _printed(first) if days == 1 else f"the Period {_printed(first)} to {_printed(last)}"
    return PAGE.format(
        month=MONTHS[first.month - 1],
        day=first.day,
        year=first.year,
        title=f"Journal of Soviet Ambassador to the DPRK A. M. Puzanov for {period} (no. {number})",
        heading=f"{_printed(first)}\n\n\n" if days == 1 else "",
        printed=_printed(last),
        body="\n\n\n\n\n".join(parts),
        signature="[signature] (A. PUZANOV)",
        registry=100 + number % 800,
        topic=rng.choice(TOPICS),
        citation=f"AVPRF F. 0102, Op. {10 + number % 9}, Delo {number % 40}, Listy {number % 300}-{number % 300 + 20}",
        genre="Diary Entry",
    )


def conversation_page(number: int, pool: list[Person], rng: random.Random) -> str:
    """A record of conversation: labelled header, then the talk in reported speech."""
    day = _day(number)
    host, guest, interpreter = _zipf(pool, rng), _zipf(pool, rng), _zipf(pool, rng)
    header = (
        f"Time: 4 p.m., {_printed(day)}\n\n\nPlace: the Soviet Embassy in Pyongyang\n\n\n"
        f"Participants: Korean side: {host.name}, {guest.name}; Our side: Ambassador A. M. Puzanov\n\n\n"
        f"Interpreter: {interpreter.name}"
    )
    talk = (
        f"{host.name} informed me about {rng.choice(TOPICS)}. He asked that the request be passed to Moscow.\n\n\n"
        f"I replied that the Embassy would report it and follow the matter."
    )
    return PAGE.format(
        month=MONTHS[day.month - 1],
        day=day.day,
        year=day.year,
        title=f"Record of Conversation between Ambassador A. M. Puzanov and {host.name} (no. {number})",
        heading="",
        printed=_printed(day),
        body=f"{header}\n\n\n{talk}",
        signature="[signature] (A. PUZANOV)",
        registry=100 + number % 800,
        topic=rng.choice(TOPICS),
        citation=f"AVPRF F. 0102, Op. {10 + number % 9}, Delo {number % 40}, Listy {number % 300}-{number % 300 + 5}",
        genre="Memorandum of Conversation",
    )


def telegram_page(number: int, pool: list[Person], rng: random.Random) -> str:
    """A ciphered telegram: transmission header, names in capitals, the sender's sign-off."""
    day = _day(number)
    host = _zipf(pool, rng)
    short = f"{day.month}/{day.day}/{day.year % 100:02d}"
    header = (
        f"Ciphered Telegram # {600000 + number}/sh\n\n\nFROM: PYONGYANG\n\n\n"
        f"Sent by wire on {short} at 03:15 a.m.\n\n\nReceived in Moscow on {short} at 6:36 a.m."
    )
    body = (
        f"In accordance with your directive I had a meeting with {host.name.upper()}. "
        f"{host.name.upper()} informed me about {rng.choice(TOPICS)}."
    )
    return PAGE.format(
        month=MONTHS[day.month - 1],
        day=day.day,
        year=day.year,
        title=f"Ciphered Telegram, Puzanov to Gromyko (no. {number})",
        heading="",
        printed=_printed(day),
        body=f"{header}\n\n\n{body}",
        signature="PUZANOV",
        registry=1000 + number % 800,
        topic=rng.choice(TOPICS),
        citation=f"AVPRF F. 059a, Op. {5 + number % 4}, Delo {number % 30}, Listy {number % 200}-{number % 200 + 3}",
        genre="Telegram",
    )


def write_corpus(
    folder: Path, documents: int, people_count: int = 2000, seed: int = 1957
) -> tuple[list[Path], list[Person]]:
    """Pages under ``folder/pages`` and authority files under ``folder/authorities``."""
    rng = random.Random(seed)
    pool = people(people_count, rng)
    pages = folder / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(documents):
        path = pages / f"page-{number:06d}.txt"
        path.write_text(page(number, pool, rng), encoding="utf-8")
        paths.append(path)
    authorities = folder / "authorities"
    authorities.mkdir(exist_ok=True)
    for person in pool:
        (authorities / f"{person.slug}.ttl").write_text(authority(person), encoding="utf-8")
    return paths, pool
