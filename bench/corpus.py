"""A seeded generator of synthetic archive pages and the authority records their names need.

Pages follow the real structure of the Wilson Center's new-layout journal pages (the seed's
family), with composed text: journal days with meetings in the journal's own formulas, people drawn
from a pool with Zipf-like popularity, some printed in a variant spelling.
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
    "Journal of Soviet Ambassador to the DPRK A. M. Puzanov for {printed} (no. {number})\n\n"
    "This document was made possible with support from ROK Ministry of Unification\n\n"
    "{printed}\n\n\n{body}\n\n\n\n[signature] (A. PUZANOV)\n\n\n"
    "Five copies printed\n\n1 - Gromyko\n\n2 - Fedorenko\n\n3 - to file\n\nNº {registry}\n\n{printed}\n\n\n"
    "Puzanov discusses {topic} with his Korean interlocutors and reports their requests.\n\n"
    "Document Information\n\n\nAVPRF F. 0102, Op. {opis}, Delo {delo}, Listy {first}-{last}. "
    "Translated for NKIDP by Gary Goldberg.\n\n\n"
    "The History and Public Policy Program welcomes reuse of Digital Archive materials.\n\n"
    "Original Uploaded Date\n\n\n\nDiary Entry\n\n\nRecord ID\n\n\n\n"
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
    """One N1 journal page for a day, with two or three meetings."""
    day = datetime.date(1955, 1, 1) + datetime.timedelta(days=number % 2000)
    printed = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    meetings = []
    for _ in range(rng.choice((2, 2, 3))):
        host, guest = _zipf(pool, rng), _zipf(pool, rng)
        spelled = host.variant if rng.random() < 0.2 else host.name
        openings = [
            f"I visited {rng.choice(ROLES)} {spelled}.",
            f"I visited {spelled} at his invitation.",
            f"I received {spelled} at his request.",
        ]
        opening = rng.choice(openings)
        topic, role, length = rng.choice(TOPICS), rng.choice(ROLES), rng.choice(LENGTHS)
        meetings.append(
            MEETING.format(opening=opening, host=host.name, topic=topic, role=role, guest=guest.name, length=length)
        )
    return PAGE.format(
        month=MONTHS[day.month - 1],
        day=day.day,
        year=day.year,
        printed=printed,
        number=number,
        body="\n\n\n\n\n".join(meetings),
        registry=100 + number % 800,
        topic=rng.choice(TOPICS),
        opis=10 + number % 9,
        delo=number % 40,
        first=number % 300,
        last=number % 300 + 20,
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
