"""Scoring kg's extractor on the news dev set, per gold relation and micro-averaged.

Each article is run through the real pipeline (:func:`kg.nlp.extract`); its facts become
triples (:mod:`kg.evaluation.triples`), its entities and events are aligned with the gold ones
(:mod:`kg.evaluation.align`), and each gold fact is matched to at most one predicted triple
(literals by :func:`kg.evaluation.match.literal_matches`; a literal ``affected`` also matches
a gold entity when it is one of that entity's mentions, as normalised for alignment).
Unaligned subjects or objects never match. Scores are given over all articles and without the
demo article.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from kg.evaluation.align import align_entities, align_events
from kg.evaluation.gold import PREDICATES, GoldCase, GoldFact
from kg.evaluation.match import literal_matches, name_variants
from kg.evaluation.triples import Triple, event_infos, kg_triples
from kg.model import Entity, Fact
from kg.nlp import extract
from kg.relations import Counts

__all__ = ["CaseScore", "NewsResult", "count_sentences", "evaluate_news", "score_case", "totals"]

_SENTENCE_END = re.compile('[.!?][\u201d"\u2019\']?(?=\\s+[\u201c"A-Z])')


@dataclass(frozen=True, slots=True)
class CaseScore:
    """Counts per relation for one article, with the gold facts missed and triples not in gold."""

    article_id: str
    demo: bool
    counts: dict[str, Counts]
    missed: tuple[str, ...] = ()
    spurious: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewsResult:
    """Per-article scores and the extraction speed over the whole dev set."""

    cases: tuple[CaseScore, ...]
    sentences: int
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable view: totals with and without the demo, errors per article."""
        return {
            "articles": len(self.cases),
            "demo_articles": [c.article_id for c in self.cases if c.demo],
            "sentences": self.sentences,
            "seconds": self.seconds,
            "sentences_per_second": self.sentences / self.seconds if self.seconds else 0.0,
            "all": _summary(self.cases),
            "without_demo": _summary([c for c in self.cases if not c.demo]),
            "errors": {
                c.article_id: {"missed": list(c.missed), "spurious": list(c.spurious)}
                for c in self.cases
            },
        }


def count_sentences(text: str) -> int:
    """Sentences of a text by punctuation (blank-line paragraphs end sentences too)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return sum(len(_SENTENCE_END.findall(p.strip())) + 1 for p in paragraphs)


def _add(a: Counts, b: Counts) -> Counts:
    return Counts(a.tp + b.tp, a.fp + b.fp, a.fn + b.fn)


def totals(cases: Iterable[CaseScore]) -> dict[str, Counts]:
    """Counts per relation summed over articles."""
    summed = {p: Counts() for p in PREDICATES}
    for case in cases:
        for p, c in case.counts.items():
            summed[p] = _add(summed[p], c)
    return summed


def _summary(cases: Sequence[CaseScore]) -> dict[str, Any]:
    per = totals(cases)
    micro = Counts()
    for c in per.values():
        micro = _add(micro, c)
    return {
        "articles": len(cases),
        "relations": {p: c.as_dict() for p, c in per.items()},
        "micro": micro.as_dict(),
    }


def _matches(case: GoldCase, gold: GoldFact, triple: Triple) -> bool:
    if triple.p != gold.p or triple.s != gold.s:
        return False
    if case.is_entity(gold):
        if triple.literal:
            return gold.p == "affected" and _names_entity(case, triple.o, gold.o)
        return triple.o == gold.o
    return triple.literal and literal_matches(gold.p, triple.o, gold.o)


def _names_entity(case: GoldCase, text: str, entity_id: str) -> bool:
    entity = case.entity(entity_id)
    names = {v for m in entity.mentions for v in name_variants(m)} if entity else set()
    return bool(name_variants(text) & names)


def _mapped(triples: Iterable[Triple], aligned: dict[str, str]) -> list[Triple]:
    found: dict[Triple, None] = {}
    for t in triples:
        o = t.o if t.literal else aligned.get(t.o, t.o)
        found[Triple(aligned.get(t.s, t.s), t.p, o, t.literal)] = None
    return list(found)


def score_case(case: GoldCase, entities: Sequence[Entity], facts: Sequence[Fact]) -> CaseScore:
    """Match one article's extraction against its gold facts."""
    aligned = align_entities(case, entities)
    aligned |= align_events(case, event_infos(facts), aligned)
    predicted = _mapped(kg_triples(facts), aligned)
    unmatched = list(predicted)
    counts = {p: Counts() for p in PREDICATES}
    missed: list[str] = []
    for gold in case.facts:
        hit = next((t for t in unmatched if _matches(case, gold, t)), None)
        if hit is None:
            missed.append(f"{gold.s} {gold.p} {gold.o}")
            counts[gold.p] = _add(counts[gold.p], Counts(fn=1))
        else:
            unmatched.remove(hit)
            counts[gold.p] = _add(counts[gold.p], Counts(tp=1))
    for t in unmatched:
        if t.p in counts:
            counts[t.p] = _add(counts[t.p], Counts(fp=1))
    spurious = tuple(f"{t.s} {t.p} {t.o}" for t in unmatched)
    return CaseScore(case.article.id, case.demo, counts, tuple(missed), spurious)


def evaluate_news(nlp: Language, cases: Sequence[GoldCase]) -> NewsResult:
    """Extract every article of the dev set with kg's pipeline and score it."""
    by_id = {c.article.id: c for c in cases}
    started = time.perf_counter()
    extractions = list(extract(nlp, [c.article for c in cases]))
    seconds = time.perf_counter() - started
    scores = tuple(score_case(by_id[a.id], ents, facts) for a, ents, facts in extractions)
    sentences = sum(count_sentences(c.article.text) for c in cases)
    return NewsResult(scores, sentences, seconds)
