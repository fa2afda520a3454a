"""kg's spaCy components. Each ``__call__`` finds matches and hands them to pure functions.

Order in the pipeline: ``kg_paragraphs`` (before the parser: a blank line ends a sentence),
then after ``ner``: ``kg_entities`` → ``kg_posts`` (holders, coreference, Post entities) →
``kg_quotes`` → ``kg_events`` → ``kg_causes``. Facts accumulate in ``doc._.kg_facts``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extractors.causes import find_causes
from kg.extractors.combine import combine_facts
from kg.extractors.coref import resolve_organisations, resolve_references
from kg.extractors.entities import find_entities, post_entities
from kg.extractors.events import find_events
from kg.extractors.forces import find_forces
from kg.extractors.lexicon import load_lexicon
from kg.extractors.merge import merge_events
from kg.extractors.posts import find_holders, holder_facts
from kg.extractors.quantities import find_quantities, load_quantity_words
from kg.extractors.quotes import find_quotations, indirect_quote_facts, quote_facts
from kg.extractors.relations import (
    FoundRelation,
    by_sentence,
    check_mode,
    classify_sentences,
    kg_arguments,
    model_arguments,
    new_entities,
    relation_fact,
)
from kg.extractors.spans import article_of
from kg.extractors.timex import normalise_time
from kg.extractors.titles import Title
from kg.model import Event, Fact, HoldsPost
from kg.relations.data import RELATION_TYPES
from kg.relations.model import load_classifier, load_recognisers

__all__ = [
    "CauseFinder",
    "EntityFinder",
    "EventFinder",
    "ParagraphSplitter",
    "PostFinder",
    "QuantityFinder",
    "QuoteFinder",
    "RelationFinder",
]


class ParagraphSplitter:
    """Start a sentence after every blank line, so captions and paragraphs never merge."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[:-1]:
            if token.is_space and token.text.count("\n") >= 2:
                doc[token.i + 1].is_sent_start = True
        return doc


class EntityFinder:
    """Titles and named entities, clustered into one Entity per real-world referent."""

    def __call__(self, doc: Doc) -> Doc:
        lexicon = load_lexicon()
        titles, entities, tokens, _ = find_entities(doc, lexicon)
        forces, located = find_forces(doc, lexicon, tokens)
        doc._.kg_titles = titles
        doc._.kg_entities = [*entities, *forces]
        doc._.kg_token_entity = tokens
        doc._.kg_facts = located
        return doc


class PostFinder:
    """Who holds which post; then pronouns and descriptions resolved; Post entities added."""

    def __call__(self, doc: Doc) -> Doc:
        lexicon = load_lexicon()
        titles, tokens = doc._.kg_titles, doc._.kg_token_entity
        holders = find_holders(doc, titles, lexicon)
        tokens.update(resolve_references(doc, titles, holders, tokens))
        tokens.update(resolve_organisations(doc, lexicon.org_descriptions, tokens))
        orgs = _org_keys(titles, tokens)
        facts = holder_facts(doc, holders, orgs)
        keep = {h.title.key for h in holders}
        keep |= {t.key for t in titles if t.capitalised or t.org is not None}
        posts = post_entities(doc, titles, keep)
        doc._.kg_entities = [*doc._.kg_entities, *posts]
        for title in titles:
            if title.key in keep:
                for i in range(title.start, title.end):
                    tokens.setdefault(i, f"Post:{title.key}")
        doc._.kg_holders = holders
        doc._.kg_facts.extend(facts)
        return doc


def _org_keys(titles: list[Title], tokens: dict[int, str]) -> dict[tuple[int, int], str]:
    """Entity key of each title's organisation span (its first token that names one)."""
    found: dict[tuple[int, int], str] = {}
    for title in titles:
        if title.org is not None:
            key = next((tokens[i] for i in range(*title.org) if i in tokens), None)
            if key is not None:
                found[title.org] = key
    return found


class QuoteFinder:
    """Direct quotations and their speakers."""

    def __call__(self, doc: Doc) -> Doc:
        lexicon = load_lexicon()
        doc._.kg_quotations = find_quotations(doc, lexicon)
        doc._.kg_facts.extend(quote_facts(doc, doc._.kg_quotations, lexicon))
        doc._.kg_facts.extend(indirect_quote_facts(doc, doc._.kg_quotations, lexicon))
        return doc


class EventFinder:
    """Events with roles, merged within the article, times normalised."""

    def __call__(self, doc: Doc) -> Doc:
        posts: dict[str, list[str]] = {}
        for fact in doc._.kg_facts:
            if isinstance(fact, HoldsPost) and fact.post not in posts.get(fact.person, []):
                posts.setdefault(fact.person, []).append(fact.post)
        found = find_events(doc, load_lexicon(), posts, doc._.kg_quotations or [])
        events, views = merge_events(found)
        published = article_of(doc).published
        doc._.kg_facts.extend(_with_times(events, published))
        doc._.kg_facts.extend(views)
        return doc


def _with_times(events: list[Event], published: date | None) -> list[Fact]:
    out: list[Fact] = []
    for event in events:
        if event.time is not None:
            value = normalise_time(event.time.text, published)
            event = dataclasses.replace(event, time=dataclasses.replace(event.time, value=value))
        out.append(event)
    return out


class QuantityFinder:
    """Counted quantities, on the events whose clauses state them."""

    def __call__(self, doc: Doc) -> Doc:
        events = [f for f in doc._.kg_facts if isinstance(f, Event)]
        doc._.kg_facts.extend(find_quantities(doc, events, load_quantity_words()))
        return doc


class CauseFinder:
    """Reasons that events cite."""

    def __call__(self, doc: Doc) -> Doc:
        events = [f for f in doc._.kg_facts if isinstance(f, Event)]
        doc._.kg_facts.extend(find_causes(doc, events))
        return doc


class RelationFinder:
    """CoNLL04 relations between kg's entities; the model is loaded once, here."""

    def __init__(self, vocab: Vocab, mode: str = "on") -> None:
        self.mode = check_mode(mode)
        classifier, threshold = load_classifier()
        self.classifier = classifier
        self.thresholds = dict.fromkeys(RELATION_TYPES, threshold)
        self.recognisers: Language | None = None
        if mode == "ensemble":
            self.recognisers = load_recognisers(vocab)

    def __call__(self, doc: Doc) -> Doc:
        if self.mode == "off":
            return doc
        found = self._relations(doc)
        known = {e.key for e in doc._.kg_entities}
        added = new_entities(doc, found, known)
        doc._.kg_entities = [*doc._.kg_entities, *added]
        for arg in (a for r in found for a in (r.head, r.tail) if a.new):
            for i in range(arg.start, arg.end):
                doc._.kg_token_entity.setdefault(i, arg.key)
        lexicon = load_lexicon()
        model = [relation_fact(doc, r, lexicon) for r in found]
        doc._.kg_facts = combine_facts(doc._.kg_facts, model)
        return doc

    def _relations(self, doc: Doc) -> list[FoundRelation]:
        arguments = kg_arguments(doc, doc._.kg_entities)
        sents = list(doc.sents)
        if self.recognisers is not None:
            extra = model_arguments(self.recognisers, sents, arguments)
            arguments = sorted([*arguments, *extra], key=lambda a: a.start)
        return classify_sentences(self.classifier, self.thresholds, by_sentence(sents, arguments))
