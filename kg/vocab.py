"""The kg vocabulary as a closed rdflib namespace (a typo raises), and the prefixes kg binds.

It lists exactly the terms of ``ontology/kg.ttl``; a test keeps the two equal both ways.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = ["KG", "KG_NAMESPACE", "ORG", "PREFIXES", "SCHEMA", "SEM", "WD", "WDT"]

KG_NAMESPACE = "https://w3id.org/kg-news/ontology#"


class KG(DefinedNamespace):
    """Terms of the kg ontology."""

    _NS = Namespace(KG_NAMESPACE)
    _fail = True

    # Classes
    Article: URIRef
    Person: URIRef
    Organization: URIRef
    Place: URIRef
    Post: URIRef
    Event: URIRef
    Resignation: URIRef
    Retirement: URIRef
    Appointment: URIRef
    Dismissal: URIRef
    Announcement: URIRef
    Withdrawal: URIRef
    Statement: URIRef
    Election: URIRef
    Acquisition: URIRef
    Agreement: URIRef
    Killing: URIRef
    Quantity: URIRef
    Reason: URIRef
    Quote: URIRef
    Fact: URIRef
    Extractor: URIRef
    Modality: URIRef
    Link: URIRef

    # Modality individuals
    Asserted: URIRef
    Planned: URIRef
    Negated: URIRef

    # Object properties
    holdsPost: URIRef
    postIn: URIRef
    memberOf: URIRef
    locatedIn: URIRef
    livesIn: URIRef
    basedIn: URIRef
    containedIn: URIRef
    victim: URIRef
    killedBy: URIRef
    quantity: URIRef
    quantityOf: URIRef
    agent: URIRef
    affects: URIRef
    announcedBy: URIRef
    hasCause: URIRef
    mentions: URIRef
    about: URIRef
    describedAs: URIRef
    speaker: URIRef
    modality: URIRef
    mentionedIn: URIRef
    extractedBy: URIRef

    # Datatype properties
    affectedText: URIRef
    medium: URIRef
    date: URIRef
    dateText: URIRef
    trigger: URIRef
    reasonText: URIRef
    causeMarker: URIRef
    amount: URIRef
    total: URIRef
    unit: URIRef
    qualifier: URIRef
    upperBound: URIRef
    lowerBound: URIRef
    quotedText: URIRef
    verb: URIRef
    directQuote: URIRef
    sentence: URIRef
    sentenceIndex: URIRef
    startOffset: URIRef
    endOffset: URIRef
    confidence: URIRef
    contentHash: URIRef
    identityKey: URIRef
    linkScore: URIRef
    linkMethod: URIRef


SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "kg": KG_NAMESPACE,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "sem": str(SEM),
    "wdt": str(WDT),
    "wd": str(WD),
}
