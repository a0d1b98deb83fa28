"""Reconciliation: 1,000 names, respelled as the archive's pages respell them, against the people
of the synthetic corpus, in one batch to ``/reconcile``; beside the same names looked up by SPARQL
on an Oxigraph server holding the same quads (case-insensitive equality with a recorded spelling,
what a SPARQL user without a name index can do).

Each side is timed (the batch three times after a warm-up; the SPARQL lookups once, one query per
name) and scored: how often the right person is the first candidate, and how often a sure
``match`` (or, for SPARQL, a single answer) is the wrong person.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import dataclass

import httpx

from bench.common import BASE, Prepared, lod_server, machine, oxigraph_server, today
from bench.corpus import Person, people

NAMES = 1_000
SOLUTIONS = "application/sparql-results+json"
RUNS = 3
_MR = [("eo", "o"), ("eu", "u"), ("ae", "ai")]
_VOICELESS = {"g": "k", "d": "t", "b": "p", "j": "ch"}


@dataclass(frozen=True)
class Side:
    name: str
    seconds: float  # the median of the runs
    first_right: int
    sure_wrong: int


def respelled(person: Person, rng: random.Random) -> str:
    """A spelling of the person's name as pages print it: McCune-Reischauer vowels and consonants,
    parts run together or split, capitals, the family name last."""
    family, given = person.name.split(" ", 1)
    syllables = given.lower().split("-")
    if rng.random() < 0.6:
        syllables = [_mr(s, rng) for s in syllables]
    joined = rng.choice(["-".join(syllables).capitalize(), " ".join(s.capitalize() for s in syllables)])
    name = f"{joined} {family}" if rng.random() < 0.15 else f"{family} {joined}"
    return name.upper() if rng.random() < 0.2 else name


def _mr(syllable: str, rng: random.Random) -> str:
    for rr, mr in _MR:
        syllable = syllable.replace(rr, mr)
    if syllable[0] in _VOICELESS and rng.random() < 0.5:
        syllable = _VOICELESS[syllable[0]] + syllable[1:]
    return syllable


def run(prepared: Prepared) -> str:
    rng = random.Random(1957)
    pool = people(2000, random.Random(1957))  # the pool bench/corpus.py wrote the corpus with
    chosen = [rng.choice(pool) for _ in range(NAMES)]
    names = [respelled(person, rng) for person in chosen]
    wanted = [f"{BASE}id/person/{person.slug}" for person in chosen]
    batch = json.dumps({f"q{n}": {"query": name, "type": "person", "limit": 3} for n, name in enumerate(names)})
    with lod_server(prepared, 1) as url, httpx.Client(timeout=120) as http:
        http.post(f"{url}/reconcile", data={"queries": batch}).raise_for_status()  # the index is read once
        times, answer = [], {}
        for _ in range(RUNS):
            started = time.monotonic()
            response = http.post(f"{url}/reconcile", data={"queries": batch})
            times.append(time.monotonic() - started)
            response.raise_for_status()
            answer = response.json()
    results = [answer[f"q{n}"]["result"] for n in range(NAMES)]
    lod = Side(
        "lod /reconcile (one batch)",
        statistics.median(times),
        sum(1 for r, w in zip(results, wanted, strict=True) if r and r[0]["id"] == w),
        sum(1 for r, w in zip(results, wanted, strict=True) if r and r[0]["match"] and r[0]["id"] != w),
    )
    with oxigraph_server(prepared) as url, httpx.Client(timeout=120) as http:
        found = []
        started = time.monotonic()
        for name in names:
            query = (  # people first: P190 alone would be every text of every record
                "PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/> SELECT DISTINCT ?p WHERE { "
                "?p a crm:E21_Person ; crm:P1_is_identified_by ?a . ?a crm:P190_has_symbolic_content ?n . "
                f"FILTER (LCASE(STR(?n)) = {json.dumps(name.lower())}) }} LIMIT 3"
            )
            rows = http.get(f"{url}/query", params={"query": query}, headers={"accept": SOLUTIONS})
            found.append([b["p"]["value"] for b in rows.json()["results"]["bindings"]])
        seconds = time.monotonic() - started
    sparql = Side(
        "Oxigraph SPARQL, case-insensitive equality (one query per name)",
        seconds,
        sum(1 for f, w in zip(found, wanted, strict=True) if f and f[0] == w),
        sum(1 for f, w in zip(found, wanted, strict=True) if len(f) == 1 and f[0] != w),
    )
    return table(prepared, [lod, sparql])


def table(prepared: Prepared, sides: list[Side]) -> str:
    rows = "\n".join(
        f"| {s.name} | {s.seconds:.2f} | {NAMES / s.seconds:,.0f} | {s.first_right / NAMES:.1%} | {s.sure_wrong} |"
        for s in sides
    )
    return (
        f"Reconciling {NAMES:,} respelled names (McCune-Reischauer vowels and consonants, parts joined or split, "
        f"capitals, family name last) against the {prepared.documents:,}-document synthetic corpus "
        f"({prepared.records:,} records, 2,000 synthetic people and the bundled ones); lod serve --workers 1; "
        f"{today()}, {machine()}.\n\n"
        "| lookup | seconds | names/s | right person first | sure and wrong |\n"
        "| --- | ---: | ---: | ---: | ---: |\n" + rows + "\n"
    )
