"""The shapes compiled to SPARQL find what pyshacl finds, on data broken in every way the shapes forbid:
on the whole store, and as a build runs them, a few files' records at a time."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph

from lod.errors import Violation
from lod.model.shacl import compile_shapes, shapes_path, validate
from lod.model.terms import to_rdflib
from lod.settings import Settings
from lod.store.build import load_records
from lod.uris import Uris
from tests.conftest import BASE

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
PERSON = """@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/person/{slug}> a crm:E21_Person ; rdfs:label "{label}" ;
    crm:P1_is_identified_by <id/person/{slug}#name-1> {extra} .
<id/person/{slug}#name-1> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "{label}" ;
    crm:P2_has_type <id/concept/primary-name> .
"""
BROKEN = {
    "person/two-primary": PERSON.format(slug="two-primary", label="Two", extra=", <id/person/two-primary#name-2>")
    + "<id/person/two-primary#name-2> a crm:E33_E41_Linguistic_Appellation ;\n"
    + '    crm:P190_has_symbolic_content "Deux" ; crm:P2_has_type <id/concept/primary-name> .\n',
    "person/empty-label": PERSON.format(slug="empty-label", label="", extra=""),
    "person/member-of-a-place": PERSON.format(
        slug="member-of-a-place", label="M", extra="; crm:P107i_is_current_or_former_member_of <id/place/pyongyang>"
    ),
    "person/two-labels": PERSON.format(slug="two-labels", label="A", extra='; rdfs:label "B"'),
    "place/within-a-person": """@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/place/within-a-person> a crm:E53_Place ; rdfs:label "W" ; crm:P89_falls_within <id/person/nam-il> ;
    crm:P1_is_identified_by <id/place/within-a-person#name-1> .
<id/place/within-a-person#name-1> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "W" .
""",
    "event/backwards": """@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<id/event/backwards> a crm:E7_Activity ; rdfs:label "B" ; crm:P2_has_type <id/concept/meeting> ;
    crm:P11_had_participant <id/concept/meeting> ; crm:P4_has_time-span <id/event/backwards#timespan> .
<id/event/backwards#timespan> a crm:E52_Time-Span ;
    crm:P82a_begin_of_the_begin "1957-10-26T00:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "1957-10-25T00:00:00"^^xsd:dateTime ;
    crm:P191_had_duration <id/event/backwards#duration> .
<id/event/backwards#duration> a crm:E54_Dimension ; crm:P90_has_value -5 ; crm:P91_has_unit <id/concept/seconds> .
""",
    "event/string-date": """@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/event/string-date> a crm:E7_Activity ; rdfs:label "S" ; crm:P4_has_time-span <id/event/string-date#timespan> .
<id/event/string-date#timespan> a crm:E52_Time-Span ; crm:P82a_begin_of_the_begin "25 October" .
""",
    "annotation/two-bodies": """@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/annotation/two-bodies> a oa:Annotation ; rdfs:label "x" ; oa:hasBody <id/person/nam-il>, <id/person/kim-il-sung> ;
    oa:hasTarget <id/annotation/two-bodies#target> .
<id/annotation/two-bodies#target> a oa:SpecificResource ; oa:hasSource <id/person/nam-il#name-1> ;
    oa:hasSelector <id/annotation/two-bodies#quote> .
<id/annotation/two-bodies#quote> a oa:TextQuoteSelector ; oa:exact "" .
""",
    "annotation/quote-only": """@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/annotation/quote-only> a oa:Annotation ; rdfs:label "x" ; oa:hasBody <id/person/nam-il> ;
    oa:hasTarget <id/annotation/quote-only#target> .
<id/annotation/quote-only#target> a oa:SpecificResource ; oa:hasSource <id/person/nam-il#name-1> ;
    oa:hasSelector <id/annotation/quote-only#quote> .
<id/annotation/quote-only#quote> a oa:TextQuoteSelector ; oa:exact "Nam Il" .
""",  # its one fault: no position selector (a qualified count)
    "document/untitled": """@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/document/untitled> a crm:E31_Document ; rdfs:label "U" ; crm:P67_refers_to <id/concept/meeting> .
