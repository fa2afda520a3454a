"""Temporal expressions normalised to ISO 8601, relative to the article's publication date.

"the end of February" → the last day of the February nearest the publication date;
"late Thursday" → that Thursday before publication; "3 March 2024" → 2024-03-03. Durations
("the past two years") and anything relative without a publication date keep only their text.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

__all__ = ["normalise_time"]

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_PART_OF_MONTH = re.compile(
    r"^(?:the\s+)?(end|beginning|start|middle|mid|late|early)(?:\s+of\s+|-|\s+)(?P<month>[a-z]+)"
    r"(?:\s+(?P<year>\d{4}))?$"
)
_PART_OF_YEAR = re.compile(
    r"^(?:the\s+)?(end|beginning|start|middle|mid|late|early)(?:\s+of|-)?\s+(?:the|this)\s+year$"
)
_DURATION = re.compile(
    r"\b(past|last|next|coming)\s+(\w+\s+)?(years|months|weeks|days|decades)\b"
    r"|\b(decades?|years|months|weeks|days)\b"
)
_FUZZY_PREFIX = re.compile(r"^(?:late|early|mid|on|at|by|from|until|this|the)\s+")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def normalise_time(text: str, published: date | None) -> str | None:
    """ISO 8601 date (or year, or year-month) for text; None for a duration or when it cannot
    be anchored."""
    cleaned = " ".join(text.lower().replace(",", " ").split())
    if _DURATION.search(cleaned) and not _YEAR.search(cleaned) and "ago" not in cleaned:
        return None
    year_part = _PART_OF_YEAR.match(cleaned)
    if year_part is not None:
        return _part_of_year(year_part.group(1), published)
    part = _PART_OF_MONTH.match(cleaned)
    if part is not None and part.group("month") in _MONTHS:
        return _part_of_month(part, published)
    if published is None and not _YEAR.search(cleaned):
        return None
    return _dateparser(_strip_fuzzy(cleaned), published)


def _strip_fuzzy(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _FUZZY_PREFIX.sub("", text)
    return text


def _part_of_month(match: re.Match[str], published: date | None) -> str | None:
    month = _MONTHS[match.group("month")]
    if match.group("year"):
        year = int(match.group("year"))
    elif published is not None:
        year = _nearest_year(month, published)
    else:
        return None
    which = match.group(1)
    if which in ("end", "late"):
        day = calendar.monthrange(year, month)[1]
    elif which in ("middle", "mid"):
        day = 15
    else:
        day = 1
    return date(year, month, day).isoformat()


def _part_of_year(which: str, published: date | None) -> str | None:
    if published is None:
        return None
    if which in ("end", "late"):
        return date(published.year, 12, 31).isoformat()
    if which in ("middle", "mid"):
        return date(published.year, 7, 1).isoformat()
    return date(published.year, 1, 1).isoformat()


def _nearest_year(month: int, published: date) -> int:
    delta = month - published.month
    if delta < -6:
        return published.year + 1
    if delta > 6:
        return published.year - 1
    return published.year


def _dateparser(text: str, published: date | None) -> str | None:
    """dateparser's reading, at the precision the text has: "1963" is a year, "July" a month
    (xsd:gYear, xsd:gYearMonth), anything finer a day."""
    data = _parser(published).get_date_data(text)
    if data.date_obj is None:
        return None
    day: date = data.date_obj.date()
    if data.period == "year":
        return f"{day.year:04d}"
    if data.period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


@lru_cache(maxsize=64)
def _parser(published: date | None) -> Any:
    """A dateparser parser anchored at the publication date. Building one loads dateparser's
    language data (about 0.1 s), so parsers are kept per reference date."""
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if published is not None:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    return DateDataParser(languages=["en"], settings=settings)
