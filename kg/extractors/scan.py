"""The few tokens of a Doc worth a closer look, found without building a Token for every word.

``doc[i]`` and iterating a Doc create a Python ``Token`` for each word, which costs more than
most tests a component makes of it. A component that looks for rare words (a reason marker, a
quotation mark, a pronoun, a number) first takes the positions whose attribute is one of those
words from the Doc's attribute arrays (``Doc.to_array``), then looks only at the tokens there.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np
from spacy.strings import get_string_id
from spacy.tokens import Doc

__all__ = ["flagged", "positions"]


def positions(
    doc: Doc, attr: int, values: Iterable[str], where: tuple[int, int] | None = None
) -> list[int]:
    """Indices, ascending, of the tokens whose attribute ``attr`` (a ``spacy.attrs`` id such as
    ``LOWER``, ``ORTH``, ``LEMMA``, ``DEP`` or ``POS``) is one of ``values``; given ``where``,
    only among those whose attribute ``where[0]`` (such as ``POS`` or ``IS_ALPHA``) is
    ``where[1]``. Ids are confirmed by their strings, so a hash collision matches nothing."""
    words = frozenset(values)
    ids = _string_ids(words)
    if where is None:
        column = doc.to_array(attr).tolist()
        rows: Iterable[int] = range(len(column))
    else:
        table = doc.to_array([where[0], attr])
        found = np.flatnonzero(table[:, 0] == where[1])
        rows, column = found.tolist(), table[found, 1].tolist()
    strings = doc.vocab.strings
    return [i for i, v in zip(rows, column, strict=True) if v in ids and strings[v] in words]


def flagged(doc: Doc, attr: int) -> list[int]:
    """Indices, ascending, of the tokens with the boolean attribute ``attr`` set (``LIKE_NUM``)."""
    return np.flatnonzero(doc.to_array(attr)).tolist()


@cache
def _string_ids(words: frozenset[str]) -> frozenset[int]:
    """The ids spaCy stores the words under (as ``Doc.to_array`` gives them)."""
    return frozenset(get_string_id(word) for word in words)
