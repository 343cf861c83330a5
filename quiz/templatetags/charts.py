"""The charts' repeated parts written in one pass of f-strings: as template tags, or with
format_html per item (which escapes and marks every value), they were most of the review
and results pages' rendering. Texts are escaped; the rest are numbers the code computed."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()


def _number(value) -> str:
    """A computed number as the page writes it; anything else is refused, not written."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a chart number, not {value!r}")
    return str(value)


@register.simple_tag
def forecast_bars(bars, bar_width):
    """The review forecast's bars."""
    width = _number(bar_width)
    parts = []
    for bar in bars:
        x, count = _number(bar["x"]), _number(bar["count"])
        parts.append(
            f'<g><rect x="{x}" y="{_number(bar["y"])}" width="{width}" '
            f'height="{_number(bar["height"])}" class="bar"><title>'
            f"{escape(capfirst(bar['name']))}: {count}</title></rect>\n"
            f'<text x="{x}" y="{_number(bar["value_y"])}" class="bar-value">{count}</text>\n'
            f'<text x="{x}" y="116" class="bar-label">{_number(bar["day_of_month"])}</text></g>'
        )
    return mark_safe("\n".join(parts))  # escaped texts and numbers


@register.simple_tag
def forecast_description(bars):
    """What the forecast shows, for screen readers: "today 3, tomorrow 0, Wed 4 Dec 5"."""
    return mark_safe(  # escaped names and numbers
        ", ".join(f"{escape(bar['name'])} {_number(bar['count'])}" for bar in bars)
    )


@register.simple_tag
def score_bars(rows):
    """A results page's bars per topic or exam domain (title, optional weight, meter, right
    of total)."""
    parts = []
    for row in rows:
        weight = getattr(row, "weight", None)
        share = f' <span class="meta">({escape(weight)}% of the exam)</span>' if weight else ""
        percent = _number(row.percent)
        parts.append(
            f'<li><span class="topic-name">{escape(row.title)}{share}</span> <meter min="0" '
            f'max="100" low="50" high="72" optimum="100" value="{percent}">{percent}%</meter> '
            f"<span>{_number(row.correct)}/{_number(row.total)} ({percent}%)</span></li>"
        )
    return mark_safe("\n".join(parts))  # escaped texts and numbers
