"""The study plan as a table a learner can read: each day for the first two weeks, then one
row per calendar week (Monday to Sunday) up to the exam.

An exam may be up to three years ahead (the profile's bound), so a row per day would be a
thousand rows; past the first DAILY_DAYS days only the week's totals matter for planning.
The first and last weeks may be partial (the plan starts and ends on any weekday): each row
says which dates it covers. Pure: plain values in, plain values out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

DAILY_DAYS = 14  # the first days, shown one by one


@dataclass(frozen=True)
class PlanRow:
    """One row of the plan: a day or a week (first to last day, both included)."""

    first: date
    last: date
    new: int  # new questions to learn
    reviews: int  # expected reviews
    plan_year: int  # the year the plan starts in: other years are written out

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    @property
    def label(self) -> str:
        """'Mon 2 Mar' for a day; '16–22 Mar', '30 Mar – 5 Apr' or '28 Dec 2026 – 3 Jan
        2027' for a week; the year is written when it is not the plan's first year."""
        first, last = self.first, self.last
        if self.is_day:
            return f"{first:%a} {first.day} {first:%b}{self._year(last)}"
        if first.year != last.year:
            return f"{first.day} {first:%b} {first.year} – {last.day} {last:%b} {last.year}"
        if first.month != last.month:
            return f"{first.day} {first:%b} – {last.day} {last:%b}{self._year(last)}"
        return f"{first.day}–{last.day} {last:%b}{self._year(last)}"

    def _year(self, day: date) -> str:
        return "" if day.year == self.plan_year else f" {day.year}"


def plan_rows(
    *,
    new_by_day: Sequence[int],
    reviews_by_day: Sequence[int],
    exam_date: date,
    daily_days: int = DAILY_DAYS,
) -> list[PlanRow]:
    """The plan's days (the days before exam_date, the last one the day before it) as rows:
    the first `daily_days` one by one, then summed by calendar week (Monday to Sunday)."""
    if len(new_by_day) != len(reviews_by_day):
        raise ValueError(
            f"{len(new_by_day)} days of new questions but {len(reviews_by_day)} of reviews"
        )
    if daily_days < 0:
        raise ValueError(f"daily_days cannot be negative ({daily_days})")
    start = exam_date - timedelta(days=len(new_by_day))
    days = [
        (start + timedelta(days=offset), new, reviews)
        for offset, (new, reviews) in enumerate(zip(new_by_day, reviews_by_day, strict=True))
    ]
    rows = [PlanRow(day, day, new, reviews, start.year) for day, new, reviews in days[:daily_days]]
    for _monday, week in groupby(days[daily_days:], key=lambda d: d[0] - timedelta(d[0].weekday())):
        week = list(week)
        rows.append(
            PlanRow(
                first=week[0][0],
                last=week[-1][0],
                new=sum(new for _day, new, _reviews in week),
                reviews=sum(reviews for _day, _new, reviews in week),
                plan_year=start.year,
            )
        )
    return rows
