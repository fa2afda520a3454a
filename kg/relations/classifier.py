"""A sparse binary logistic regression over string features, trained with AdaGrad in numpy.

One weight vector serves every relation type: the caller prefixes features with the relation
label, so the types share nothing but the optimiser. Saved as a compressed ``.npz`` holding
the feature vocabulary and the weights.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["LogisticModel", "fit_logistic"]


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """Feature vocabulary (string -> column) and one weight per column."""

    vocabulary: dict[str, int]
    weights: NDArray[np.float64]

    def _columns(self, features: Sequence[str]) -> NDArray[np.int64]:
        cols = [self.vocabulary[f] for f in features if f in self.vocabulary]
        return np.asarray(cols, dtype=np.int64)

    def probability(self, features: Sequence[str]) -> float:
        """P(label = 1 | features)."""
        score = float(self.weights[self._columns(features)].sum())
        return float(1.0 / (1.0 + np.exp(-np.clip(score, -30.0, 30.0))))

    def save(self, path: Path) -> None:
        """Write the model as a compressed ``.npz``."""
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(path, features=np.asarray(names), weights=self.weights)

    @classmethod
    def load(cls, path: Path) -> LogisticModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            names = [str(n) for n in data["features"]]
            weights = np.asarray(data["weights"], dtype=np.float64)
        return cls({n: i for i, n in enumerate(names)}, weights)


def _vocabulary(instances: Sequence[Sequence[str]], min_count: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for features in instances:
        for f in set(features):
            counts[f] = counts.get(f, 0) + 1
    kept = sorted(f for f, c in counts.items() if c >= min_count)
    return {f: i for i, f in enumerate(kept)}


def fit_logistic(
    instances: Sequence[Sequence[str]],
    labels: Sequence[int],
    epochs: int = 15,
    l2: float = 1e-4,
    seed: int = 0,
    min_count: int = 1,
) -> LogisticModel:
    """Fit by AdaGrad SGD on log loss with L2; deterministic for a given seed."""
    vocabulary = _vocabulary(instances, min_count)
    model = LogisticModel(vocabulary, np.zeros(len(vocabulary)))
    rows = [np.unique(model._columns(f)) for f in instances]
    squares = np.full(len(vocabulary), 1e-8)
    order = list(range(len(rows)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            cols = rows[i]
            score = float(np.clip(model.weights[cols].sum(), -30.0, 30.0))
            grad = 1.0 / (1.0 + np.exp(-score)) - labels[i] + l2 * model.weights[cols]
            squares[cols] += grad * grad
            model.weights[cols] -= 0.5 * grad / np.sqrt(squares[cols])
    return model
