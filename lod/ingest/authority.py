"""Curated authority records (people, groups, places) read from ``triples/`` for name matching."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

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
    try:
        triples = [q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=uris.base)]
    except (OSError, SyntaxError, ValueError) as err:
        raise AuthorityError(f"{path}: not valid Turtle: {err}") from None
    iri = ox.NamedNode(uris.thing(kind, path.stem))
    label = next((t.object for t in triples if t.subject == iri and t.predicate == _LABEL), None)
    if label is None:
        raise AuthorityError(f"{path}: no rdfs:label for <{iri.value}> (the file must describe its own slug)")
    short = ox.NamedNode(uris.concept("short-name"))
    appellations = [t.object for t in triples if t.subject == iri and t.predicate == _IDENTIFIED_BY]
    contents = {t.subject: t.object for t in triples if t.predicate == _CONTENT and t.subject in appellations}
    shorts = {t.subject for t in triples if t.predicate == _TYPE and t.object == short}
    names = [Name(contents[a].value, a in shorts) for a in dict.fromkeys(appellations) if a in contents]
    names.sort(key=lambda n: (n.is_short, n.text))
    return Authority(iri.value, kind, path.stem, label.value, tuple(names))


_LABEL = ox.NamedNode(str(RDFS.label))
_IDENTIFIED_BY = ox.NamedNode(str(CRM.P1_is_identified_by))
_CONTENT = ox.NamedNode(str(CRM.P190_has_symbolic_content))
_TYPE = ox.NamedNode(str(CRM.P2_has_type))


def load_authorities(data_dir: Path, uris: Uris) -> list[Authority]:
    """Every person, group and place record under ``data_dir``."""
    return [
        read_authority(path, kind, uris) for kind in AUTHORITY_KINDS for path in sorted((data_dir / kind).glob("*.ttl"))
    ]
