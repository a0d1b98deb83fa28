"""Questions a historian asks, phrased in DESIGN.md's model, answered by the built store."""

from __future__ import annotations

from lod.settings import Settings
from lod.store.backend import open_store

PREFIXES = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ID = "http://127.0.0.1:8000/id/"
DOC = ID + "document/journal-soviet-ambassador-dprk-am-puzanov-25-october-1957"


def rows(settings: Settings, query: str) -> list[tuple[str | None, ...]]:
    result = open_store(settings).query(PREFIXES + query)
    names = [v.value for v in result.variables]
    return sorted(tuple(s[n].value if s[n] is not None else None for n in names) for s in result)


def test_documents_referring_to_kim_du_bong(built: Settings) -> None:
    query = """
    SELECT DISTINCT ?doc ?title WHERE {
        ?person rdfs:label "Kim Du-bong" .
        ?doc a crm:E31_Document ; crm:P67_refers_to ?person ; crm:P102_has_title/crm:P190_has_symbolic_content ?title .
    }"""
    assert rows(built, query) == [(DOC, "Journal of Soviet Ambassador to the DPRK A.M. Puzanov for 25 October 1957")]


def test_who_took_part_in_each_meeting_on_25_october_1957_and_who_initiated_it(built: Settings) -> None:
    query = """
    SELECT ?event ?status ?initiator ?participant WHERE {
        ?event a crm:E7_Activity ;
            crm:P2_has_type ?type ;
            crm:P4_has_time-span ?span ;
            crm:P11_had_participant/rdfs:label ?participant .
        ?type rdfs:label ?status . FILTER (?status IN ("attended", "reported", "planned"))
        ?span crm:P82a_begin_of_the_begin ?begin ; crm:P82b_end_of_the_end ?end .
        FILTER (?begin <= "1957-10-25T23:59:59"^^xsd:dateTime && ?end >= "1957-10-25T00:00:00"^^xsd:dateTime)
        OPTIONAL { ?event crm:P14_carried_out_by/rdfs:label ?initiator }
    }"""
    event = ID + "event/journal-soviet-ambassador-dprk-am-puzanov-25-october-1957-event-"
    assert rows(built, query) == sorted(
        [
            (event + "1", "attended", "Jeong Il-yong", p)
            for p in ("A. M. Puzanov", "Jeong Il-yong", "Ri Dong-yong", "Pak Yen Bin", "Jeong Il Len")
        ]
        + [(event + "2", "attended", "Nam Il", p) for p in ("A. M. Puzanov", "Nam Il")]
        + [(event + "3", "reported", "KWP CC Presidium", p) for p in ("KWP CC Presidium", "Kim Du-bong", "Kim Il Sung")]
    )


def test_how_long_the_meeting_with_jeong_il_yong_lasted(built: Settings) -> None:
    query = """
    SELECT ?seconds ?printed WHERE {
        ?event crm:P11_had_participant/rdfs:label "Jeong Il-yong" ;
            crm:P4_has_time-span/crm:P191_had_duration ?duration .
        ?duration crm:P90_has_value ?seconds ; rdfs:label ?printed .
    }"""
    assert rows(built, query) == [("5400", "an hour and a half")]


def test_which_events_are_planned_rather_than_held(built: Settings) -> None:
    query = """
    SELECT ?event ?label ?begin WHERE {
        ?event crm:P2_has_type/rdfs:label "planned" ; rdfs:label ?label ;
            crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?begin .
    }"""
    assert rows(built, query) == [
        (
            ID + "event/journal-soviet-ambassador-dprk-am-puzanov-25-october-1957-event-4",
            "Planned session: KWP CC Presidium, Kim Du-bong, 28 October 1957",
            "1957-10-28T00:00:00",
        )
    ]
    held = "SELECT ?event WHERE { ?event crm:P2_has_type/rdfs:label ?s . FILTER (?s = 'attended') }"
    assert len(rows(built, held)) == 2


def test_the_author_translator_and_archive_of_the_document(built: Settings) -> None:
    query = f"""
    SELECT ?author ?translator ?for ?archive ?fond WHERE {{
        <{DOC}> crm:P94i_was_created_by/crm:P14_carried_out_by/rdfs:label ?author ;
            crm:P73_has_translation/crm:P94i_was_created_by ?translation ;
            crm:P1_is_identified_by ?citation .
        ?translation crm:P14_carried_out_by/rdfs:label ?translator ; crm:P17_was_motivated_by/rdfs:label ?for .
        ?citation crm:P141i_was_assigned_by/crm:P14_carried_out_by/rdfs:label ?archive ;
            crm:P106_is_composed_of ?unit .
        ?unit crm:P2_has_type/rdfs:label "fond" ; crm:P190_has_symbolic_content ?fond .
    }}"""
    assert rows(built, query) == [("A. M. Puzanov", "Gary Goldberg", "NKIDP", "AVPRF", "0102")]


def test_distribution_recipients_are_not_participants(built: Settings) -> None:
    query = """SELECT ?e WHERE {
        ?e crm:P11_had_participant/rdfs:label ?n . FILTER (?n IN ('A. A. Gromyko', 'N. T. Fedorenko'))
    }"""
    assert rows(built, query) == []
