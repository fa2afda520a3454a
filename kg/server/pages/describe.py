"""What the pages read about one resource: its description for people (label, types, statements
with their evidence sentences) and its concise bounded description (CBD) for machines.

Both read the union of all graphs. The CBD is every triple with the IRI as subject plus the
``kg:Fact`` reification nodes of those triples (kg mints no blank nodes, so nothing else is
reachable without leaving the description).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from kg.server.pages.links import Linker, Term
from kg.store import GraphStore
from kg.vocab import PREFIXES

__all__ = [
    "Evidence",
    "Resource",
    "Statement",
    "concise_description",
    "describe_resource",
    "valid_iri",
]

_LIMIT = 500
EVIDENCE_SHOWN = 20
"""Sentences shown per statement; a statement many articles make (an entity named in thousands
of articles) says how many more there are instead of listing them all."""
# Every article graph that mentions an entity repeats its type and label, and the union default
# graph gives one match per graph: distinct statements come first (a subquery), and only then
# the names of the other ends, so a page does not grow with (articles x articles).
_OUTGOING = f"""
SELECT ?p ?o (MIN(?l) AS ?label) WHERE {{
  {{ SELECT DISTINCT ?p ?o WHERE {{ $this ?p ?o }} ORDER BY ?p ?o LIMIT {_LIMIT} }}
  OPTIONAL {{ ?o rdfs:label|schema:headline|kg:trigger|kg:quotedText|kg:reasonText ?l }}
}} GROUP BY ?p ?o ORDER BY ?p ?o
"""
_INCOMING = f"""
SELECT ?s ?p (MIN(?l) AS ?label) WHERE {{
  {{ SELECT DISTINCT ?s ?p WHERE {{
      ?s ?p $this FILTER (?p NOT IN (rdf:subject, rdf:object)) }} ORDER BY ?p ?s LIMIT {_LIMIT} }}
  OPTIONAL {{ ?s rdfs:label|schema:headline|kg:trigger|kg:quotedText|kg:reasonText ?l }}
}} GROUP BY ?s ?p ORDER BY ?p ?s
"""
_EVIDENCE = """
SELECT DISTINCT ?s ?p ?o ?sentence ?article WHERE {
  VALUES ?this { $this }
  { ?fact rdf:subject ?this } UNION { ?fact rdf:object ?this }
  ?fact a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        kg:sentence ?sentence ; prov:wasDerivedFrom ?article .
}
"""
# Headlines are read after the evidence, only for the articles a page shows: joined into the
# evidence query they cost as much as the rest of it (4.2 s against 2.1 s for an entity named
# in 8,278 articles, 20,442 evidence rows, of which a page shows a few hundred). The rows are
# ordered (by article, then sentence) in Python: ORDER BY made Oxigraph read back every string.
_HEADLINES = """
SELECT ?article (MIN(?h) AS ?headline) WHERE {
  VALUES ?article { $articles }
  OPTIONAL { ?article schema:headline|schema:identifier ?h }
} GROUP BY ?article
"""
# The IRI is written into the patterns (not bound by VALUES): Oxigraph then looks the facts up
# by subject instead of scanning every kg:Fact (2 s -> 10 ms on 1.5M quads). The evidence query
# is the other way round (VALUES is faster there).
_CBD = """
CONSTRUCT { $this ?p ?o . ?fact ?fp ?fo } WHERE {
  { $this ?p ?o } UNION { ?fact rdf:subject $this ; a kg:Fact ; ?fp ?fo }
}
"""
_RDF = PREFIXES["rdf"]
_HEADER = {f"{_RDF}type", f"{PREFIXES['rdfs']}label", f"{PREFIXES['skos']}altLabel"}
_NAMES = (
    f"{PREFIXES['schema']}headline",
    f"{PREFIXES['kg']}trigger",
    f"{PREFIXES['kg']}quotedText",
    f"{PREFIXES['kg']}reasonText",
)

_Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence a statement was extracted from, and its article."""

    sentence: str
    article: Term


@dataclass(frozen=True, slots=True)
class Statement:
    """One triple about the resource: its predicate, the other end, and the evidence for it."""

    predicate: Term
    other: Term
    outgoing: bool
    evidence: tuple[Evidence, ...]
    more_evidence: int = 0


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource as its page shows it."""

    iri: str
    label: str
    types: tuple[Term, ...]
    alt_labels: tuple[str, ...]
    statements: tuple[Statement, ...]


def valid_iri(iri: str) -> bool:
    """True if iri is an absolute IRI pyoxigraph accepts (so it can stand in a query)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _about(query: str, iri: str) -> str:
    """query with ``$this`` replaced by iri, written (and checked) by pyoxigraph."""
    return query.replace("$this", str(ox.NamedNode(iri)))


