"""A bagged sparse logistic regression over string features, trained with AdaGrad in numpy.

One model serves every relation type: the caller prefixes features with the relation label,
so the types share nothing but the optimiser. Each bag member is fitted on a bootstrap sample
of the training instances; the probability is the members' mean. Saved as a compressed
``.npz`` holding the feature vocabulary and a (features x members) weight matrix.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["LogisticModel", "fit_logistic"]


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """Feature vocabulary (string -> row) and one weight column per bag member.

    ``prefixed`` indexes the features named ``prefix:rest`` by prefix, then by rest, so callers
    that prefix features with a label can look them up without building the strings.
    """

    vocabulary: dict[str, int]
    weights: NDArray[np.float32]
    prefixed: dict[str, dict[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefixed", _by_prefix(self.vocabulary))

    def columns(self, features: Sequence[str], prefix: str | None = None) -> NDArray[np.int64]:
        """Rows of the known features, each once; with ``prefix``, of ``prefix:feature``."""
        get = (self.vocabulary if prefix is None else self.prefixed.get(prefix, {})).get
        rows = {r for r in map(get, features) if r is not None}
        return np.asarray(sorted(rows), dtype=np.int64)

    def probability(self, features: Sequence[str]) -> float:
        """P(label = 1 | features), averaged over the bag."""
        scores = self.weights[self.columns(features)].sum(axis=0, dtype=np.float64)
        return float(np.mean(1.0 / (1.0 + np.exp(-np.clip(scores, -30.0, 30.0)))))

    def probabilities(self, instances: Sequence[Sequence[str]]) -> list[float]:
        """:meth:`probability` of each instance, computed in one pass over the weights."""
        return self.probabilities_of_rows([self.columns(features) for features in instances])

    def probabilities_of_rows(self, columns: Sequence[NDArray[np.int64]]) -> list[float]:
        """:meth:`probabilities` of instances given by their :meth:`columns`.

        Each instance's weights are summed over its rows in row order, in float64, as
        :meth:`probability` sums them; then the sigmoids of all instances in one pass.
        """
        if not columns:
            return []
        weights = self.weights
        sums = np.stack([weights[c].sum(axis=0, dtype=np.float64) for c in columns])
        probs = 1.0 / (1.0 + np.exp(-np.clip(sums, -30.0, 30.0)))
        return [float(p) for p in probs.mean(axis=1)]

    def save(self, path: Path) -> None:
        """Write the model as a compressed ``.npz``."""
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(path, features=np.asarray(names), weights=self.weights)

    @classmethod
    def load(cls, path: Path) -> LogisticModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            names = [str(n) for n in data["features"]]
            weights = np.asarray(data["weights"], dtype=np.float32)
        return cls({n: i for i, n in enumerate(names)}, weights)


def _by_prefix(vocabulary: dict[str, int]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for name, row in vocabulary.items():
        prefix, colon, rest = name.partition(":")
        if colon:
            found.setdefault(prefix, {})[rest] = row
    return found


def _fit_member(
    rows: Sequence[NDArray[np.int64]],
    labels: Sequence[int],
    size: int,
    epochs: int,
    l2: float,
    rng: random.Random,
) -> NDArray[np.float64]:
    """AdaGrad SGD on L2-regularised log loss over the given instances (with repeats)."""
    weights, squares = np.zeros(size), np.full(size, 1e-8)
    order = list(range(len(rows)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            cols = rows[i]
            score = float(np.clip(weights[cols].sum(), -30.0, 30.0))
            grad = 1.0 / (1.0 + np.exp(-score)) - labels[i] + l2 * weights[cols]
            squares[cols] += grad * grad
            weights[cols] -= 0.5 * grad / np.sqrt(squares[cols])
    return weights


def fit_logistic(
    instances: Sequence[Sequence[str]],
    labels: Sequence[int],
    epochs: int = 10,
    l2: float = 3e-3,
    members: int = 15,
    seed: int = 0,
) -> LogisticModel:
    """Fit a bag of ``members`` models on bootstrap samples; deterministic for a seed."""
    names = sorted({f for features in instances for f in features})
    weights = np.zeros((len(names), members), dtype=np.float32)
    model = LogisticModel({f: i for i, f in enumerate(names)}, weights)
    rows = [model.columns(features) for features in instances]
    rng = random.Random(seed)
    for k in range(members):
        sample = [rng.randrange(len(rows)) for _ in rows] if members > 1 else range(len(rows))
        member = _fit_member(
            [rows[i] for i in sample], [labels[i] for i in sample], len(names), epochs, l2, rng
        )
        weights[:, k] = member
    return model
