"""Markdown rendering for everything editors and learners write: render, then sanitize.

Sanitizing happens after rendering so that raw HTML inside markdown, and HTML the
markdown itself produces, go through the same allow-list.
"""

import html
import re
import threading
from datetime import date
from functools import lru_cache

import markdown
import nh3

_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "toc", "sane_lists"]
_EXTENSION_CONFIGS = {
    # Without use_align_attribute, alignment is emitted as `style`, which nh3 strips.
    "tables": {"use_align_attribute": True},
    "toc": {"permalink": False},
}

# data: URLs only as raster images in <img src> (images imported with a question are kept
# in its text, see content.interchange.media); any other data: URL (a link to data:text/html,
# an SVG that can run script) loses its attribute. URLs are compared as browsers read them:
# white space and control characters inside the scheme do not count.
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}")
_URL_NOISE = re.compile(r"[\x00-\x20]+")


def _data_urls_only_for_images(element: str, attribute: str, value: str) -> str | None:
    if ":" not in value:
        return value
    compact = _URL_NOISE.sub("", value)
    if compact[:5].lower() != "data:":
        return value
    if element == "img" and attribute == "src" and _DATA_IMAGE.fullmatch(compact):
        return compact
    return None


_CLEANER = nh3.Cleaner(
    attributes={**nh3.ALLOWED_ATTRIBUTES, "*": {"id", "class", "title"}},
    url_schemes={"http", "https", "mailto", "data"},
    attribute_filter=_data_urls_only_for_images,
    link_rel="noopener noreferrer nofollow",
)


def render_markdown(source: str, *, hard_breaks: bool = False) -> str:
    """Markdown source -> sanitized HTML, safe to mark_safe in templates.

    hard_breaks keeps single line breaks (comments are written like e-mail, not like docs).
    """
    if not source or not source.strip():
        return ""
    if len(source) <= _CACHED_UP_TO:
        return _render_cached(source, hard_breaks)
    return _render(source, hard_breaks)


# One line that starts with a letter and has nothing markdown gives a meaning to: it can
# only be a paragraph of itself (no list, heading or code block starts with a letter). Most
# answer choices read like this, and this saves running the whole markdown pipeline on them.
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ,.;:!?'\"()/%+=@$-]*[A-Za-z0-9,.;:!?'\"()/%+=@$-])?")


def _render(source: str, hard_breaks: bool) -> str:
    if _PLAIN.fullmatch(source):
        html = f"<p>{source}</p>"
    elif _too_complex(source):
        html = _as_plain_text(source, hard_breaks)
    else:
        html = _converter(hard_breaks).reset().convert(source)
    return _CLEANER.clean(html)


# What makes Python-Markdown slow or deep, bounded so that the worst text of the longest
# comment renders in milliseconds: its link patterns rescan the rest of a paragraph for
# every "[" (5,000 of them took 5 s), and nested lists and quotes recurse once per level
# ("1. 1. 1. ..." on one line overflowed the stack). Text past these bounds is shown as
# plain text, with its line breaks; nothing a reader or an editor writes comes near them.
MAX_BRACKETS = 200
MAX_NESTING = 12
_MARKER = r"(?:(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)|>)"
_NESTING = re.compile(rf"^(?:[ \t]*{_MARKER})+", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]*", re.MULTILINE)


def _too_complex(source: str) -> bool:
    if source.count("[") > MAX_BRACKETS or source.count("(") > 4 * MAX_BRACKETS:
        return True
    for match in _NESTING.finditer(source):
        markers = len(re.findall(_MARKER, match.group()))
        if markers > MAX_NESTING:
            return True
    return any(len(indent.expandtabs(4)) > 4 * MAX_NESTING for indent in _INDENT.findall(source))


def _as_plain_text(source: str, hard_breaks: bool) -> str:
    """Paragraphs of escaped text: linear time and no recursion, whatever the input."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", source) if p.strip()]
    joiner = "<br>\n" if hard_breaks else "\n"
    return "\n".join(
        f"<p>{joiner.join(html.escape(line) for line in paragraph.split(chr(10)))}</p>"
        for paragraph in paragraphs
    )


# Imports repeat short texts ("True", "Correct.") thousands of times, and rendering is pure.
# Only short ones are kept, so that the cache stays small in every process.
_CACHED_UP_TO = 1000
_render_cached = lru_cache(maxsize=2048)(_render)


_converters = threading.local()


def _converter(hard_breaks: bool) -> markdown.Markdown:
    """This thread's Markdown instance: building one costs more than a render, and one keeps
    per-document state (footnotes, table of contents), so threads must not share it."""
    name = "hard_breaks" if hard_breaks else "default"
    converter = getattr(_converters, name, None)
    if converter is None:
        extensions = [*_EXTENSIONS, "nl2br"] if hard_breaks else _EXTENSIONS
        converter = markdown.Markdown(
            extensions=extensions, extension_configs=_EXTENSION_CONFIGS, output_format="html"
        )
        setattr(_converters, name, converter)
    return converter


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_YEAR = re.compile(
    r"\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+((?:19|20)\d\d)\b"
)
_HEADING_DATE = re.compile(r"\s*\(\s*" + _MONTH_YEAR.pattern[2:-2] + r"\s*\)\s*$")


def find_month_date(text: str) -> date | None:
    """The first "Oct 2024" / "June 2023" in text, as the first day of that month."""
    match = _MONTH_YEAR.search(text)
    if not match:
        return None
    return date(int(match.group(2)), _MONTHS[match.group(1)[:3].lower()], 1)


def strip_heading_date(heading: str) -> str:
    """'Security Group VPC Associations (Oct 2024)' -> 'Security Group VPC Associations'."""
    return re.sub(r"\s*\([^()]*\b(?:19|20)\d\d\)\s*$", "", heading).strip()


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def dated_list_items(source: str) -> list[tuple[date, str]]:
    """(date, text) for every list item whose first line names a month and year."""
    items = []
    in_fence = False
    for line in source.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _LIST_ITEM.match(line)
        if match:
            found = find_month_date(match.group(1))
            if found:
                items.append((found, match.group(1)))
    return items
