"""Entity clusters: the mentions of one real-world entity in one article, and its type.

"James Mattis", "Jim Mattis", "General Jim Mattis" and "Mattis" are one cluster. A cluster's
type is voted by all its mentions (the small model calls one "Mattis" a GPE and another a NORP),
helped by titles and known given names; a cluster no mention calls a person, organisation or
place is dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from kg.extractors.mentions import NameMention
from kg.iri import normalise_label
from kg.model import EntityType

__all__ = ["Cluster", "cluster_mentions", "is_given_name", "vote_type"]

_LABEL_TYPES = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORGANIZATION,
    "GPE": EntityType.PLACE,
    "LOC": EntityType.PLACE,
    "FAC": EntityType.PLACE,
}


@dataclass(slots=True)
class Cluster:
    """Mentions believed to name one entity."""

    mentions: list[NameMention] = field(default_factory=list)

    @property
    def full_names(self) -> list[tuple[str, ...]]:
        """Multi-word names of the cluster, as lower-cased words."""
        return [m.words for m in self.mentions if len(m.words) > 1]


@cache
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=8192)
def _nicknames(name: str) -> frozenset[str]:
    """Known nicknames of a given name ("james": "jim", "jimmy", ...)."""
    return frozenset(_nicknamer().nicknames_of(name))


@lru_cache(maxsize=4096)
def _same_given_name(a: str, b: str) -> bool:
    if a == b:
        return True
    return b in _nicknames(a) or a in _nicknames(b)


@lru_cache(maxsize=4096)
def is_given_name(word: str) -> bool:
    """True for a known English given name or nickname."""
    namer = _nicknamer()
    return bool(namer.nicknames_of(word) or namer.canonicals_of(word))


def _personal(mention: NameMention) -> bool:
    return mention.label in ("PERSON", "NORP", "GPE", "ORG") and mention.text[:1].isupper()


@dataclass(slots=True)
class _Index:
    """Clusters being built, indexed by what a mention can match: their normalised labels,
    the surname of their full names and the given names those full names start with."""

    clusters: list[Cluster] = field(default_factory=list)
    given: list[set[str]] = field(default_factory=list)  # per cluster, its full names' first words
    by_label: dict[str, set[int]] = field(default_factory=dict)
    by_surname: dict[str, set[int]] = field(default_factory=dict)
    by_given: dict[str, set[int]] = field(default_factory=dict)
    # A given name and its nicknames ("james": "jim", "jimmy", ...) -> clusters with it.
    by_variant: dict[str, set[int]] = field(default_factory=dict)

    def matching(self, mention: NameMention, label: str) -> list[int]:
        """Indexes (ascending) of the clusters mention (normalised ``label``) names: one with
        that label, or, for a personal name, one whose full names it shortens or varies."""
        found = set(self.by_label.get(label, ()))
        words = mention.words
        if not _personal(mention):
            return sorted(found)
        if len(words) == 1:
            found.update(self._single(words[0]))
        elif words:
            # "Jim Mattis": same surname, and a given name every full name agrees with.
            found.update(
                k
                for k in self.by_surname.get(words[-1], ())
                if all(_same_given_name(words[0], given) for given in self.given[k])
            )
        return sorted(found)

    def _single(self, word: str) -> set[int]:
        """Clusters one word names: by surname ("Mattis"), or by a given name it is, is a
        nickname of or has as nickname ("Jim"); ``_same_given_name`` read off the indexes."""
        found = set(self.by_surname.get(word, ()))
        found.update(self.by_variant.get(word, ()))
        for nickname in _nicknames(word):
            found.update(self.by_given.get(nickname, ()))
        return found

    def add(self, mention: NameMention, label: str, k: int | None = None) -> None:
        """Put mention in cluster k, or in a new cluster when k is None."""
        if k is None:
            k = len(self.clusters)
            self.clusters.append(Cluster())
            self.given.append(set())
        self.clusters[k].mentions.append(mention)
        self.by_label.setdefault(label, set()).add(k)
        words = mention.words
        if len(words) > 1:
            if not self.given[k]:  # the cluster's first full name gives its surname
                self.by_surname.setdefault(words[-1], set()).add(k)
            self.given[k].add(words[0])
            self.by_given.setdefault(words[0], set()).add(k)
            for variant in (words[0], *_nicknames(words[0])):
                self.by_variant.setdefault(variant, set()).add(k)


def cluster_mentions(mentions: list[NameMention]) -> list[Cluster]:
    """Group mentions into clusters; longer names seed clusters before their short forms.

    A mention joins the cluster it names (the nearest one before it when it names several).
    """
    index = _Index()
    for mention in sorted(mentions, key=lambda m: (-len(m.words), m.start)):
        label = normalise_label(mention.text)
        found = index.matching(mention, label)
        k = found[0] if found else None
        if len(found) > 1:
            nearest = _nearest([index.clusters[j] for j in found], mention)
            k = next(j for j in found if index.clusters[j] is nearest)
        index.add(mention, label, k)
    for cluster in index.clusters:
        cluster.mentions.sort(key=lambda m: m.start)
    return sorted(index.clusters, key=lambda c: c.mentions[0].start)


def _nearest(clusters: list[Cluster], mention: NameMention) -> Cluster:
    def distance(cluster: Cluster) -> int:
        before = [mention.start - m.start for m in cluster.mentions if m.start < mention.start]
        return min(before) if before else 10**9

    return min(clusters, key=distance)


def vote_type(cluster: Cluster) -> EntityType | None:
    """The cluster's type by weighted vote of its mentions' labels and person cues."""
    votes: Counter[EntityType] = Counter()
    for mention in cluster.mentions:
        label_type = _LABEL_TYPES.get(mention.label)
        if label_type is not None:
            votes[label_type] += 1
        if mention.title is not None or mention.honorific is not None or mention.apposed_title:
            votes[EntityType.PERSON] += 2
        if mention.label == "PERSON" and len(mention.words) > 1:
            votes[EntityType.PERSON] += 1
        if mention.org_cue:
            votes[EntityType.ORGANIZATION] += 3
    names = cluster.full_names
    if names and any(is_given_name(n[0]) for n in names):
        votes[EntityType.PERSON] += 2
    if not votes:
        return None
    return votes.most_common(1)[0][0]
