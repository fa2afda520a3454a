"""Contract tests for ontology/kg.ttl and ontology/shapes.ttl.

The ontology declares exactly the terms of ``kg.vocab.KG``, documents and aligns each of them, and
the SHACL shapes accept a small graph shaped like kg's output and reject broken facts and quotes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeGuard

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH
from rdflib.term import Node

from kg.vocab import KG, KG_NAMESPACE, ORG, SCHEMA, SEM, WDT

ROOT = Path(__file__).parents[1]
ONTOLOGY_PATH = ROOT / "ontology" / "kg.ttl"
SHAPES_PATH = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/kg-news/ontology")

DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
ALIGNMENT_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)
MODALITIES = {KG.Asserted, KG.Planned, KG.Negated}
# Terms no external vocabulary fits; each says so in its rdfs:comment. Keep this list short.
UNALIGNED = {
    KG.identityKey,
    KG.describedAs,
    KG.modality,
    KG.affectedText,
    KG.medium,
    KG.dateText,
    KG.trigger,
    KG.causeMarker,
    KG.verb,
    KG.directQuote,
    KG.sentence,
    KG.sentenceIndex,
    KG.contentHash,
    KG.linkMethod,
    KG.quantity,
    KG.quantityOf,
    KG.total,
    KG.qualifier,
}
REQUIRED_TARGETS = {
    SCHEMA.Person,
    SCHEMA.Organization,
    SCHEMA.Place,
    ORG.Post,
    SCHEMA.Event,
    SEM.Event,
    ORG.holds,
    ORG.postIn,
    ORG.memberOf,
    SCHEMA.worksFor,
    SCHEMA.agent,
    SCHEMA.object,
    SCHEMA.location,
    SCHEMA.startDate,
    PROV.wasAttributedTo,
    WDT.P39,
    WDT.P108,
    WDT.P828,
    WDT.P585,
    WDT.P276,
    WDT.P551,
    WDT.P159,
    WDT.P131,
    WDT.P157,
    SCHEMA.homeLocation,
    SCHEMA.containedInPlace,
}

PREFIXES = """
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix kga: <http://kg.example.org/article/> .
@prefix kge: <http://kg.example.org/entity/> .
@prefix kgev: <http://kg.example.org/event/> .
@prefix kgf: <http://kg.example.org/fact/> .
@prefix kgq: <http://kg.example.org/quote/> .
@prefix kgr: <http://kg.example.org/reason/> .
@prefix kgx: <http://kg.example.org/extractor/> .
"""

VALID_DATA = (
    PREFIXES
    + """
kga:a1 a kg:Article ;
    schema:identifier "a1" ;
    schema:url <https://news.example.com/a1> ;
    schema:datePublished "2024-03-01"^^xsd:date ;
    schema:headline "Minister resigns" ;
    kg:contentHash "9f86d081884c7d65" .

kge:smith a kg:Person ;
    rdfs:label "John Smith" ;
    skos:altLabel "Smith" ;
    kg:holdsPost kge:secdef ;
    kg:memberOf kge:dod ;
    kg:mentionedIn kga:a1 .
kge:secdef a kg:Post ; rdfs:label "Secretary of Defense" ; kg:postIn kge:dod .
kge:dod a kg:Organization ; rdfs:label "Department of Defense" ; kg:locatedIn kge:us .
kge:us a kg:Place ; rdfs:label "United States" .
kge:potus a kg:Person ; rdfs:label "The President" .

kgev:r1 a kg:Event, kg:Resignation ;
    kg:trigger "resigned" ;
    kg:modality kg:Asserted ;
    kg:agent kge:smith ;
    kg:affects kge:secdef ;
    kg:announcedBy kge:dod ;
    kg:medium "Twitter" ;
    kg:date "2024-03"^^xsd:gYearMonth ;
    kg:dateText "in March" ;
    kg:hasCause kgr:c1 ;
    kg:locatedIn kge:us .
kgev:s1 a kg:Event, kg:Statement ;
    kg:agent kge:potus ;
    kg:about kgev:r1 ;
    kg:describedAs kg:Retirement .

kgr:c1 a kg:Reason ;
    kg:reasonText "health reasons" ;
    kg:causeMarker "citing" ;
    kg:mentions kge:smith .

