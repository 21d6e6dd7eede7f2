"""The values of the method placeholders: the time of day of a workshop and the backcasting years."""

import pytest

from toolkit.kit.wording import backcasting_years, period_of_day


@pytest.mark.parametrize(("start", "end", "period"), [
    ("09:00", "12:30", "morning"),
    ("08:30", "13:00", "morning"),
    ("14:00", "17:30", "afternoon"),
    ("13:30", "18:00", "afternoon"),
    ("09:00", "17:00", "day"),
    ("10:00", "15:30", "day"),
    ("18:30", "21:00", "evening"),
])
def test_the_period_of_day(start: str, end: str, period: str):
    assert period_of_day(start, end) == period


@pytest.mark.parametrize(("today", "horizon", "years"), [
    (2026, 2040, [2037, 2033, 2030]),
    (2026, 2035, [2033, 2031, 2028]),
    (2026, 2030, [2029, 2027]),
    (2026, 2028, [2027]),
    (2026, 2027, []),
    (2026, 2026, []),
    (2030, 2026, []),  # a horizon already past: no year to print
])
def test_the_backcasting_years(today: int, horizon: int, years: list[int]):
    assert backcasting_years(today, horizon) == years


@pytest.mark.parametrize("today", [2000, 2026, 2099])
@pytest.mark.parametrize("span", range(0, 80))
def test_the_backcasting_years_lie_strictly_between_and_go_back_in_time(today: int, span: int):
    years = backcasting_years(today, today + span)
    assert all(today < year < today + span for year in years)
    assert years == sorted(set(years), reverse=True)
    assert len(years) == (3 if span >= 8 else min(2, max(span - 1, 0)))


def test_a_citation_links_only_to_a_source_the_document_lists():
    from toolkit.kit.render import _unlink_absent_sources

    listed = '<p><a class="citation" href="#source-a">(A, 2024)</a></p><li id="source-a">A</li>'
    assert _unlink_absent_sources(listed) == listed
    card = '<p><a class="citation" href="#source-b">(B, 2023)</a> et <a href="#autre">lien</a></p>'
    assert _unlink_absent_sources(card) == '<p><span class="citation">(B, 2023)</span> et <a href="#autre">lien</a></p>'
