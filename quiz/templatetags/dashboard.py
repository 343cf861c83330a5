from django import template
from django.utils.html import format_html_join

from quiz.charts import day_month

register = template.Library()


def _level(count: int) -> int:
    return 0 if count == 0 else 1 if count < 5 else 2 if count < 15 else 3


@register.simple_tag
def activity_days(activity):
    """The dashboard's 30 day squares, written in one pass: as template tags, 30 items of
    dates, plurals and levels were a third of the page's rendering time."""
    return format_html_join(
        "\n",
        '<li title="{0}: {1} answer{2}" class="level-{3}"><span class="visually-hidden">'
        "{0}: {1}</span></li>",
        (
            (
                day_month(day),
                count,
                "" if count == 1 else "s",
                _level(count),
            )
            for day, count in activity
        ),
    )
