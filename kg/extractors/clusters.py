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

    def surname(self) -> str | None:
        """The last word shared by the cluster's full names, if any."""
        names = self.full_names
        return names[0][-1] if names else None


@cache
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=4096)
def _same_given_name(a: str, b: str) -> bool:
    if a == b:
        return True
    namer = _nicknamer()
    return b in namer.nicknames_of(a) or a in namer.nicknames_of(b)


def is_given_name(word: str) -> bool:
    """True for a known English given name or nickname."""
    namer = _nicknamer()
    return bool(namer.nicknames_of(word) or namer.canonicals_of(word))


def _personal(mention: NameMention) -> bool:
    return mention.label in ("PERSON", "NORP", "GPE", "ORG") and mention.text[:1].isupper()


def _matches(mention: NameMention, cluster: Cluster, label: str, labels: set[str]) -> bool:
    """Whether mention (normalised ``label``) names the cluster (normalised ``labels``)."""
    words = mention.words
    if label in labels:
        return True
    names = cluster.full_names
    surname = names[0][-1] if names else None  # cluster.surname(), names read once
    if surname is None or not _personal(mention):
        return False
    if len(words) == 1:
        return words[0] == surname or any(_same_given_name(words[0], n[0]) for n in names)
    return words[-1] == surname and all(_same_given_name(words[0], n[0]) for n in names)


def cluster_mentions(mentions: list[NameMention]) -> list[Cluster]:
    """Group mentions into clusters; longer names seed clusters before their short forms."""
    clusters: list[Cluster] = []
    labels: list[set[str]] = []
    for mention in sorted(mentions, key=lambda m: (-len(m.words), m.start)):
        label = normalise_label(mention.text)
        found = [k for k, c in enumerate(clusters) if _matches(mention, c, label, labels[k])]
        if not found:
            clusters.append(Cluster([mention]))
            labels.append({label})
            continue
        k = found[0]
        if len(found) > 1:
            nearest = _nearest([clusters[j] for j in found], mention)
            k = next(j for j in found if clusters[j] is nearest)
        clusters[k].mentions.append(mention)
        labels[k].add(label)
    for cluster in clusters:
        cluster.mentions.sort(key=lambda m: m.start)
    return sorted(clusters, key=lambda c: c.mentions[0].start)


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
    if cluster.full_names and any(is_given_name(n[0]) for n in cluster.full_names):
        votes[EntityType.PERSON] += 2
    if not votes:
        return None
    return votes.most_common(1)[0][0]