kgq:q1 a kg:Quote ;
    kg:quotedText "It has been an honour." ;
    kg:speaker kge:smith ;
    kg:verb "wrote" ;
    kg:medium "letter" ;
    kg:directQuote true .

kgx:kg-events a kg:Extractor ; rdfs:label "kg_events" .
kgf:f1 a kg:Fact ;
    rdf:subject kgev:r1 ;
    rdf:predicate kg:agent ;
    rdf:object kge:smith ;
    prov:wasDerivedFrom kga:a1 ;
    kg:sentence "John Smith resigned in March, citing health reasons." ;
    kg:sentenceIndex 0 ;
    kg:startOffset 0 ;
    kg:endOffset 52 ;
    kg:confidence "0.9"^^xsd:double ;
    kg:extractedBy kgx:kg-events .
"""
)

INVALID_DATA = (
    PREFIXES
    + """
kga:a1 a kg:Article ; schema:identifier "a1" ; kg:contentHash "9f86d081884c7d65" .
kgx:kg-quotes a kg:Extractor .
kgq:q1 a kg:Quote ; kg:quotedText "No comment." ; kg:verb "said" .
kgf:f1 a kg:Fact ;
    rdf:subject kgq:q1 ;
    rdf:predicate kg:quotedText ;
    rdf:object "No comment." ;
    prov:wasDerivedFrom kga:a1 ;
    kg:sentence "\\"No comment.\\", he said." ;
    kg:sentenceIndex 3 ;
    kg:startOffset 120 ;
    kg:endOffset 144 ;
    kg:confidence "1.5"^^xsd:double ;
    kg:extractedBy kgx:kg-quotes .
