"""Curated authority records (people, groups, places) read from ``triples/`` for name matching."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.exceptions import ParserError

from lod.errors import AuthorityError
from lod.uris import Uris
from lod.vocab import CRM, RDFS

AUTHORITY_KINDS = ("person", "group", "place")


@dataclass(frozen=True)
class Name:
    """One spelling of an entity's name; a short name needs its full name nearby."""

    text: str
    is_short: bool = False


@dataclass(frozen=True)
class Authority:
    """An entity that documents can refer to, with every spelling it is known by."""

    iri: str
    kind: str
    slug: str
    label: str
    names: tuple[Name, ...]


def read_authority(path: Path, kind: str, uris: Uris) -> Authority:
    """Read one curated record file ``triples/<kind>/<slug>.ttl``."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle", publicID=uris.base)
    except (ParserError, SyntaxError, ValueError) as err:
        raise AuthorityError(f"{path}: not valid Turtle: {err}") from None
    iri = URIRef(uris.thing(kind, path.stem))
    label = graph.value(iri, RDFS.label)
    if label is None:
        raise AuthorityError(f"{path}: no rdfs:label for <{iri}> (the file must describe its own slug)")
    short = URIRef(uris.concept("short-name"))
    names = []
    for appellation in graph.objects(iri, CRM.P1_is_identified_by):
        content = graph.value(appellation, CRM.P190_has_symbolic_content)
        if content is not None:
            names.append(Name(str(content), (appellation, CRM.P2_has_type, short) in graph))
    names.sort(key=lambda n: (n.is_short, n.text))
    return Authority(str(iri), kind, path.stem, str(label), tuple(names))


def load_authorities(data_dir: Path, uris: Uris) -> list[Authority]:
    """Every person, group and place record under ``data_dir``."""
    return [
        read_authority(path, kind, uris) for kind in AUTHORITY_KINDS for path in sorted((data_dir / kind).glob("*.ttl"))
    ]
