from django import template
from django.utils.html import format_html_join
from django.utils.text import capfirst

register = template.Library()


@register.simple_tag
def forecast_bars(bars, bar_width):
    """The review forecast's bars, written in one pass (as template tags, 14 bars of five
    values each were most of the review page's rendering)."""
    return format_html_join(
        "\n",
        '<g><rect x="{x}" y="{y}" width="{width}" height="{height}" class="bar"><title>'
        "{title}: {count}</title></rect>\n"
        '<text x="{x}" y="{value_y}" class="bar-value">{count}</text>\n'
        '<text x="{x}" y="116" class="bar-label">{day_of_month}</text></g>',
        ({**bar, "width": bar_width, "title": capfirst(bar["name"])} for bar in bars),
    )


@register.simple_tag
def forecast_description(bars):
    """What the forecast shows, for screen readers: "today 3, tomorrow 0, Wed 4 Dec 5"."""
    return format_html_join(", ", "{} {}", ((bar["name"], bar["count"]) for bar in bars))
