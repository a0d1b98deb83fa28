"""An extracted event → its record graph (``crm:E7_Activity``)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from lod.ingest.events import Event, Status
from lod.model.parts import time_span
from lod.uris import Uris
from lod.vocab import CRM, RDF, RDFS

_KIND_LABELS = {
    "meeting": "Meeting",
    "conversation": "Conversation",
    "session": "Session",
    "reception": "Reception",
}


def event_label(event: Event, date_label: str | None) -> str:
    """A readable label: kind, who, when, and whether it was reported or planned.

    The label is ours; the facts it summarises are each stated by the document.
    """
    kind = "conversation" if "conversation" in event.kinds else event.kinds[0]
    names = [p.label for p in event.participants]
    who = ", ".join(names[:4]) + (" and others" if len(names) > 4 else "")
    prefix = {Status.ATTENDED: "", Status.REPORTED: "Reported ", Status.PLANNED: "Planned "}[event.status]
    text = f"{prefix}{_KIND_LABELS[kind].lower() if prefix else _KIND_LABELS[kind]}"
    if who:
        text += f": {who}"
    if date_label:
        text += f", {date_label}"
    return text


def event_graph(event: Event, slug: str, document: str, uris: Uris) -> Graph:
    """The event record: types, initiator, participants, time-span, duration, place, source.

    The sentence that states the event is kept as ``#source``, part of the document's text.
    """
    graph = Graph()
    me = URIRef(uris.thing("event", slug))
    date_label = _day_label(event.date) if event.date else None
    graph.add((me, RDF.type, CRM.E7_Activity))
    graph.add((me, RDFS.label, Literal(event_label(event, date_label))))
    for kind in (*event.kinds, event.status.value):
        graph.add((me, CRM.P2_has_type, URIRef(uris.concept(kind))))
    if event.initiator is not None:
        graph.add((me, CRM.P14_carried_out_by, URIRef(event.initiator.iri)))
    for participant in event.participants:
        graph.add((me, CRM.P11_had_participant, URIRef(participant.iri)))
    span = URIRef(uris.part("event", slug, "timespan"))
    if event.date is not None and date_label is not None:
        time_span(graph, span, event.date, date_label)
        graph.add((me, CRM["P4_has_time-span"], span))
    if event.duration is not None and event.seconds is not None:
        # CIDOC-CRM 7.1: P191 had duration runs from the time-span, not from the event.
        if (me, CRM["P4_has_time-span"], span) not in graph:
            graph.add((me, CRM["P4_has_time-span"], span))
            graph.add((span, RDF.type, CRM["E52_Time-Span"]))
        duration = URIRef(uris.part("event", slug, "duration"))
        graph.add((span, CRM.P191_had_duration, duration))
        graph.add((duration, RDF.type, CRM.E54_Dimension))
        graph.add((duration, RDFS.label, Literal(event.duration.text)))
        graph.add((duration, CRM.P90_has_value, Literal(event.seconds)))
        graph.add((duration, CRM.P91_has_unit, URIRef(uris.concept("seconds"))))
    if event.place is not None:
        graph.add((me, CRM.P7_took_place_at, URIRef(event.place.iri)))
    graph.add((me, CRM.P70i_is_documented_in, URIRef(document)))
    source = URIRef(uris.part("event", slug, "source"))
    graph.add((me, CRM.P67i_is_referred_to_by, source))
    graph.add((source, RDF.type, CRM.E33_Linguistic_Object))
    graph.add((source, CRM.P190_has_symbolic_content, Literal(event.evidence.text)))
    graph.add((source, CRM.P2_has_type, URIRef(uris.concept("source-passage"))))
    graph.add((source, CRM.P106i_forms_part_of, URIRef(f"{document}#text")))
    return graph


def _day_label(iso_day: str) -> str:
    """``1957-10-25`` → ``25 October 1957``, the way the journals print dates."""
    import datetime

    day = datetime.date.fromisoformat(iso_day)
    return f"{day.day} {day.strftime('%B')} {day.year}"
