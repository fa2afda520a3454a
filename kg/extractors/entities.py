"""The ``kg_entities`` step: titles and names of a Doc become the article's Entity records."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span

from kg.extractors.clusters import Cluster, cluster_mentions, vote_type
from kg.extractors.lexicon import Lexicon
from kg.extractors.mentions import NameMention, find_name_mentions
from kg.extractors.spans import sentence_at, sentence_index, sentence_starts
from kg.extractors.titles import Title, find_titles
from kg.iri import normalise_label
from kg.model import Entity, EntityType, Mention

__all__ = ["entity_key", "find_entities", "post_entities"]


def entity_key(entity_type: EntityType, label: str) -> str:
    """Within-article key of an entity: its type and normalised name."""
    return f"{entity_type.value}:{normalise_label(label)}"


def find_entities(
    doc: Doc, lexicon: Lexicon
) -> tuple[list[Title], list[Entity], dict[int, str], list[tuple[NameMention, str]]]:
    """Titles, entities, token→entity key table and (mention, key) pairs of a parsed Doc."""
    titles = find_titles(doc, lexicon)
    mentions = find_name_mentions(doc, titles, lexicon)
    entities: list[Entity] = []
    tokens: dict[int, str] = {}
    keyed: list[tuple[NameMention, str]] = []
    for cluster in cluster_mentions(mentions):
        entity_type = _typed(cluster, lexicon)
        if entity_type is None:
            continue
        entity = _entity(doc, cluster, entity_type)
        entities.append(entity)
        for mention in cluster.mentions:
            keyed.append((mention, entity.key))
            tokens.update(dict.fromkeys(range(mention.start, mention.end), entity.key))
    return titles, entities, tokens, keyed


def _typed(cluster: Cluster, lexicon: Lexicon) -> EntityType | None:
    """The voted type, except that a medium's name (Twitter, Facebook) is an organisation."""
    entity_type = vote_type(cluster)
    if entity_type is EntityType.PERSON and all(
        " ".join(m.words) in lexicon.noun_media for m in cluster.mentions
    ):
        return EntityType.ORGANIZATION
    return entity_type


def _canonical(cluster: Cluster, entity_type: EntityType) -> str:
    texts = [m.text for m in cluster.mentions]
    if entity_type is EntityType.PERSON:
        full = [m.text for m in cluster.mentions if len(m.words) > 1]
        texts = full or texts
    counts = Counter(texts)
    return max(counts, key=lambda t: (counts[t], len(t.split()), -texts.index(t)))


def _entity(doc: Doc, cluster: Cluster, entity_type: EntityType) -> Entity:
    label = _canonical(cluster, entity_type)
    written = []
    for mention in cluster.mentions:
        written.append(mention.text)
        if mention.title is not None and entity_type is EntityType.PERSON:
            written.append(Span(doc, mention.title.start, mention.end).text)
        elif mention.honorific is not None:
            written.append(Span(doc, mention.start - 1, mention.end).text)
    alt = tuple(dict.fromkeys(w for w in written if w != label))
    starts = sentence_starts(doc)
    return Entity(
        key=entity_key(entity_type, label),
        type=entity_type,
        label=label,
        alt_labels=alt,
        mentions=tuple(_mention(doc, m, starts) for m in cluster.mentions),
    )


def _mention(doc: Doc, m: NameMention, starts: list[int]) -> Mention:
    first, last = doc[m.start], doc[m.end - 1]
    return Mention(m.text, first.idx, last.idx + len(last), sentence_at(starts, m.start))


def post_entities(doc: Doc, titles: list[Title], keep: set[str]) -> list[Entity]:
    """One Post entity per distinct title key in keep, labelled by its most used spelling."""
    by_key: dict[str, list[Title]] = {}
    for title in titles:
        if title.key in keep:
            by_key.setdefault(title.key, []).append(title)
    posts = []
    for key, group in by_key.items():
        counts = Counter(t.text for t in group if t.capitalised) or Counter(t.text for t in group)
        label = max(counts, key=lambda t: (counts[t], t))
        mentions = tuple(
            Mention(
                t.text,
                doc[t.start].idx,
                doc[t.end - 1].idx + len(doc[t.end - 1]),
                sentence_index(doc, doc[t.start]),
            )
            for t in group
        )
        alt = tuple(dict.fromkeys(t.text for t in group if t.text != label))
        posts.append(Entity(f"Post:{key}", EntityType.POST, label, alt, mentions))
    return posts
