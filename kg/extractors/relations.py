"""The ``kg_relations`` step: CoNLL04 relations between kg's entities, from the trained classifier.

The arguments are kg's own entity mentions (names, not resolved pronouns) of the three types the
model knows (Person → Peop, Organization → Org, Place → Loc). In a sentence holding two or more
of them the features are read off the pipeline's own tokens, tags, lemmas and parse (nothing is
re-tokenised or re-parsed), with the sentence's bounds as the edges the model saw in training.
Every type-compatible ordered pair is classified; a relation the model keeps becomes a fact
carrying the model's probability as its confidence:

- Work_For → :class:`MemberOf`, Live_In → :class:`LivesIn`, OrgBased_In → :class:`BasedIn`,
  Located_In → :class:`ContainedIn`;
- Kill → a Killing :class:`Event` (agent, victim); its trigger is the word that governs both
  arguments, and its modality is read off that word's clause as for the rule-based events.

Mode ``ensemble`` also runs the three CoNLL04 recognisers over each sentence. A name kg has no
entity for becomes a new kg entity only when all three recognisers agree on its span and type
and it takes part in a relation the classifier keeps; otherwise kg's entities win.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.errors import InputError
from kg.extractors.entities import entity_key
from kg.extractors.events import event_modality
from kg.extractors.lexicon import Lexicon
from kg.extractors.spans import evidence, sentence_index
from kg.model import (
    BasedIn,
    ContainedIn,
    Entity,
    EntityType,
    Event,
    EventType,
    Evidence,
    Fact,
    LivesIn,
    MemberOf,
    Mention,
    Modality,
)
from kg.relations.classifier import LogisticModel
from kg.relations.data import RELATION_SIGNATURES, EntitySpan
from kg.relations.ner import ensemble_entities
from kg.relations.pairs import predict_sentences

__all__ = [
    "EXTRACTOR",
    "MODES",
    "Argument",
    "FoundRelation",
    "by_sentence",
    "check_mode",
    "classify_sentence",
    "classify_sentences",
    "kg_arguments",
    "model_arguments",
    "new_entities",
    "relation_fact",
]

EXTRACTOR = "kg_relations"
MODES = ("on", "off", "ensemble")
# Entity pairs further apart (in tokens) are not classified: CoNLL04's relations span at most
# 80 tokens, and without a cap a long sentence without punctuation (fuzzed input) costs time
# cubic in its length (pairs x tokens between them): 1,000 words took 30 s.
MAX_PAIR_GAP = 100

_CONLL = {EntityType.PERSON: "Peop", EntityType.ORGANIZATION: "Org", EntityType.PLACE: "Loc"}
_KG = {label: kind for kind, label in _CONLL.items()}
_LINKS: dict[str, type[MemberOf] | type[LivesIn] | type[BasedIn] | type[ContainedIn]] = {
    "Work_For": MemberOf,
    "Live_In": LivesIn,
    "OrgBased_In": BasedIn,
    "Located_In": ContainedIn,
}


@dataclass(frozen=True, slots=True)
class Argument:
    """A possible relation argument: tokens ``start``..``end`` of the Doc naming entity ``key``."""

    start: int
    end: int
    key: str
    label: str
    new: bool = False


@dataclass(frozen=True, slots=True)
class FoundRelation:
    """A relation the classifier keeps, between two arguments, with its probability."""

    label: str
    head: Argument
    tail: Argument
    score: float


def check_mode(mode: str) -> str:
    """The mode, if it is one of :data:`MODES`.

    Raises:
        InputError: the mode is unknown.
    """
    if mode not in MODES:
        raise InputError(f"KG_RELATIONS={mode!r} is not one of {', '.join(MODES)}")
    return mode


def kg_arguments(doc: Doc, entities: Sequence[Entity]) -> list[Argument]:
    """Name mentions of kg's people, organisations and places, longest first where they overlap."""
    found = []
    for entity in entities:
        label = _CONLL.get(entity.type)
        for mention in entity.mentions if label is not None else ():
            span = doc.char_span(mention.start, mention.end, alignment_mode="contract")
            if span is not None and len(span) > 0:
                found.append(Argument(span.start, span.end, entity.key, str(label)))
    return _non_overlapping(found)


def _non_overlapping(arguments: list[Argument]) -> list[Argument]:
    kept: list[Argument] = []
    for arg in sorted(arguments, key=lambda a: (a.start - a.end, a.start)):
        if all(arg.end <= k.start or arg.start >= k.end for k in kept):
            kept.append(arg)
    return sorted(kept, key=lambda a: a.start)


def model_arguments(
    recognisers: Language, sents: Sequence[Span], known: Sequence[Argument]
) -> list[Argument]:
    """Names all recognisers agree on that overlap none of kg's arguments (mode ``ensemble``)."""
    voted = ensemble_entities(recognisers, [[t.text for t in s] for s in sents])
    found = []
    for sent, spans in zip(sents, voted, strict=True):
        for e in spans:
            start, end = sent.start + e.start, sent.start + e.end
            if e.score < 1.0 or e.label not in _KG:
                continue
            if all(end <= k.start or start >= k.end for k in known):
                key = entity_key(_KG[e.label], sent.doc[start:end].text)
                found.append(Argument(start, end, key, e.label, new=True))
    return found


