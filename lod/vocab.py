"""The vocabularies lod writes: CIDOC-CRM, Linked Art, Web Annotation and friends.

CIDOC-CRM's own spellings (``CRM.P14_carried_out_by``) appear only through these namespaces.
"""

from pathlib import Path

from rdflib import Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
LA = Namespace("https://linked.art/ns/terms/")
OA = Namespace("http://www.w3.org/ns/oa#")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

PREFIXES = {
    "crm": str(CRM),
    "la": str(LA),
    "oa": str(OA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
}

__all__ = [
    "CRM",
    "DCTERMS",
    "LA",
    "OA",
    "ONTOLOGY_DIR",
    "PREFIXES",
    "RDF",
    "RDFS",
    "SKOS",
    "WIKIDATA",
    "XSD",
]

#: ``ontology/`` in the repository: shapes and JSON-LD contexts.
ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"
