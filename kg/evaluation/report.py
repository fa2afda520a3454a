"""Plain-text tables of an evaluation result (the dict that ``kg eval --json`` writes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["render"]

_HEADER = f"{'type':<14} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"


def _row(name: str, c: Mapping[str, float]) -> str:
    gold, pred = int(c["tp"] + c["fn"]), int(c["tp"] + c["fp"])
    return (
        f"{name:<14} {100 * c['precision']:6.1f} {100 * c['recall']:6.1f} "
        f"{100 * c['f1']:6.1f} {gold:5d} {pred:5d}"
    )


def _table(title: str, rows: Mapping[str, Mapping[str, float]], micro: Mapping[str, float]) -> str:
    lines = [title, _HEADER, *(_row(k, v) for k, v in rows.items()), _row("micro", micro)]
    return "\n".join(lines)


def _conll(part: Mapping[str, Any]) -> list[str]:
    out = []
    for system in ("model", "baseline"):
        r = part[system]
        out.append(_table(f"CoNLL04 dev, {system}: entities", r["entities"], r["entity_micro"]))
        out.append(_table(f"CoNLL04 dev, {system}: relations", r["relations"], r["relation_micro"]))
        out.append(f"{r['sentences']} sentences, {r['sentences_per_second']:.1f} sentences/s")
    return out


def _news(part: Mapping[str, Any]) -> list[str]:
    out = []
    for name in ("all", "without_demo"):
        s = part[name]
        title = f"News dev ({name.replace('_', ' ')}, {s['articles']} articles): relations"
        out.append(_table(title, s["relations"], s["micro"]))
    out.append(f"{part['sentences']} sentences, {part['sentences_per_second']:.1f} sentences/s")
    return out


def render(result: Mapping[str, Any]) -> str:
    """All tables of a result, CoNLL04 first, separated by blank lines."""
    parts: list[str] = []
    if result.get("conll04"):
        parts += _conll(result["conll04"])
    if result.get("news"):
        parts += _news(result["news"])
    return "\n\n".join(parts)
