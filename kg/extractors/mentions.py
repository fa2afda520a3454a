"""Name mentions: spaCy's entities, cleaned of titles and honorifics, one record per mention."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.extractors.lexicon import Lexicon
from kg.extractors.titles import Title

__all__ = ["NameMention", "find_name_mentions"]

_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}
_DROP_LEADING = {"the", "a", "an"}


@dataclass(frozen=True, slots=True)
class NameMention:
    """A name in the text (token span, end exclusive), its NER label and the title before it."""

    start: int
    end: int
    text: str
    label: str
    title: Title | None = None
    honorific: str | None = None
    apposed_title: bool = False
    org_cue: bool = False

    words: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lower-cased words of the name, without punctuation; computed once (clustering asks
        # for them for every pair of mentions).
        words = tuple(w.lower().strip(".") for w in self.text.split() if w.strip(".,"))
        object.__setattr__(self, "words", words)


def find_name_mentions(doc: Doc, titles: list[Title], lexicon: Lexicon) -> list[NameMention]:
    """Names from doc.ents (and after titles), minus the words that belong to a title."""
    in_title = {i for t in titles for i in range(t.start, t.end)}
    title_ending_at = {t.end: t for t in titles}
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in _LABELS:
            continue
        mention = _clean(ent, in_title, lexicon)
        if mention is not None:
            mentions.append(_with_title(doc, mention, title_ending_at, lexicon))
    roots = {doc[t.start : t.end].root.i for t in titles}
    mentions = [_with_org_cue(doc, _with_apposition(doc, m, roots), lexicon) for m in mentions]
    mentions = _possessors_of_org_titles(doc, titles, mentions, lexicon)
    mentions.extend(_names_after_titles(doc, titles, mentions))
    return sorted(mentions, key=lambda m: m.start)


def _clean(ent: Span, in_title: set[int], lexicon: Lexicon) -> NameMention | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (
        start in in_title
        or doc[start].lower_ in _DROP_LEADING
        or (doc[start].lower_ in lexicon.honorifics and end - start > 1 and ent.label_ != "ORG")
    ):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
        end -= 1
    if start >= end or any(i in in_title for i in range(start, end)):
        return None
    span = doc[start:end]
    if not any(t.is_alpha for t in span):
        return None
    return NameMention(start=start, end=end, text=span.text, label=ent.label_)


def _with_title(
    doc: Doc, mention: NameMention, title_ending_at: dict[int, Title], lexicon: Lexicon
) -> NameMention:
    start = mention.start
    honorific = None
    if start > 0 and doc[start - 1].lower_ in lexicon.honorifics and doc[start - 1].is_title:
        honorific = doc[start - 1].text
        start -= 1
    title = title_ending_at.get(start) or title_ending_at.get(mention.start)
    return NameMention(
        start=mention.start,
        end=mention.end,
        text=mention.text,
        label=mention.label,
        title=title,
        honorific=honorific,
    )


def _names_after_titles(
    doc: Doc, titles: list[Title], mentions: list[NameMention]
) -> list[NameMention]:
    """Capitalised names right after a title that the NER model missed."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    found = []
    for title in titles:
        end = title.end
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].is_title:
            end += 1
        if end > title.end and not covered.intersection(range(title.end, end)):
            span = doc[title.end : end]
            found.append(NameMention(title.end, end, span.text, "PERSON", title=title))
    return found


def _with_apposition(doc: Doc, mention: NameMention, title_roots: set[int]) -> NameMention:
    """Mark a name in apposition with a title ("Olaf Scholz, the German chancellor,")."""
    root = doc[mention.start : mention.end].root
    apposed = any(c.dep_ == "appos" and c.i in title_roots for c in root.children) or (
        root.dep_ == "appos" and root.head.i in title_roots
    )
    return dataclasses.replace(mention, apposed_title=apposed) if apposed else mention


_ORG_SUFFIXES = {"ag", "inc", "corp", "ltd", "plc", "llc", "sa", "nv", "gmbh", "holdings"}


def _with_org_cue(doc: Doc, mention: NameMention, lexicon: Lexicon) -> NameMention:
    """Mark a name the text treats as an organisation: "Acme Holdings", "Acme, the carmaker,",
    "Acme said its profits fell" / "Acme said it would ..." (not for places: countries are
    "it" too)."""
    span = doc[mention.start : mention.end]
    last = mention.words[-1] if mention.words else ""
    cue = (
        last in _ORG_SUFFIXES
        or last in lexicon.org_descriptions
        or any(
            c.dep_ == "appos" and c.lemma_.lower() in lexicon.org_descriptions
            for c in span.root.children
        )
        or (mention.label in ("PERSON", "ORG") and _refers_back_as_it(span))
    )
    return dataclasses.replace(mention, org_cue=True) if cue else mention


def _refers_back_as_it(span: Span) -> bool:
    """The subject of a verb whose clause goes on with "its" or "it" before any other name."""
    root = span.root
    if root.dep_ != "nsubj":
        return False
    for token in root.head.subtree:
        if token.i < span.end:
            continue
        if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or token.lower_ in (
            "he",
            "she",
            "his",
            "her",
        ):
            return False
        if token.lower_ == "its" or (token.lower_ == "it" and token.dep_ == "nsubj"):
            return True
    return False


def _possessors_of_org_titles(
    doc: Doc, titles: list[Title], mentions: list[NameMention], lexicon: Lexicon
) -> list[NameMention]:
    """ "Acme's chief executive", "Voa Sul's chairwoman": a proper name owning a title only an
    organisation or a country has is one, even when the model misses it or calls it a person."""
    found = list(mentions)
    for title in titles:
        if title.head not in lexicon.org_heads:
            continue
        span = _proper_possessor(doc, title.start)
        if span is None:
            continue
        overlapping = [k for k, m in enumerate(found) if m.start < span[1] and span[0] < m.end]
        for k in overlapping:
            if found[k].label in ("PERSON", "ORG"):  # a country keeps its place type
                found[k] = dataclasses.replace(found[k], org_cue=True)
        if not overlapping:
            text = doc[span[0] : span[1]].text
            found.append(NameMention(span[0], span[1], text, "ORG", org_cue=True))
    return found


def _proper_possessor(doc: Doc, title_start: int) -> tuple[int, int] | None:
    """The proper-noun span before "'s" right before a title, if any."""
    end = title_start - 1
    if end < 1 or doc[end].tag_ != "POS" or doc[end - 1].pos_ != "PROPN":
        return None
    start = end - 1
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title:
        start -= 1
    return start, end
