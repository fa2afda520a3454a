"""Faster stand-ins, with the same output, for two rule components of spaCy's English models.

A profile of ``kg build`` found ``attribute_ruler`` and ``lemmatizer`` taking about a tenth of
the model's time for what are table lookups: spaCy's ``AttributeRuler`` runs a ``Matcher`` of
~180 patterns over every token, then sets attributes one match at a time through ``Span`` and
``Token`` objects; the rule ``Lemmatizer`` makes a ``Token`` per word to look up its cache.

:func:`speed_up` replaces them in a loaded pipeline, under the same names:

- :class:`AttributeTable` compiles the ruler's patterns (tests of token attributes: equal to a
  value, ``IN`` or ``NOT_IN`` a list, ``REGEX``; no operators) and matches them on
  ``Doc.to_array``. Each pattern is looked up by a value its first token must have (the doc's
  tokens are grouped by value once), so a pattern whose word or tag is not in the doc costs
  nothing. As in spaCy, every match is found before any attribute is set, and a later rule
  overrides an earlier one; the attributes go back with one ``Doc.from_array``.
- :class:`CachedLemmatizer` reads each token's (orth, POS, morphology) off ``Doc.to_array``
  and looks its lemma up by that key, the rule lemmatizer's own cache key (its lemma is a
  function of it); a key not seen yet goes to a twin of the model's lemmatizer whose lists
  of known words are sets (spaCy scans the 57,528 nouns for each candidate form).

A ruler with a pattern this does not compile, or a lemmatizer not in rule mode, stays as it
is. ``tests/test_rule_components.py`` checks the annotations against spaCy's on news text, and
``docs/benchmarks.md`` has the speed ("spaCy's rule components").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from spacy.attrs import DEP, IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import StringStore
from spacy.tokens import Doc

__all__ = ["STAND_INS", "AttributeTable", "CachedLemmatizer", "speed_up"]

#: Token attributes a compiled pattern may test.
_TESTABLE = frozenset(
    {"ORTH", "TEXT", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "SHAPE", "ENT_TYPE"}
    | {"IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT"}
    | {"IS_SPACE", "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL"}
)
#: Of those, the flags (0 or 1).
_NOT_STRINGS = frozenset(name for name in _TESTABLE if name.startswith(("IS_", "LIKE_")))
#: Attributes a rule may set (all through ``Doc.from_array`` but DEP, set token by token).
_SETTABLE = frozenset({"POS", "TAG", "MORPH", "LEMMA", "DEP"})
#: Columns whose values pick out few tokens: preferred as a pattern's anchor.
_SELECTIVE = frozenset(int(IDS[name]) for name in ("ORTH", "LOWER", "NORM", "LEMMA"))


@dataclass(frozen=True, slots=True)
class _Test:
    """A condition on one token attribute: its value is one of ``values`` (none of them, when
    ``negated``), or its string matches ``regex`` (searched, as the Matcher does)."""

    attr: int
    values: tuple[int, ...] = ()
    negated: bool = False
    regex: re.Pattern[str] | None = None
    seen: dict[int, bool] = field(default_factory=dict, compare=False)
    """For a regular expression: each string hash tested so far, and whether it matched."""

    @classmethod
    def of(cls, name: str, value: Any, strings: StringStore) -> _Test | None:
        """The test of a Matcher pattern's ``{name: value}``, or None if not supported."""
        if name not in _TESTABLE:
            return None
        attr = int(IDS["ORTH" if name == "TEXT" else name])
        if not isinstance(value, dict):
            found = _value(name, value, strings)
            return None if found is None else cls(attr, (found,))
        if len(value) != 1:
            return None
        [(op, operand)] = value.items()
        if op == "REGEX" and isinstance(operand, str) and name not in _NOT_STRINGS:
            return cls(attr, regex=re.compile(operand))
        if op not in ("IN", "NOT_IN") or not isinstance(operand, list):
            return None
        values = [_value(name, v, strings) for v in operand]
        if any(v is None for v in values):
            return None
        return cls(attr, tuple(v for v in values if v is not None), negated=op == "NOT_IN")

    @property
    def anchors(self) -> tuple[int, ...]:
        """The values a token passing this test may have; empty if the test has no such list."""
        return () if self.negated or self.regex is not None else self.values

    def mask(self, column: NDArray[np.uint64], strings: StringStore) -> NDArray[np.bool_]:
        """Which of the column's values pass."""
        if self.regex is not None:
            unique, inverse = np.unique(column, return_inverse=True)
            passed = [self._search(int(h), strings) for h in unique.tolist()]
            return np.asarray(passed, dtype=bool)[inverse.reshape(-1)]
        one = len(self.values) == 1
        found: NDArray[np.bool_] = column == self.values[0] if one else np.isin(column, self.values)
        return ~found if self.negated else found

    def _search(self, value: int, strings: StringStore) -> bool:
        found = self.seen.get(value)
        if found is None:
            found = self.seen[value] = bool(self.regex and self.regex.search(strings[value]))
        return found


