"""Text as people type it, cleaned the same way wherever it comes in: comments, forms and
imported files. Pure functions, no database."""

import re
import unicodedata

# C0 and C1 control characters but tab and line breaks: NUL truncates strings in C code
# (and PostgreSQL refuses it in text), the others are invisible and only ever mischief.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that draw nothing though they are not "space" or "format" to Unicode.
_BLANK_GLYPHS = {"\u2800", "\u3164", "\uffa0", "\u115f", "\u1160", "\u034f"}
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}


def clean_text(text: str) -> str:
    """The text without control characters, with Windows and old Mac line ends as \\n."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def has_visible_text(text: str) -> bool:
    """Whether a reader would see anything: not only spaces, zero-width, format or other
    invisible characters."""
    return any(
        not ch.isspace()
        and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        and ch not in _BLANK_GLYPHS
        for ch in text
    )
