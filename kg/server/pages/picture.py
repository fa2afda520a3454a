"""A small picture of a resource's neighbourhood: the resource in the middle, the resources it
is linked to on an ellipse around it, one spoke per link. Pure layout; the template draws it as
inline SVG, so the page needs no script to show it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kg.server.pages.describe import Statement

__all__ = ["HEIGHT", "WIDTH", "Spoke", "neighbourhood"]

WIDTH = 640
HEIGHT = 360
MAX_SPOKES = 14
_RX, _RY = 140.0, 135.0
_MAX_LABEL = 22


@dataclass(frozen=True, slots=True)
class Spoke:
    """One neighbour: where it sits, its label and link, and the predicate linking it."""

    x: float
    y: float
    label: str
    href: str | None
    predicate: str
    outgoing: bool
    anchor: str
    label_x: float
    label_y: float


def _neighbours(statements: Sequence[Statement]) -> list[Statement]:
    """Statements whose other end is a resource, one per resource, pages first."""
    seen: dict[str, Statement] = {}
    for statement in statements:
        other = statement.other
        if other.is_iri and other.value not in seen:
            seen[other.value] = statement
    ranked = sorted(seen.values(), key=lambda s: (s.other.href is None, not s.outgoing))
    return ranked[:MAX_SPOKES]


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1].rstrip() + "…"


def _label_offset(anchor: str, dy: float) -> tuple[float, float]:
    """Labels sit beside side nodes, above the top node and below the bottom one."""
    if anchor == "start":
        return 11.0, 4.0
    if anchor == "end":
        return -11.0, 4.0
    return 0.0, (21.0 if dy > 0 else -12.0)


def neighbourhood(statements: Sequence[Statement]) -> list[Spoke]:
    """Spokes for up to MAX_SPOKES linked resources, evenly spaced clockwise from the top."""
    chosen = _neighbours(statements)
    spokes = []
    for index, statement in enumerate(chosen):
        angle = 2 * math.pi * index / len(chosen) - math.pi / 2
        dx, dy = math.cos(angle), math.sin(angle)
        anchor = "middle" if abs(dx) < 0.3 else ("start" if dx > 0 else "end")
        x, y = round(WIDTH / 2 + _RX * dx, 1), round(HEIGHT / 2 + _RY * dy, 1)
        shift_x, shift_y = _label_offset(anchor, dy)
        spokes.append(
            Spoke(
                x=x,
                y=y,
                label=_clip(statement.other.text),
                href=statement.other.href,
                predicate=statement.predicate.text,
                outgoing=statement.outgoing,
                anchor=anchor,
                label_x=round(x + shift_x, 1),
                label_y=round(y + shift_y, 1),
            )
        )
    return spokes
