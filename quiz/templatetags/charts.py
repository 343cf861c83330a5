from django import template
from django.utils.html import format_html, format_html_join
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


@register.simple_tag
def score_bars(rows):
    """A results page's bars per topic or exam domain (title, optional weight, meter, right
    of total), written in one pass: as template tags, a blueprint's 30-odd topics were a
    fifth of the page's rendering."""
    return format_html_join(
        "\n",
        '<li><span class="topic-name">{}{}</span> <meter min="0" max="100" low="50" high="72" '
        'optimum="100" value="{}">{}%</meter> <span>{}/{} ({}%)</span></li>',
        (
            (
                row.title,
                format_html(' <span class="meta">({}% of the exam)</span>', row.weight)
                if getattr(row, "weight", None)
                else "",
                row.percent,
                row.percent,
                row.correct,
                row.total,
                row.percent,
            )
            for row in rows
        ),
    )
