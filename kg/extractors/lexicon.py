"""The word lists the extractors use, read from the JSON files in ``patterns/``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Lexicon", "load_lexicon"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Titles, honorifics, event triggers and verbs of saying, all lower case."""

    title_heads: frozenset[str]
    title_modifiers: frozenset[str]
    departments: frozenset[str]
    honorifics: frozenset[str]
    ranks: frozenset[str]
    org_descriptions: frozenset[str]
    org_heads: frozenset[str]
    event_verbs: dict[str, str]
    event_nouns: dict[str, str]
    departure_types: frozenset[str]
    loose_verbs: frozenset[str]
    planning_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    modal_planned: frozenset[str]
    force_nouns: frozenset[str]
    body_nouns: frozenset[str]
    agreement_objects: frozenset[str]
    victim_nouns: frozenset[str]
    patient_nouns: frozenset[str]
    speech_verbs: frozenset[str]
    verb_media: dict[str, str]
    noun_media: dict[str, str]
    # Derived from the lists above, once, for the scans that pick candidate tokens by word:
    #: every prefix of every title head (a title can only start with one);
    title_prefixes: frozenset[str] = field(init=False, repr=False, compare=False)
    #: event trigger words, and the first words of phrasal ones ("step" of "step down");
    trigger_words: frozenset[str] = field(init=False, repr=False, compare=False)
    #: the force nouns and the body nouns together.
    forces_and_bodies: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        heads = self.title_heads
        prefixes = frozenset(head[:k] for head in heads for k in range(1, len(head) + 1))
        verbs, nouns = self.event_verbs, self.event_nouns
        starts = {verb[:i] for verb in verbs for i, char in enumerate(verb) if char == " "}
        object.__setattr__(self, "title_prefixes", prefixes)
        object.__setattr__(self, "trigger_words", frozenset({*verbs, *nouns, *starts}))
        object.__setattr__(self, "forces_and_bodies", self.force_nouns | self.body_nouns)


def _read(name: str) -> Any:
    text = resources.files("kg.extractors").joinpath("patterns", name).read_text("utf-8")
    return json.loads(text)


def _invert(table: dict[str, list[str]]) -> dict[str, str]:
    return {word: kind for kind, words in table.items() for word in words}


@cache
def load_lexicon() -> Lexicon:
    """The packaged lexicon (read once: it is code-like data, not state)."""
    titles, events, speech = _read("titles.json"), _read("events.json"), _read("speech.json")
    return Lexicon(
        title_heads=frozenset(titles["heads"]),
        title_modifiers=frozenset(titles["modifiers"]),
        departments=frozenset(titles["departments"]),
        honorifics=frozenset(titles["honorifics"]),
        ranks=frozenset(titles["ranks"]),
        org_descriptions=frozenset(titles["org_descriptions"]),
        org_heads=frozenset(titles["org_heads"]),
        event_verbs=_invert(events["verbs"]),
        event_nouns=_invert(events["nouns"]),
        departure_types=frozenset(events["departure_types"]),
        loose_verbs=frozenset(events["loose_verbs"]),
        planning_verbs=frozenset(events["planning_verbs"]),
        denial_verbs=frozenset(events["denial_verbs"]),
        modal_planned=frozenset(events["modal_planned"]),
        force_nouns=frozenset(events["force_nouns"]),
        body_nouns=frozenset(events["body_nouns"]),
        agreement_objects=frozenset(events["agreement_objects"]),
        victim_nouns=frozenset(events["victim_nouns"]),
        patient_nouns=frozenset(events["patient_nouns"]),
        speech_verbs=frozenset(speech["verbs"]),
        verb_media=dict(speech["verb_media"]),
        noun_media=dict(speech["noun_media"]),
    )