""",
}

#: Broken in what SHACL cannot say: a quote that is not the text at its offsets, in another file's record.
MISQUOTED = {
    "annotation/misquoted": """@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<id/annotation/misquoted> a oa:Annotation ; rdfs:label "x" ; oa:hasBody <id/person/nam-il> ;
    oa:hasTarget <id/annotation/misquoted#target> .
<id/annotation/misquoted#target> a oa:SpecificResource ; oa:hasSource <id/person/nam-il#name-1> ;
    oa:hasSelector <id/annotation/misquoted#quote>, <id/annotation/misquoted#position> .
<id/annotation/misquoted#quote> a oa:TextQuoteSelector ; oa:exact "Nam Il" .
<id/annotation/misquoted#position> a oa:TextPositionSelector ; oa:start 1 ; oa:end 4 .
""",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[ox.Store, list[Violation]]:
    """The bundled records with the broken ones, loaded, and what the build's checks found."""
    import shutil

    from tests.conftest import ROOT

    data = tmp_path_factory.mktemp("broken") / "triples"
    shutil.copytree(ROOT / "triples", data)
    for name, text in {**BROKEN, **MISQUOTED}.items():
        kind, slug = name.split("/")
        (data / kind).mkdir(exist_ok=True)
        (data / kind / f"{slug}.ttl").write_text(text, encoding="utf-8")
    store = ox.Store()
    return store, load_records(store, data, Uris(BASE))


@pytest.fixture(scope="module")
def broken_store(broken: tuple[ox.Store, list[Violation]]) -> ox.Store:
    return broken[0]


def records_of(focus_nodes: set[str]) -> set[str]:
    uris = Uris(BASE)
    out = set()
    for iri in focus_nodes:
        found = uris.record_of(iri)
        out.add(f"{found[0]}/{found[1]}" if found else iri)
    return out


def test_compiled_shapes_find_what_pyshacl_finds(broken_store: ox.Store) -> None:
    compiled = {
        v.record for v in validate(broken_store, Uris(BASE), compile_shapes(BASE)) if v.rule != "Target/selectors"
    }
    data = Graph()
    for quad in broken_store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    shapes = Graph().parse(shapes_path(), format="turtle", publicID=BASE)
    _, results, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    sh = "http://www.w3.org/ns/shacl#"
    from rdflib import URIRef

    focus = {
        str(results.value(r, URIRef(sh + "focusNode")))
        for r in results.subjects(URIRef(sh + "resultSeverity"), URIRef(sh + "Violation"))
    }
    assert compiled == records_of(focus)
    assert compiled == set(BROKEN)


def test_the_build_finds_record_by_record_what_the_whole_store_shows(broken: tuple[ox.Store, list[Violation]]) -> None:
    """The build checks a few files at a time, with the classes of what they refer to and the records
    whose parts they refer to (two annotations quote a name of a person in another file)."""
    store, found = broken
    whole = validate(store, Uris(BASE), compile_shapes(BASE))
    assert sorted(set(found), key=lambda v: (v.record, v.rule, v.message)) == whole
    assert {v.record for v in whole} == set(BROKEN) | set(MISQUOTED)
    assert [v.rule for v in whole if v.record == "annotation/misquoted"] == ["Target/selectors"]


def test_the_bundled_data_has_no_violations_either_way(built_embedded: Settings) -> None:
    store = ox.Store.read_only(str(Path(built_embedded.var_dir) / "current" / "store"))
    assert validate(store, Uris(BASE), compile_shapes(BASE)) == []


def test_unsupported_constraints_are_refused(tmp_path: Path) -> None:
    from lod.errors import LodError

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        '<urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property [ sh:path <urn:p> ; sh:pattern "^a" ] .\n'
    )
    with pytest.raises(LodError, match="pattern is not supported"):
        compile_shapes(BASE, shapes)
