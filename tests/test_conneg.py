"""Content negotiation as a table of Accept headers seen in the wild."""

import pytest

from lod.web.conneg import FORMATS, negotiate

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
OLD_IE = "image/gif, image/jpeg, image/pjpeg, application/x-ms-application, application/xaml+xml, */*"
RDFLIB = "application/rdf+xml, text/rdf+n3;q=0.9, application/xhtml+xml;q=0.5, */*;q=0.1"
COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,"
    "text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.4,application/xml;q=0.3,text/xml;q=0.3"
)
LINKED_ART = 'application/ld+json;profile="https://linked.art/ns/v1/linked-art.json"'

TABLE = [
    ("no header", None, "jsonld", "linked-art"),
    ("empty header", "", "jsonld", "linked-art"),
    ("curl, wget, requests", "*/*", "jsonld", "linked-art"),
    ("lone star", "*", "jsonld", "linked-art"),
    ("Firefox / Safari", FIREFOX, "html", None),
    ("Chrome", CHROME, "html", None),
    ("old Internet Explorer", OLD_IE, "jsonld", "linked-art"),
    ("rdflib Graph.parse", RDFLIB, "rdf", None),
    ("rdflib asking for Turtle", "text/turtle,application/x-turtle;q=0.9", "ttl", None),
    ("SPARQLWrapper Turtle", "text/turtle", "ttl", None),
    ("SPARQLWrapper RDF/XML", "application/rdf+xml", "rdf", None),
    ("SPARQLWrapper JSON-LD", "application/ld+json,application/x-json+ld", "jsonld", "linked-art"),
    ("Comunica", COMUNICA, "nq", None),
    ("Linked Art harvester", LINKED_ART, "jsonld", "linked-art"),
    ("expanded profile", 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"', "jsonld", "expanded"),
    (
        "compacted profile",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
        "jsonld",
        "compacted",
    ),
    (
        "profile list",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#flattened http://www.w3.org/ns/json-ld#compacted"',
        "jsonld",
        "compacted",
    ),
    ("unknown profile", 'application/ld+json;profile="http://example.org/p"', "jsonld", "linked-art"),
    ("plain JSON", "application/json", "jsonld", "linked-art"),
    ("N-Triples", "application/n-triples", "nt", None),
    ("N-Quads", "application/n-quads", "nq", None),
    ("XHTML", "application/xhtml+xml", "html", None),
    ("Turtle preferred by q", "text/turtle;q=0.9, application/ld+json;q=0.8", "ttl", None),
    ("JSON-LD lowered", "application/ld+json;q=0.5, text/turtle", "ttl", None),
    ("text wildcard", "text/*", "ttl", None),
    ("upper case", "TEXT/TURTLE", "ttl", None),
    ("refused Turtle, anything else", "text/turtle;q=0, */*;q=0.1", "jsonld", "linked-art"),
    ("bad q-value counts as zero", "text/turtle; q=abc, application/n-triples", "nt", None),
    ("HTML second", "text/html;q=0.9, application/ld+json", "jsonld", "linked-art"),
    ("tie broken by our order", "application/ld+json, text/html", "jsonld", "linked-art"),
    ("star with HTML", "*/*;q=0.8, text/html", "html", None),
    ("spaces everywhere", " application/n-quads ; q = 0.7 , text/turtle ; q=0.6 ", "nq", None),
    ("garbage", "garbage", "jsonld", "linked-art"),
    ("only separators", ";;;,,,", "jsonld", "linked-art"),
    ("image only", "image/png", None, None),
    ("refused JSON-LD only", "application/ld+json;q=0", None, None),
    ("refused Turtle only", "text/turtle;q=0", None, None),
    ("plain XML is not RDF/XML", "application/xml", None, None),
    ("TriG is not served", "application/trig", None, None),
    ("plain text", "text/plain", None, None),
]


@pytest.mark.parametrize(("client", "accept", "name", "profile"), TABLE, ids=[row[0] for row in TABLE])
def test_accept_table(client: str, accept: str | None, name: str | None, profile: str | None) -> None:
    choice = negotiate(accept, FORMATS)
    assert (choice.format.name if choice else None, choice.profile if choice else None) == (name, profile)


def test_the_table_is_long_enough() -> None:
    assert len(TABLE) >= 30
