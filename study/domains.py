"""Rules of a certification's exam domains, on plain values: the one check of their weights
that the content files and the admin both apply, and their order in reports."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

NO_DOMAIN = "No exam domain"


def weights_problem(weights: Sequence[int]) -> str | None:
    """What is wrong with a certification's domain weights (percent), or None: an exam
    guide's add up to 100."""
    total = sum(weights)
    if weights and total != 100:
        return f"the domains' weights add up to {total}, not 100"
    return None


def grouped_by_domain(
    entries: Iterable[tuple[Any, Any]],
    start: Callable[[str, int | None], Any],
    add: Callable[[Any, Any], None],
) -> list:
    """(domain or None, value) entries summed into one row per exam domain: start(name,
    weight) makes a row, add(row, value) counts a value in. Rows in the exam guide's order,
    the entries of no domain last; [] when no entry has a domain (nothing to report)."""
    rows: dict[Any, Any] = {}
    order: dict[Any, tuple] = {}
    for domain, value in entries:
        key = domain.pk if domain else None
        if key not in rows:
            rows[key] = start(domain.name, domain.weight) if domain else start(NO_DOMAIN, None)
            order[key] = (0, domain.position, domain.name) if domain else (1, 0, "")
        add(rows[key], value)
    if set(rows) <= {None}:
        return []
    return [rows[key] for key in sorted(rows, key=order.__getitem__)]
