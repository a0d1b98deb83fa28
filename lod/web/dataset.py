"""The dataset description at ``/void``: VoID and DCAT together, made from the served build.

One graph says what the dataset is (title, description, publisher, the licence of the data and,
apart from it, the rights on the document texts), where to get it (the SPARQL endpoint, each dump
with its size and SHA-256 checksum, the change feed), what it looks like (the URI space, example
resources, vocabularies) and how big it is (triples, entities, distinct subjects and objects,
class and property partitions, linksets to Wikidata and the other datasets it links to). Every
figure comes from the build's statistics, counted on the default graph the endpoint queries.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from lod.settings import Settings
from lod.store.dumps import read_dumps
from lod.store.embedded import Build
from lod.store.statistics import LINK_PROPERTIES, TARGETS, Statistics
from lod.uris import Uris
from lod.vocab import PREFIXES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
DESCRIPTION_PREFIXES = {
    "rdf": PREFIXES["rdf"],
    "rdfs": RDFS,
    "xsd": XSD,
    "dcterms": DCT,
    "void": VOID,
    "dcat": DCAT,
    "foaf": FOAF,
    "spdx": SPDX,
}
#: The vocabularies records use, for ``void:vocabulary``.
VOCABULARIES = ("crm", "la", "oa", "skos", "rdfs", "dcterms")


class _Graph:
    """Triples being written, with terse helpers."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.triples: list[ox.Triple] = []

    def node(self, fragment: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}void#{fragment}")

    def add(self, subject: ox.NamedNode, predicate: str, value: ox.NamedNode | ox.Literal | str | int) -> None:
        if isinstance(value, bool):
            raise TypeError("no booleans here")
        if isinstance(value, int):
            value = ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
        elif isinstance(value, str):
            value = ox.Literal(value)
        self.triples.append(ox.Triple(subject, ox.NamedNode(predicate), value))

    def link(self, subject: ox.NamedNode, predicate: str, iri: str) -> None:
        self.add(subject, predicate, ox.NamedNode(iri))


def description(settings: Settings, build: Build) -> list[ox.Triple]:
    """The VoID and DCAT triples describing the served build."""
    uris = Uris(settings.base)
    graph = _Graph(uris.base)
    dataset = graph.node("dataset")
    graph.link(dataset, RDF_TYPE, VOID + "Dataset")
    graph.link(dataset, RDF_TYPE, DCAT + "Dataset")
    graph.add(dataset, DCT + "title", settings.title)
    graph.add(dataset, DCT + "description", settings.description)
    graph.add(dataset, DCT + "modified", ox.Literal(build.meta["created"], datatype=ox.NamedNode(XSD + "dateTime")))
    graph.link(dataset, DCT + "license", settings.data_license)
    _publisher(graph, dataset, settings)
    rights = graph.node("text-rights")
    graph.link(dataset, DCT + "rights", rights.value)
    graph.link(rights, RDF_TYPE, DCT + "RightsStatement")
    graph.add(rights, RDFS + "label", settings.text_rights)
    _access(graph, dataset, uris, build)
    graph.add(dataset, VOID + "uriSpace", uris.base + "id/")
    for kind, slug in sorted(build.meta.get("examples", {}).items()):
        graph.link(dataset, VOID + "exampleResource", uris.thing(kind, slug))
    for prefix in VOCABULARIES:
        graph.link(dataset, VOID + "vocabulary", PREFIXES[prefix])
    _statistics(graph, dataset, Statistics.of(build.meta.get("statistics", {})), int(build.meta.get("records", 0)))
    return graph.triples


def _publisher(graph: _Graph, dataset: ox.NamedNode, settings: Settings) -> None:
    publisher = graph.node("publisher")
    graph.link(dataset, DCT + "publisher", publisher.value)
    graph.link(publisher, RDF_TYPE, FOAF + "Organization")
    graph.add(publisher, FOAF + "name", settings.publisher)
    if settings.publisher_url:
        graph.link(publisher, FOAF + "homepage", settings.publisher_url)