def _value(name: str, value: Any, strings: StringStore) -> int | None:
    """A pattern's value as the token attribute holds it (a hash, a POS id, 0 or 1)."""
    if name in _NOT_STRINGS:
        return int(value) if isinstance(value, (bool, int)) else None
    if not isinstance(value, str):
        return None
    if name == "POS":
        return int(IDS[value]) if value in IDS else None
    return int(strings.add(value))


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A token sequence to match, its rule, and which of its tokens the rule changes."""

    tests: tuple[tuple[int, int, _Test], ...]
    """(token offset, column, test) of every test but the anchor's."""
    length: int
    rule: int
    target: int


class AttributeTable:
    """spaCy's ``AttributeRuler`` with its patterns compiled (see the module)."""

    def __init__(
        self,
        columns: list[int | str],
        anchored: dict[int, dict[int, list[_Pattern]]],
        loose: list[_Pattern],
        rules: list[dict[int, int]],
    ) -> None:
        self._columns = columns
        self._anchored = anchored
        self._loose = loose
        self._set: list[int | str] = sorted({a for rule in rules for a in rule if a != DEP})
        self._writes = [
            [(self._set.index(a), v) for a, v in rule.items() if a != DEP] for rule in rules
        ]
        self._deps = [rule.get(DEP) for rule in rules]

    @classmethod
    def compile(cls, ruler: AttributeRuler) -> AttributeTable | None:
        """The ruler's patterns compiled, or None if one of them cannot be."""
        strings = ruler.vocab.strings
        columns: list[int | str] = []
        anchored: dict[int, dict[int, list[_Pattern]]] = {}
        loose: list[_Pattern] = []
        rules: list[dict[int, int]] = []
        specs: list[dict[str, Any]] = ruler.patterns
        for rule, spec in enumerate(specs):
            if not set(spec["attrs"]) <= _SETTABLE:
                return None
            rules.append({int(a): int(v) for a, v in ruler.attrs[rule].items()})
            for pattern in spec["patterns"]:
                tests = [
                    (offset, _Test.of(name, value, strings))
                    for offset, token in enumerate(pattern)
                    for name, value in token.items()
                ]
                index = int(spec.get("index", 0))
                if not pattern or not -len(pattern) <= index < len(pattern):
                    return None
                compiled = []
                for offset, test in tests:
                    if test is None:
                        return None
                    if test.attr not in columns:
                        columns.append(test.attr)
                    compiled.append((offset, columns.index(test.attr), test))
                anchor = _anchor(compiled)
                rest = tuple(t for t in compiled if t is not anchor)
                found = _Pattern(rest, len(pattern), rule, index % len(pattern))
                if anchor is None:
                    loose.append(found)
                    continue
                by_value = anchored.setdefault(anchor[1], {})
                for value in anchor[2].anchors:
                    by_value.setdefault(value, []).append(found)
        return cls(columns, anchored, loose, rules)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        table = np.asarray(doc.to_array(self._columns), dtype=np.uint64).reshape(n, -1)
        strings = doc.vocab.strings
        hits: list[tuple[int, NDArray[np.int64]]] = []
        for column, by_value in self._anchored.items():
            order = np.argsort(table[:, column], kind="stable")
            values, first = np.unique(table[order, column], return_index=True)
            bounds = [*first.tolist(), n]
            for k, value in enumerate(values.tolist()):
                for pattern in by_value.get(value, ()):
                    _match(pattern, order[bounds[k] : bounds[k + 1]], table, strings, hits)
        everywhere = np.arange(n)
        for pattern in self._loose:
            _match(pattern, everywhere, table, strings, hits)
        if hits:
            self._apply(doc, sorted(hits, key=lambda hit: hit[0]))
        return doc

    def _apply(self, doc: Doc, hits: list[tuple[int, NDArray[np.int64]]]) -> None:
        """Set each rule's attributes on its tokens, rule by rule (a later rule wins)."""
        values = np.asarray(doc.to_array(self._set), dtype=np.uint64).reshape(len(doc), -1)
        for rule, tokens in hits:
            for k, value in self._writes[rule]:
                values[tokens, k] = value
            dep = self._deps[rule]
            if dep is not None:
                for i in tokens.tolist():
                    doc[i].dep = dep
        if self._set:
            doc.from_array(self._set, cast(Any, values))


