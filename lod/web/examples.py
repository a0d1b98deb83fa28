"""Example SPARQL queries about this dataset, shown on the query page and run by the tests."""

from __future__ import annotations

from dataclasses import dataclass

PREFIXES = {
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "oa": "http://www.w3.org/ns/oa#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "la": "https://linked.art/ns/terms/",
}
PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


@dataclass(frozen=True)
class Example:
    """A titled query; ``{base}`` stands for the dataset's base IRI."""

    title: str
    body: str

    def text(self, base: str) -> str:
        return PROLOGUE + self.body.replace("{base}", base).strip() + "\n"


EXAMPLES = [
    Example(
        "People in each meeting, with its date and who initiated it",
        """SELECT ?meeting ?date ?initiator ?participant WHERE {
  ?event a crm:E7_Activity ; rdfs:label ?meeting ; crm:P11_had_participant/rdfs:label ?participant .
  OPTIONAL { ?event crm:P4_has_time-span/rdfs:label ?date }
  OPTIONAL { ?event crm:P14_carried_out_by/rdfs:label ?initiator }
} ORDER BY ?meeting ?participant""",
    ),
    Example(
        "Documents that mention a person (Kim Du-bong)",
        """SELECT ?document ?title WHERE {
  ?document crm:P67_refers_to <{base}id/person/kim-du-bong> ; rdfs:label ?title .
}""",
    ),
    Example(
        "People mentioned together, and in how many documents",
        """SELECT ?one ?other (COUNT(DISTINCT ?document) AS ?documents) WHERE {
  ?document crm:P67_refers_to ?a, ?b .
  ?a a crm:E21_Person ; rdfs:label ?one . ?b a crm:E21_Person ; rdfs:label ?other .
  FILTER (STR(?one) < STR(?other))
} GROUP BY ?one ?other ORDER BY DESC(?documents) ?one ?other LIMIT 50""",
    ),
    Example(
        "Events in a date range (October 1957)",
        """SELECT ?event ?label ?begin WHERE {
  ?event crm:P4_has_time-span ?span ; rdfs:label ?label .
  ?span crm:P82a_begin_of_the_begin ?begin .
  FILTER (?begin >= "1957-10-01T00:00:00"^^xsd:dateTime && ?begin < "1957-11-01T00:00:00"^^xsd:dateTime)
} ORDER BY ?begin""",
    ),
    Example(
        "Every spelling of a name (Kim Seung-hwa)",
        """SELECT ?spelling ?type WHERE {
  <{base}id/person/kim-seung-hwa> crm:P1_is_identified_by ?name .
  ?name crm:P190_has_symbolic_content ?spelling ; crm:P2_has_type/rdfs:label ?type .
}""",
    ),
    Example(
        "Planned meetings, rather than held ones",
        """SELECT ?event ?label WHERE {
  ?event crm:P2_has_type/rdfs:label "planned" ; rdfs:label ?label .
}""",
    ),
    Example(
        "How long meetings lasted",
        """SELECT ?event ?label ?printed ?seconds WHERE {
  ?event rdfs:label ?label ; crm:P4_has_time-span/crm:P191_had_duration ?duration .
  ?duration rdfs:label ?printed ; crm:P90_has_value ?seconds .
} ORDER BY DESC(?seconds)""",
    ),
    Example(
        "Documents by author, with their dates",
        """SELECT ?author ?document ?date WHERE {
  ?document a crm:E31_Document ; crm:P94i_was_created_by ?creation .
  ?creation crm:P14_carried_out_by/rdfs:label ?author ; crm:P4_has_time-span/rdfs:label ?date .
}""",
    ),
    Example(
        "Members of a group (the KWP CC Presidium)",
        """SELECT ?member ?name WHERE {
  ?member crm:P107i_is_current_or_former_member_of <{base}id/group/kwp-cc-presidium> ; rdfs:label ?name .
}""",
    ),
    Example(
        "Where a name is printed: the quoted spelling and its place in the text",
        """SELECT ?spelling ?start ?document WHERE {
  ?mention oa:hasBody <{base}id/person/kim-seung-hwa> ; oa:hasTarget ?target .
  ?target oa:hasSource ?document ; oa:hasSelector ?quote, ?position .
  ?quote oa:exact ?spelling . ?position oa:start ?start .
} ORDER BY ?document ?start""",
    ),
    Example(
        "People with an equivalent in Wikidata",
        """SELECT ?person ?name ?wikidata WHERE {
  ?person a crm:E21_Person ; rdfs:label ?name ; la:equivalent ?wikidata .
}""",
    ),
    Example(
        "Which record says it: triples with their graph",
        """SELECT ?graph ?predicate ?object WHERE {
  GRAPH ?graph { <{base}id/person/nam-il> ?predicate ?object }
} ORDER BY ?graph ?predicate""",
    ),
    Example(
        "A person described (CONSTRUCT)",
        """CONSTRUCT { ?person ?p ?o } WHERE {
  BIND (<{base}id/person/nam-il> AS ?person) ?person ?p ?o .
}""",
    ),
]
