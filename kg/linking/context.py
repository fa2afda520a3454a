"""What a linker is given besides the entities: the words around them and the entities they
co-occur with, and the Linker protocol itself."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kg.iri import normalise_label
from kg.model import Entity, Link

__all__ = ["WIKIDATA_ENTITY", "LinkContext", "Linker", "context_words", "normalise_name"]

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

_WORD = re.compile(r"[a-z][a-z'-]+")
_LEADING_THE = re.compile(r"^the\s+")
_STOP_WORDS = (
    "the and for with that this from said says will would have has had was were are its his"
    " her their they them who which what when where than then into over after before about"
)
_STOP = frozenset(_STOP_WORDS.split())


def context_words(texts: Iterable[str]) -> frozenset[str]:
    """Lower-case content words of texts, without stop words."""
    words: set[str] = set()
    for text in texts:
        words.update(w for w in _WORD.findall(normalise_label(text)) if w not in _STOP)
    return frozenset(words)


def normalise_name(name: str) -> str:
    """A name as the gazetteer indexes it: normalised, without a leading "the" or final dot."""
    return _LEADING_THE.sub("", normalise_label(name)).rstrip(".").replace("\u2019", "'")


@dataclass(frozen=True, slots=True)
class LinkContext:
    """Words around the entities and the labels of the entities they co-occur with."""

    words: frozenset[str] = frozenset()
    labels: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_texts(cls, texts: Iterable[str], labels: Iterable[str] = ()) -> LinkContext:
        """Context from sentences (or a whole article) and co-occurring entity labels."""
        names = frozenset(normalise_name(x).replace(".", "") for x in labels)
        return cls(context_words(texts), names)


class Linker(Protocol):
    """Anything that links entities to external resources."""

    def link(self, entities: Sequence[Entity], context: LinkContext) -> list[Link]:
        """Links for those entities that have a confident candidate.

        Raises:
            LinkError: a remote linker's endpoint did not answer usefully.
        """
        ...
