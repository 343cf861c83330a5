from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from quiz.charts import day_month

register = template.Library()


def _level(count: int) -> int:
    return 0 if count == 0 else 1 if count < 5 else 2 if count < 15 else 3


@register.simple_tag
def activity_days(activity):
    """The dashboard's 30 day squares, written in one pass: as template tags, 30 items of
    dates, plurals and levels were a third of the page's rendering time. Counts and levels
    are numbers; the date is escaped."""
    squares = []
    for day, count in activity:
        when = escape(day_month(day))
        plural = "" if count == 1 else "s"
        squares.append(
            f'<li title="{when}: {int(count)} answer{plural}" class="level-{_level(count)}">'
            f'<span class="visually-hidden">{when}: {int(count)}</span></li>'
        )
    return mark_safe("\n".join(squares))  # built above from escaped parts and numbers
