from django import template

register = template.Library()


@register.filter
def chance(probability: float | None) -> str:
    """A probability as a percentage that never claims certainty: "over 99%", "under 1%"."""
    if probability is None:
        return "–"
    if probability >= 0.995:
        return "over 99%"
    if probability < 0.005:
        return "under 1%"
    return f"{round(100 * probability)}%"