"""
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def _is_kg(node: Node) -> TypeGuard[URIRef]:
    return isinstance(node, URIRef) and str(node).startswith(KG_NAMESPACE)


def _declared_terms(ontology: Graph) -> set[URIRef]:
    declared: set[URIRef] = set()
    for declaration in DECLARATION_TYPES:
        declared |= {s for s in ontology.subjects(RDF.type, declaration) if _is_kg(s)}
    return declared


def _vocab_terms() -> set[URIRef]:
    return {URIRef(KG_NAMESPACE + name) for name in KG.__annotations__}


def _alignments(ontology: Graph, term: Node) -> Iterator[Node]:
    for predicate in ALIGNMENT_PREDICATES:
        yield from ontology.objects(term, predicate)


def _is_aligned(ontology: Graph, term: URIRef) -> bool:
    """Whether term reaches a non-kg IRI through alignments, directly or via kg superterms."""
    seen: set[Node] = set()
    todo: list[Node] = [term]
    while todo:
        node = todo.pop()
        seen.add(node)
        for target in _alignments(ontology, node):
            if isinstance(target, URIRef) and not _is_kg(target):
                return True
            if _is_kg(target) and target not in seen:
                todo.append(target)
    return False


def _shacl(data: str, ontology: Graph, shapes: Graph, inference: str) -> tuple[bool, Graph]:
    conforms, report, _text = validate(
        Graph().parse(data=data, format="turtle"),
        shacl_graph=shapes,
        ont_graph=ontology,
        inference=inference,
    )
    assert isinstance(report, Graph)
    return bool(conforms), report


def _messages(report: Graph) -> set[str]:
    return {str(m) for m in report.objects(None, SH.resultMessage)}


def test_ontology_header_has_version_iri(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/0.1.0")
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for predicate in (RDFS.label, RDFS.comment, URIRef("http://purl.org/dc/terms/license")):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, predicate


def test_ontology_terms_have_english_label_and_comment(ontology: Graph) -> None:
    undocumented = sorted(
        f"{term} lacks {predicate.n3()}@en"
        for term in _declared_terms(ontology)
        for predicate in (RDFS.label, RDFS.comment)
        if not any(
            isinstance(value, Literal) and value.language == "en"
            for value in ontology.objects(term, predicate)
        )
    )
    assert not undocumented, "\n".join(undocumented)


def test_ontology_terms_equal_vocab_both_ways(ontology: Graph) -> None:
    declared, vocab = _declared_terms(ontology), _vocab_terms()
    only_ontology = sorted(str(t).removeprefix(KG_NAMESPACE) for t in declared - vocab)
    only_vocab = sorted(str(t).removeprefix(KG_NAMESPACE) for t in vocab - declared)
    assert declared == vocab, (
        f"only in ontology/kg.ttl: {only_ontology}; only in kg.vocab.KG: {only_vocab}"
    )


def test_ontology_modalities_are_named_individuals(ontology: Graph) -> None:
    for modality in MODALITIES:
        assert (modality, RDF.type, OWL.NamedIndividual) in ontology
        assert (modality, RDF.type, KG.Modality) in ontology


def test_ontology_terms_are_aligned_to_external_vocabularies(ontology: Graph) -> None:
    terms = _declared_terms(ontology) - MODALITIES - UNALIGNED
    unaligned = sorted(str(t) for t in terms if not _is_aligned(ontology, t))
    assert not unaligned, f"no alignment to an external vocabulary: {unaligned}"


def test_ontology_unaligned_terms_say_so(ontology: Graph) -> None:
    for term in UNALIGNED:
        assert not _is_aligned(ontology, term), f"{term} is aligned: drop it from UNALIGNED"
        comment = str(ontology.value(term, RDFS.comment))
        assert "No external property fits" in comment, term


def test_ontology_has_required_alignment_targets(ontology: Graph) -> None:
    targets = {o for p in ALIGNMENT_PREDICATES for o in ontology.objects(None, p)}
    missing = sorted(str(t) for t in REQUIRED_TARGETS - targets)
    assert not missing, f"alignment targets missing from ontology/kg.ttl: {missing}"


def test_shapes_each_shape_has_comment(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 8
    assert all(shapes.value(s, RDFS.comment) is not None for s in node_shapes)


@pytest.mark.parametrize("inference", ["rdfs", "none"])
def test_shapes_accept_valid_graph(ontology: Graph, shapes: Graph, inference: str) -> None:
    conforms, report = _shacl(VALID_DATA, ontology, shapes, inference)
    assert conforms, sorted(_messages(report))


def test_shapes_reject_bad_confidence_and_quote_without_speaker(
    ontology: Graph, shapes: Graph
) -> None:
    conforms, report = _shacl(INVALID_DATA, ontology, shapes, "rdfs")
    assert not conforms
    assert _messages(report) == {
        "A fact has exactly one kg:confidence, an xsd:double from 0 to 1.",
        "A quote has exactly one kg:speaker, a kg:Person or a kg:Organization.",
    }
    focus = {str(n) for n in report.objects(None, SH.focusNode)}
    assert focus == {"http://kg.example.org/fact/f1", "http://kg.example.org/quote/q1"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'kg:trigger "resigned" ;',
            "",
            "An event is an IRI with a kg:trigger and a kg:modality, unless it is a "
            "characterisation (kg:describedAs).",
        ),
        (
            "kg:modality kg:Asserted ;",
            "kg:modality kg:Asserted, kg:Planned ;",
            "An event has one kg:modality: kg:Asserted, kg:Planned or kg:Negated.",
        ),
        (
            "kg:agent kge:smith ;\n    kg:affects",
            "kg:agent kge:us ;\n    kg:affects",
            "kg:agent points to a kg:Person or a kg:Organization.",
        ),
        (
            '"2024-03"^^xsd:gYearMonth',
            '"March"',
            "kg:date values are xsd:date, xsd:gYearMonth, xsd:gYear or xsd:dateTime literals.",
        ),
        (
            "kg:holdsPost kge:secdef",
            "kg:holdsPost kge:dod",
            "kg:holdsPost points to a kg:Post.",
        ),
        (
            "kg:describedAs kg:Retirement",
            "kg:describedAs kg:Person",
            "kg:describedAs names exactly one kg event class.",
        ),
        (
            'rdfs:label "United States"',
            'rdfs:label ""',
            "An entity has a non-empty string rdfs:label.",
        ),
        (
            'rdfs:label "United States"',
            'rdfs:label "United States", "USA"',
            "The rdfs:label values of an entity are spellings of one name (they differ only in "
            "case, accents or spacing).",
        ),
    ],
)
def test_shapes_reject_broken_output(
    ontology: Graph, shapes: Graph, old: str, new: str, message: str
) -> None:
    assert old in VALID_DATA
    # Without inference: under RDFS the ontology's ranges would type kge:dod as a kg:Post.
    conforms, report = _shacl(VALID_DATA.replace(old, new, 1), ontology, shapes, "none")
    assert not conforms
    assert message in _messages(report)
