"""The words a kit puts in the methods' placeholders, per study and workshop, and the backcasting years.

`toolkit.study.wording` names the placeholders and replaces them; this module works out their
values: the horizon, the time of day of a workshop (`{period}`), and the study's domain words
(`study.yaml` `audience:`, else neutral words from the catalogue). Pure functions, unit tested.
"""

from __future__ import annotations

from toolkit.kit.i18n import N_
from toolkit.study.model import clock_minutes

NOON = 12 * 60
EARLY_AFTERNOON = 14 * 60
EVENING = 17 * 60

# the time of day a session covers -> how a method text names it (msgids, translated per edition)
PERIODS = {
    "morning": N_("the morning"),
    "afternoon": N_("the afternoon"),
    "day": N_("the day"),
    "evening": N_("the evening"),
}
NO_PERIOD = N_("the workshop")  # outside a workshop: the study guide

# the study's domain words when study.yaml does not give them
AUDIENCE_DEFAULTS = {
    "field": N_("the professions studied"),
    "people": N_("the people concerned"),
    "professionals": N_("the professionals"),
}

MAX_MILESTONES = 3


def period_of_day(start: str, end: str) -> str:
    """`morning`, `afternoon`, `day` or `evening`: the part of the day a session from `start` to `end` covers.

    A session that starts before noon is a morning if it is over by 14:00, else a day; one that
    starts from noon on is an afternoon, and from 17:00 on an evening.
    """
    begins, ends = clock_minutes(start), clock_minutes(end)
    if begins >= EVENING:
        return "evening"
    if begins >= NOON:
        return "afternoon"
    return "morning" if ends <= EARLY_AFTERNOON else "day"


def backcasting_years(today: int, horizon: int) -> list[int]:
    """The milestone years of a backcasting worksheet, from the horizon back towards `today`.

    Years strictly between `today` (the workshop's year) and the horizon, about evenly spaced:
    three when there are seven years or more in between, else fewer; none when the horizon is
    next year or past. The worksheet adds « within six months » after them.
    """
    between = horizon - today - 1
    if between < 1:
        return []
    count = MAX_MILESTONES if between >= 7 else min(2, between)
    gap = horizon - today
    years = {today + int(step * gap / (count + 1) + 0.5) for step in range(1, count + 1)}
    return sorted((year for year in years if today < year < horizon), reverse=True)
