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
        words = tuple([w.lower().strip(".") for w in self.text.split() if w.strip(".,")])
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
    roots = {Span(doc, t.start, t.end).root.i for t in titles}
    mentions = [_with_org_cue(doc, _with_apposition(doc, m, roots), lexicon) for m in mentions]
    mentions = _possessors_of_org_titles(doc, titles, mentions, lexicon)
    mentions.extend(_names_after_titles(doc, titles, mentions))
    return sorted(mentions, key=lambda m: m.start)


def _clean(ent: Span, in_title: set[int], lexicon: Lexicon) -> NameMention | None:
    label = ent.label_
    tokens = list(ent)
    while tokens and (
        tokens[0].i in in_title
        or tokens[0].lower_ in _DROP_LEADING
        or (tokens[0].lower_ in lexicon.honorifics and len(tokens) > 1 and label != "ORG")
    ):
        del tokens[0]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct):
        del tokens[-1]
    if not tokens or any(t.i in in_title for t in tokens) or not any(t.is_alpha for t in tokens):
        return None
    start, end = tokens[0].i, tokens[-1].i + 1
    return NameMention(start=start, end=end, text=Span(ent.doc, start, end).text, label=label)


def _with_title(
    doc: Doc, mention: NameMention, title_ending_at: dict[int, Title], lexicon: Lexicon
) -> NameMention:
    start = mention.start
    honorific = None
    before = doc[start - 1] if start > 0 else None
    if before is not None and before.lower_ in lexicon.honorifics and before.is_title:
        honorific = before.text
        start -= 1
    title = title_ending_at.get(start) or title_ending_at.get(mention.start)
    if title is None and honorific is None:
        return mention  # as found by _clean: no title, no honorific
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
    root = Span(doc, mention.start, mention.end).root
    apposed = any(c.dep_ == "appos" and c.i in title_roots for c in root.children) or (
        root.dep_ == "appos" and root.head.i in title_roots
    )
    return dataclasses.replace(mention, apposed_title=apposed) if apposed else mention


_ORG_SUFFIXES = {"ag", "inc", "corp", "ltd", "plc", "llc", "sa", "nv", "gmbh", "holdings"}


def _with_org_cue(doc: Doc, mention: NameMention, lexicon: Lexicon) -> NameMention:
    """Mark a name the text treats as an organisation: "Acme Holdings", "Acme, the carmaker,",
    "Acme said its profits fell" / "Acme said it would ..." (not for places: countries are
    "it" too)."""
    span = Span(doc, mention.start, mention.end)
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
        lower = token.lower_
        if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or lower in (
            "he",
            "she",
            "his",
            "her",
        ):
            return False
        if lower == "its" or (lower == "it" and token.dep_ == "nsubj"):
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
