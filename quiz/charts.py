"""Geometry of the small SVG charts the pages draw (the review forecast, the trend of mock
exam scores): plain numbers for the templates, so views only pass data along."""

from collections.abc import Sequence
from datetime import date
from functools import cache

from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import get_language

FORECAST_BAR_WIDTH = 24
_BAR_GAP = 4


def day_month(day: date) -> str:
    """As the "j M" date format writes it (3 Dec), without building a formatter per day:
    the charts write dozens."""
    return f"{day.day} {_month_abbr(get_language(), day.month)}"


@cache
def _weekday_abbr(language: str | None, weekday: int) -> str:
    return str(WEEKDAYS_ABBR[weekday])


@cache
def _month_abbr(language: str | None, month: int) -> str:
    """The month's short name in the language (translated once, not per date written)."""
    return str(MONTHS_3[month]).title()


def _short_date(day: date) -> str:
    """As the "D j M" date format writes it: Wed 3 Dec."""
    return f"{_weekday_abbr(get_language(), day.weekday())} {day_month(day)}"


def forecast_chart(days: Sequence[tuple[date, int]]) -> dict:
    """Bars of reviews due per day, 100 units tall at the busiest day."""
    tallest = max([n for _day, n in days] + [1])
    bars = [
        {
            "day": day,
            # Named here, not by date filters per bar: "today", "tomorrow", then "Wed 3 Dec".
            "name": ("today", "tomorrow")[i] if i < 2 else _short_date(day),
            "day_of_month": day.day,
            "count": n,
            "x": i * (FORECAST_BAR_WIDTH + _BAR_GAP),
            "height": round(100 * n / tallest),
            "y": 100 - round(100 * n / tallest),
            "value_y": 97 - round(100 * n / tallest),
        }
        for i, (day, n) in enumerate(days)
    ]
    return {
        "bars": bars,
        "chart_width": len(bars) * (FORECAST_BAR_WIDTH + _BAR_GAP),
        "bar_width": FORECAST_BAR_WIDTH,
    }


def score_trend(attempts: Sequence, *, current_pk: int, passing_score: int) -> dict:
    """Points of a learner's scores on one exam, oldest first, and the pass mark's line."""
    top = max([a.score or 0 for a in attempts] + [1])
    trend = [
        {
            "x": 20 + i * 40,
            "y": 110 - round(100 * (a.score or 0) / top),
            "score": a.score,
            "current": a.pk == current_pk,
            "when": a.finished_at,
        }
        for i, a in enumerate(attempts)
    ]
    return {
        "trend": trend,
        "trend_points": " ".join(f"{p['x']},{p['y']}" for p in trend),
        "trend_width": 40 + 40 * max(len(trend) - 1, 1),
        "pass_y": 110 - round(100 * passing_score / top),
    }
