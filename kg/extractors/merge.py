"""Event coreference within an article: mentions of one event get one key.

Departures (resignation, retirement) of one agent are one event. Its type is the one the
article itself states; a speaker who calls it something else ("the president said Mattis is
retiring") yields a Characterization. Other events merge by type, agent and what they affect.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from kg.model import Characterization, Event, EventType

__all__ = ["merge_events"]

_DEPARTURES = {EventType.RESIGNATION, EventType.RETIREMENT}


def _group_key(event: Event) -> str:
    if event.agent is None:
        return f"{event.type.value}|@{event.evidence.start}"
    if event.type in _DEPARTURES:
        return f"Departure|{event.agent}"
    affected = ",".join(sorted(event.affected)) or (event.affected_text or "").lower()
    return f"{event.type.value}|{event.agent}|{affected}|{event.modality.value}"


def merge_events(events: list[Event]) -> tuple[list[Event], list[Characterization]]:
    """Events with shared keys and types, and the characterizations speakers made of them."""
    groups: dict[str, list[Event]] = {}
    for event in events:
        groups.setdefault(_group_key(event), []).append(event)
    merged: list[Event] = []
    views: list[Characterization] = []
    for key, group in groups.items():
        chosen = _stated_type(group)
        time = _majority_time(group)
        for event in group:
            merged.append(
                dataclasses.replace(
                    event, key=key, type=chosen, time=event.time if _same(event, time) else None
                )
            )
            if event.claimed_by is not None and event.type is not chosen:
                views.append(Characterization(key, event.claimed_by, event.type, event.evidence))
    return merged, views


def _stated_type(group: list[Event]) -> EventType:
    """The type the article states: its own words over a speaker's, and a specific verb
    ("retire") over a loose one ("leave") whoever says it."""
    specific = [e for e in group if not e.loose] or group
    own = [e.type for e in specific if e.claimed_by is None] or [e.type for e in specific]
    counts = Counter(own)
    return max(counts, key=lambda t: (counts[t], -own.index(t)))


def _majority_time(group: list[Event]) -> str | None:
    texts = [e.time.text.lower() for e in group if e.time is not None]
    return Counter(texts).most_common(1)[0][0] if texts else None


def _same(event: Event, time: str | None) -> bool:
    return event.time is not None and event.time.text.lower() == time
