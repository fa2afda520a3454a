"""Publication dates given as ISO 8601 strings (JSON Lines, HTML metadata)."""

from __future__ import annotations

from datetime import date, datetime

from kg.errors import InputError
from kg.ingest.checks import brief_repr

__all__ = ["parse_published"]


def parse_published(value: object, origin: str) -> date | None:
    """The date part of an ISO 8601 date or date-time; None when absent.

    Raises:
        InputError: the value is present but not an ISO 8601 date.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(
            f"{origin}: 'published' must be an ISO 8601 string, got {brief_repr(value)}"
        )
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise InputError(
            f"{origin}: 'published' is not an ISO 8601 date: {brief_repr(value)}"
        ) from exc