def _select(store: GraphStore, query: str, iri: str) -> list[ox.QuerySolution]:
    return list(store.query(_about(query, iri), prefixes=PREFIXES))  # type: ignore[arg-type]


def _term(node: object, label: object, linker: Linker) -> Term:
    name = label.value if isinstance(label, ox.Literal) else None
    if isinstance(node, ox.NamedNode):
        return linker.iri_term(node.value, name)
    if isinstance(node, ox.Literal):
        note = node.language or linker.compact(node.datatype.value)
        plain = note in ("xsd:string", "rdf:langString")
        return linker.literal_term(node.value, "" if plain else note)
    return linker.literal_term(str(node))


@dataclass(frozen=True, slots=True)
class _Proof:
    """The first EVIDENCE_SHOWN sentences of a statement, and how many it has in all."""

    shown: tuple[Evidence, ...] = ()
    total: int = 0


def _evidence(store: GraphStore, iri: str, linker: Linker) -> dict[_Key, _Proof]:
    """The evidence of every statement about iri, by (subject, predicate, object)."""
    rows = sorted(
        (row["article"].value, row["sentence"].value, (str(row["s"]), str(row["p"]), str(row["o"])))
        for row in _select(store, _EVIDENCE, iri)
    )
    shown: dict[_Key, list[tuple[str, ox.NamedNode]]] = defaultdict(list)
    totals: dict[_Key, int] = defaultdict(int)
    for article, sentence, key in rows:
        totals[key] += 1
        if len(shown[key]) < EVIDENCE_SHOWN:
            shown[key].append((sentence, ox.NamedNode(article)))
    headlines = _headlines(store, {a for picked in shown.values() for _, a in picked})
    return {
        key: _Proof(
            tuple(Evidence(text, _term(a, headlines.get(a), linker)) for text, a in picked),
            totals[key],
        )
        for key, picked in shown.items()
    }


def _headlines(store: GraphStore, articles: set[ox.NamedNode]) -> dict[ox.NamedNode, object]:
    """Each article's headline (or identifier), where it has one."""
    if not articles:
        return {}
    query = _HEADLINES.replace("$articles", " ".join(sorted(str(a) for a in articles)))
    rows = store.query(query, prefixes=PREFIXES)
    return {row["article"]: row["headline"] for row in rows}  # type: ignore[union-attr]


def _statements(store: GraphStore, iri: str, linker: Linker) -> list[tuple[Statement, str]]:
    """Every statement with the predicate IRI it uses (to pick out label and types)."""
    evidence = _evidence(store, iri, linker)
    this = str(ox.NamedNode(iri))
    found = []
    for row in _select(store, _OUTGOING, iri):
        p, o = row["p"], row["o"]
        proof = evidence.get((this, str(p), str(o)), _Proof())
        statement = _statement(_term(p, None, linker), _term(o, row["label"], linker), True, proof)
        found.append((statement, str(p.value)))
    for row in _select(store, _INCOMING, iri):
        s, p = row["s"], row["p"]
        proof = evidence.get((str(s), str(p), this), _Proof())
        statement = _statement(_term(p, None, linker), _term(s, row["label"], linker), False, proof)
        found.append((statement, str(p.value)))
    return found


def _statement(predicate: Term, other: Term, outgoing: bool, proof: _Proof) -> Statement:
    """A statement with its first EVIDENCE_SHOWN sentences and the number left out."""
    return Statement(predicate, other, outgoing, proof.shown, proof.total - len(proof.shown))


def describe_resource(store: GraphStore, iri: str, linker: Linker) -> Resource | None:
    """The resource's page content, or None if the store says nothing about it."""
    statements = _statements(store, iri, linker)
    if not statements:
        return None
    mine = [(s, p) for s, p in statements if s.outgoing]
    values: dict[str, list[Term]] = defaultdict(list)
    for statement, predicate in mine:
        values[predicate].append(statement.other)
    names = [t.text for p in _NAMES for t in values[p]]
    spellings = sorted(t.text for t in values[f"{PREFIXES['rdfs']}label"])
    labels = spellings or names
    label = labels[0] if labels else linker.compact(iri)
    # Articles may spell one name differently ("Jose"/"José"): the least is the preferred
    # label, as in queries/; the other spellings join the alternative names.
    alternatives = [*spellings, *(t.text for t in values[f"{PREFIXES['skos']}altLabel"])]
    return Resource(
        iri=iri,
        label=label,
        types=tuple(values[f"{_RDF}type"]),
        alt_labels=tuple(dict.fromkeys(a for a in alternatives if a != label)),
        statements=tuple(s for s, p in statements if not (s.outgoing and p in _HEADER)),
    )


def concise_description(store: GraphStore, iri: str) -> list[ox.Triple]:
    """The CBD of iri: its triples and the reification nodes of its statements."""
    result = store.query(_about(_CBD, iri), prefixes=PREFIXES)
    return list(result)  # type: ignore[arg-type]
