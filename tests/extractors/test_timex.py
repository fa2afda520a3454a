"""normalise_time: temporal expressions to ISO 8601 relative to the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extractors.timex import normalise_time

PUBLISHED = date(2024, 3, 14)  # a Thursday

CASES = [
    pytest.param("the end of February", "2024-02-29", id="end-of-month-leap-year"),
    pytest.param("the end of December", "2023-12-31", id="end-of-month-previous-year"),
    pytest.param("early April", "2024-04-01", id="early-month"),
    pytest.param("mid-June", "2024-06-15", id="mid-month"),
    pytest.param("the end of the year", "2024-12-31", id="end-of-year"),
    pytest.param("the beginning of May 2025", "2025-05-01", id="explicit-year"),
    pytest.param("3 March 2024", "2024-03-03", id="day-month-year"),
    pytest.param("July 4, 2022", "2022-07-04", id="month-day-year"),
    pytest.param("late Tuesday", "2024-03-12", id="late-weekday"),
    pytest.param("Monday", "2024-03-11", id="weekday"),
    pytest.param("yesterday", "2024-03-13", id="yesterday"),
    pytest.param("two days ago", "2024-03-12", id="days-ago"),
    pytest.param("the past two years", None, id="duration-years"),
    pytest.param("45 days", None, id="duration-days"),
    pytest.param("decades", None, id="bare-duration"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_timex_relative_to_publication(text: str, expected: str | None) -> None:
    assert normalise_time(text, PUBLISHED) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Friday", None, id="weekday"),
        pytest.param("the end of February", None, id="part-of-month"),
        pytest.param("the end of the year", None, id="part-of-year"),
        pytest.param("12 May 2019", "2019-05-12", id="absolute"),
    ],
)
def test_timex_without_publication_date(text: str, expected: str | None) -> None:
    assert normalise_time(text, None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1963", "1963", id="bare-year-is-a-year"),
        pytest.param("July 2023", "2023-07", id="month-and-year-is-a-month"),
        pytest.param("in 2019", "2019", id="in-year"),
    ],
)
def test_timex_keeps_the_precision_of_the_text(text: str, expected: str) -> None:
    assert normalise_time(text, None) == expected