def by_sentence(
    sents: Sequence[Span], arguments: Sequence[Argument]
) -> list[tuple[Span, list[Argument]]]:
    """Each sentence (of one doc, in order) with the arguments that start in it, in order."""
    starts = [s.start for s in sents]
    found: list[tuple[Span, list[Argument]]] = [(s, []) for s in sents]
    for arg in arguments:
        k = bisect_right(starts, arg.start) - 1
        if k >= 0 and arg.start < sents[k].end:
            found[k][1].append(arg)
    return found


def _has_candidates(arguments: Sequence[Argument]) -> bool:
    labels = {a.label for a in arguments}
    keys = {a.key for a in arguments}
    fits = any(h in labels and t in labels for h, t in RELATION_SIGNATURES.values())
    return len(keys) > 1 and fits


def classify_sentence(
    classifier: LogisticModel,
    thresholds: dict[str, float],
    sent: Span,
    arguments: Sequence[Argument],
) -> list[FoundRelation]:
    """Relations between the arguments of one sentence that reach their threshold."""
    return classify_sentences(classifier, thresholds, [(sent, arguments)])


def classify_sentences(
    classifier: LogisticModel,
    thresholds: dict[str, float],
    sentences: Sequence[tuple[Span, Sequence[Argument]]],
) -> list[FoundRelation]:
    """:func:`classify_sentence` for sentences of one doc, classified together."""
    local = [(s, a) for s, a in sentences if _has_candidates(a)]
    if not local:
        return []
    spans = [
        ([EntitySpan(a.start, a.end, a.label) for a in args], (s.start, s.end)) for s, args in local
    ]
    doc = local[0][0].doc
    found = []
    predicted = predict_sentences(classifier, thresholds, doc, spans, MAX_PAIR_GAP)
    for (_, arguments), relations in zip(local, predicted, strict=True):
        for r in relations:
            head, tail = arguments[r.head], arguments[r.tail]
            if head.key != tail.key:
                found.append(FoundRelation(r.label, head, tail, r.score))
    return found


def _governor(a: Token, b: Token) -> Token:
    """The lowest token that dominates both ``a`` and ``b`` (their sentence root at worst)."""
    above_b = {t.i for t in (b, *b.ancestors)}
    return next((t for t in (a, *a.ancestors) if t.i in above_b), a.sent.root)


def relation_fact(doc: Doc, found: FoundRelation, lexicon: Lexicon) -> Fact:
    """The kg fact for a relation, its evidence spanning both arguments."""
    head, tail = found.head, found.tail
    proof = evidence(
        doc[min(head.start, tail.start) : max(head.end, tail.end)], EXTRACTOR, found.score
    )
    if found.label == "Kill":
        return _killing(doc, found, proof, lexicon)
    return _LINKS[found.label](head.key, tail.key, proof)


def _climb(token: Token, top: Token) -> list[Token]:
    """Tokens from ``token`` up to, not including, ``top`` (or the root)."""
    path = []
    while token.i != top.i and token.head.i != token.i:
        path.append(token)
        token = token.head
    return path


def _kill_trigger(a: Token, b: Token, lexicon: Lexicon) -> Token:
    """A killing word on the path between the arguments ("murder" in "charged with the murder
    of"), else the word that governs both."""
    top = _governor(a, b)
    for token in [*_climb(a, top), *_climb(b, top), top]:
        lemma = token.lemma_.lower()
        kind = lexicon.event_nouns.get(lemma) or lexicon.event_verbs.get(lemma)
        if kind == EventType.KILLING.value:
            return token
    return top


def _killing(doc: Doc, found: FoundRelation, proof: Evidence, lexicon: Lexicon) -> Event:
    head, tail = found.head, found.tail
    trigger = _kill_trigger(
        doc[head.start : head.end].root, doc[tail.start : tail.end].root, lexicon
    )
    modality = event_modality(trigger, lexicon) if trigger.pos_ != "NOUN" else Modality.ASSERTED
    key = f"{EventType.KILLING.value}|{head.key}|{tail.key}|{modality.value}"
    return Event(
        key=key,
        type=EventType.KILLING,
        trigger=trigger.text,
        evidence=proof,
        modality=modality,
        agent=head.key,
        affected=(tail.key,),
    )


def new_entities(doc: Doc, found: Sequence[FoundRelation], known: set[str]) -> list[Entity]:
    """kg entities for the recognisers' names that take part in kept relations."""
    made: dict[str, Entity] = {}
    for arg in (a for r in found for a in (r.head, r.tail)):
        if not arg.new or arg.key in known:
            continue
        span = doc[arg.start : arg.end]
        mention = Mention(span.text, span.start_char, span.end_char, sentence_index(doc, span[0]))
        entity = made.get(arg.key)
        if entity is None:
            made[arg.key] = Entity(arg.key, _KG[arg.label], span.text, (), (mention,))
        elif mention not in entity.mentions:
            made[arg.key] = Entity(
                arg.key, entity.type, entity.label, (), (*entity.mentions, mention)
            )
    return list(made.values())
