"""Armed forces, troop contingents and public bodies named by common nouns: "US forces",
"troops in Afghanistan", "the Kenyan government".

News treats them as organisations that act and are acted on (withdrawn, deployed). The label
is the noun with its national modifier, plus "in <Place>" when the text says where they are.
A later bare "the government" is the same body.
"""

from __future__ import annotations

from spacy.attrs import LOWER, POS
from spacy.symbols import NOUN
from spacy.tokens import Doc, Token

from kg.extractors.lexicon import Lexicon
from kg.extractors.scan import positions
from kg.extractors.spans import evidence, sentence_index
from kg.iri import normalise_label
from kg.model import Entity, EntityType, Fact, LocatedIn, Mention

__all__ = ["EXTRACTOR", "find_forces"]

EXTRACTOR = "kg_entities"


def _modifiers(noun: Token) -> list[Token]:
    return [
        c
        for c in noun.lefts
        if c.dep_ in ("compound", "amod", "nmod") and (c.ent_type_ in ("GPE", "NORP", "ORG"))
    ]


def _place(noun: Token, tokens: dict[int, str]) -> Token | None:
    for prep in (c for c in noun.rights if c.dep_ == "prep" and c.lower_ == "in"):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            if tokens.get(obj.i, "").startswith("Place:"):
                return obj
    return None


def find_forces(
    doc: Doc, lexicon: Lexicon, tokens: dict[int, str]
) -> tuple[list[Entity], list[Fact]]:
    """Organisation entities for force nouns, and where they are located."""
    entities: dict[str, Entity] = {}
    facts: list[Fact] = []
    named: dict[str, str] = {}  # body noun -> the key of the last body named with it
    for noun in _force_nouns(doc, lexicon):
        modifiers, place = _modifiers(noun), _place(noun, tokens)
        if not modifiers and place is None:
            if noun.lower_ in named and noun.i not in tokens and _definite(noun):
                tokens[noun.i] = named[noun.lower_]
            continue
        start = modifiers[0].i if modifiers else noun.i
        label = doc[start : noun.i + 1].text
        if place is not None:
            label = f"{label} in {doc[place.i : place.i + 1].text}"
        key = f"{EntityType.ORGANIZATION.value}:{normalise_label(label)}"
        span = doc[start : (place.i if place is not None else noun.i) + 1]
        mention = Mention(span.text, span.start_char, span.end_char, sentence_index(doc, noun))
        entities.setdefault(key, Entity(key, EntityType.ORGANIZATION, label, (), (mention,)))
        if noun.lower_ in lexicon.body_nouns:
            named[noun.lower_] = key
        tokens.update(dict.fromkeys(range(start, noun.i + 1), key))
        if place is not None:
            facts.append(LocatedIn(key, tokens[place.i], evidence(span, EXTRACTOR, 0.8)))
    return list(entities.values()), facts


def _force_nouns(doc: Doc, lexicon: Lexicon) -> list[Token]:
    """The doc's common nouns that name a force or a body, in order."""
    nouns = lexicon.forces_and_bodies
    return [doc[i] for i in positions(doc, LOWER, nouns, where=(POS, NOUN))]


def _definite(noun: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