def _access(graph: _Graph, dataset: ox.NamedNode, uris: Uris, build: Build) -> None:
    """The SPARQL endpoint, each dump as a DCAT distribution with its checksum, and the change feed."""
    endpoint = uris.base + "sparql"
    graph.link(dataset, VOID + "sparqlEndpoint", endpoint)
    service = graph.node("sparql")
    graph.link(service, RDF_TYPE, DCAT + "DataService")
    graph.link(service, DCAT + "endpointURL", endpoint)
    graph.link(service, DCAT + "servesDataset", dataset.value)
    for dump in read_dumps(build.meta):
        url = uris.dump(dump.name)
        graph.link(dataset, VOID + "dataDump", url)
        distribution = graph.node(f"dump-{dump.name.split('.')[1]}")
        graph.link(dataset, DCAT + "distribution", distribution.value)
        graph.link(distribution, RDF_TYPE, DCAT + "Distribution")
        graph.add(distribution, DCT + "title", dump.title)
        graph.link(distribution, DCAT + "downloadURL", url)
        graph.link(distribution, DCAT + "accessURL", url)
        graph.link(distribution, DCAT + "mediaType", MEDIA_TYPES + dump.media_type)
        graph.link(distribution, DCAT + "compressFormat", MEDIA_TYPES + "application/gzip")
        graph.add(distribution, DCAT + "byteSize", dump.bytes)
        checksum = graph.node(f"dump-{dump.name.split('.')[1]}-checksum")
        graph.link(distribution, SPDX + "checksum", checksum.value)
        graph.link(checksum, RDF_TYPE, SPDX + "Checksum")
        graph.link(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        graph.add(checksum, SPDX + "checksumValue", ox.Literal(dump.sha256, datatype=ox.NamedNode(XSD + "hexBinary")))
    graph.link(dataset, RDFS + "seeAlso", uris.changes())


def _statistics(graph: _Graph, dataset: ox.NamedNode, stats: Statistics, records: int) -> None:
    graph.add(dataset, VOID + "triples", stats.triples)
    graph.add(dataset, VOID + "entities", stats.entities)
    graph.add(dataset, VOID + "distinctSubjects", stats.distinct_subjects)
    graph.add(dataset, VOID + "distinctObjects", stats.distinct_objects)
    graph.add(dataset, VOID + "documents", records)
    graph.add(dataset, VOID + "classes", len(stats.classes))
    graph.add(dataset, VOID + "properties", len(stats.properties))
    for n, (iri, count) in enumerate(sorted(stats.classes.items()), start=1):
        partition = graph.node(f"class-{n}")
        graph.link(dataset, VOID + "classPartition", partition.value)
        graph.link(partition, VOID + "class", iri)
        graph.add(partition, VOID + "entities", count)
    for n, (iri, count) in enumerate(sorted(stats.properties.items()), start=1):
        partition = graph.node(f"property-{n}")
        graph.link(dataset, VOID + "propertyPartition", partition.value)
        graph.link(partition, VOID + "property", iri)
        graph.add(partition, VOID + "triples", count)
    for target in sorted({t for t, _, _ in stats.links}):
        name, prefix = TARGETS[target]
        other = graph.node(target)
        graph.link(other, RDF_TYPE, VOID + "Dataset")
        graph.add(other, DCT + "title", name)
        graph.add(other, VOID + "uriSpace", prefix)
    for target, predicate, count in stats.links:
        linkset = graph.node(f"links-{target}-{LINK_PROPERTIES.index(predicate) + 1}")
        graph.link(dataset, VOID + "subset", linkset.value)
        graph.link(linkset, RDF_TYPE, VOID + "Linkset")
        graph.link(linkset, VOID + "subjectsTarget", dataset.value)
        graph.link(linkset, VOID + "objectsTarget", graph.node(target).value)
        graph.link(linkset, VOID + "linkPredicate", predicate)
        graph.add(linkset, VOID + "triples", count)


def description_jsonld(triples: list[ox.Triple]) -> dict[str, Any]:
    """The description as compact JSON-LD, with an inline context (nothing to fetch)."""
    expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")
    context = {prefix: iri for prefix, iri in DESCRIPTION_PREFIXES.items()}

    def refuse(url: str, options: Any = None) -> Any:
        raise jsonld.JsonLdError(f"no remote documents: {url}", "jsonld.LoadDocumentError")

    compacted: dict[str, Any] = jsonld.compact(expanded, {"@context": context}, {"documentLoader": refuse})
    return compacted