def _anchor(tests: list[tuple[int, int, _Test]]) -> tuple[int, int, _Test] | None:
    """The test of the first token to look the pattern up by: one with a list of values,
    on a word column if there is one."""
    usable = [t for t in tests if t[0] == 0 and t[2].anchors]
    return min(usable, key=lambda t: t[2].attr not in _SELECTIVE, default=None)


def _match(
    pattern: _Pattern,
    starts: NDArray[np.int64],
    table: NDArray[np.uint64],
    strings: StringStore,
    hits: list[tuple[int, NDArray[np.int64]]],
) -> None:
    """Add (rule, tokens to change) for the pattern's matches starting at one of starts."""
    if pattern.length > 1:
        starts = starts[starts <= len(table) - pattern.length]
    for offset, column, test in pattern.tests:
        if not starts.size:
            return
        starts = starts[test.mask(table[starts + offset, column], strings)]
    if starts.size:
        hits.append((pattern.rule, starts + pattern.target))


class CachedLemmatizer:
    """spaCy's rule ``Lemmatizer``, looked up by (orth, POS, morphology) (see the module)."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self._lemmatizer = _with_index_sets(lemmatizer)
        self._lemmas: dict[tuple[int, int, int], int] = {}

    @staticmethod
    def applies_to(component: object) -> bool:
        """Whether component is a rule lemmatizer this can stand in for."""
        return bool(
            isinstance(component, Lemmatizer)
            and component.mode == "rule"
            and not component.overwrite
            and component.lemmatize == component.rule_lemmatize
        )

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        rows = cast(list[list[int]], doc.to_array([ORTH, POS, MORPH, LEMMA]).reshape(n, 4).tolist())
        lemmas, strings = self._lemmas, doc.vocab.strings
        column = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if not lemma:
                found = lemmas.get((orth, pos, morph))
                if found is None:
                    found = strings.add(self._lemmatizer.lemmatize(doc[i])[0])
                    lemmas[(orth, pos, morph)] = found
                lemma = found
            column.append(lemma)
        doc.from_array([LEMMA], cast(Any, np.asarray(column, dtype=np.uint64).reshape(n, 1)))
        return doc


def _with_index_sets(lemmatizer: Lemmatizer) -> Lemmatizer:
    """A twin of the rule lemmatizer whose word index holds sets, not lists.

    spaCy's English tables list the known words of each part of speech (57,528 nouns), and
    ``rule_lemmatize`` asks only whether a candidate form is among them: a scan of the list
    per candidate, ~75 µs a word not seen before. The other tables are shared as they are.
    """
    lookups = Lookups()
    for name in lemmatizer.lookups.tables:
        table = lemmatizer.lookups.get_table(name)
        if name == "lemma_index":
            lookups.add_table(name, {key: frozenset(words) for key, words in table.items()})
        else:
            lookups.set_table(name, table)
    twin = type(lemmatizer)(
        lemmatizer.vocab,
        lemmatizer.model,
        name=lemmatizer.name,
        mode=lemmatizer.mode,
        overwrite=lemmatizer.overwrite,
    )
    twin.initialize(lookups=lookups)
    return twin


def _table(nlp: Language, name: str, source: str) -> AttributeTable:
    ruler = nlp.get_pipe(source)
    table = AttributeTable.compile(ruler) if type(ruler) is AttributeRuler else None
    if table is None:
        raise ValueError(f"component {source!r} is not an attribute ruler kg can compile")
    return table


def _lemmatizer(nlp: Language, name: str, source: str) -> CachedLemmatizer:
    lemmatizer = nlp.get_pipe(source)
    if not CachedLemmatizer.applies_to(lemmatizer):
        raise ValueError(f"component {source!r} is not a rule lemmatizer")
    return CachedLemmatizer(cast(Lemmatizer, lemmatizer))


STAND_INS: dict[str, Any] = {"kg_attribute_table": _table, "kg_cached_lemmatizer": _lemmatizer}


def speed_up(nlp: Language) -> list[str]:
    """Replace the pipeline's attribute ruler and rule lemmatizer by the stand-ins above,
    where they apply; returns the names of the components replaced."""
    for factory, func in STAND_INS.items():
        if not Language.has_factory(factory):
            Language.factory(factory, default_config={"source": ""}, func=func)
    replaced = []
    for name in nlp.pipe_names:
        component = nlp.get_pipe(name)
        if type(component) is AttributeRuler and AttributeTable.compile(component):
            factory = "kg_attribute_table"
        elif CachedLemmatizer.applies_to(component):
            factory = "kg_cached_lemmatizer"
        else:
            continue
        nlp.add_pipe(factory, name=f"{name}:kg", after=name, config={"source": name})
        nlp.remove_pipe(name)
        nlp.rename_pipe(f"{name}:kg", name)
        replaced.append(name)
    return replaced
