"""Choice references: text about a question that names one of its choices by identity.

Choices are shuffled per learner, so a letter written into an explanation ("D was correct")
is wrong on most screens. Question texts name a choice as ``[[D]]`` instead, D being the
choice's stable label; every screen and every export writes the letter that choice has
*there*. Pure functions, no database:

- ``render`` turns question markdown into sanitized HTML with each reference marked, showing
  the label until a screen relabels it;
- ``relabel_html`` / ``relabel_text`` write the letters of one choice order;
- ``bare_letters`` finds letters used as references without the brackets (what the
  validator refuses in a shuffled question), and ``bracket_bare_letters`` converts them
  (what importing a file written with fixed letters does).
"""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from study.markdown import render_markdown

REFERENCE = re.compile(r"\[\[([A-Z])\]\]")
_MARKED = re.compile(r'<span class="choice-ref" data-choice="([A-Z])">[A-Z]</span>')
_TAG = re.compile(r"(<[^>]*>)")


def labels_in(text: str) -> list[str]:
    """The labels text refers to, in order of appearance, each once."""
    return list(dict.fromkeys(REFERENCE.findall(text or "")))


def render(source: str) -> str:
    """Question markdown -> sanitized HTML whose references are marked for relabelling."""
    return mark_html(render_markdown(source))


def mark_html(html: str) -> str:
    """``[[D]]`` in the text of sanitized HTML -> a marked letter (never inside a tag, so a
    reference in a link's address stays as it was written)."""
    if "[[" not in html:
        return html
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # even items are text between tags
        parts[index] = REFERENCE.sub(
            r'<span class="choice-ref" data-choice="\1">\1</span>', parts[index]
        )
    return "".join(parts)


def relabel_html(html: str, letter_of: Mapping[str, str]) -> str:
    """Marked references written as the letters this screen shows (label -> letter)."""
    if "choice-ref" not in html:
        return html
    return _MARKED.sub(
        lambda m: f'<span class="choice-ref">{letter_of.get(m.group(1), m.group(1))}</span>', html
    )


def rename_references(text: str, label_of: Mapping[str, str]) -> str:
    """References rewritten to other labels (old label -> new), in one pass, brackets kept:
    a question's text as another listing of its choices names them."""
    if "[[" not in (text or ""):
        return text
    return REFERENCE.sub(lambda m: f"[[{label_of.get(m.group(1), m.group(1))}]]", text)


def relabel_text(text: str, letter_of: Mapping[str, str]) -> str:
    """Markdown or plain source with each reference written as a letter (for exports)."""
    if "[[" not in (text or ""):
        return text
    return REFERENCE.sub(lambda m: letter_of.get(m.group(1), m.group(1)), text)


# ---- letters used as references without brackets ----------------------------------------

# Spans that may hold capital letters that are not choices: code and addresses.
_IGNORED = re.compile(r"`[^`\n]*`|https?://\S+|\[\[[A-Z]\]\]")
_L = r"(?P<{name}>[A-Z])"
_LIST_TAIL = r"(?:\s*(?:,|\+|&|/|\band\b|\bor\b)\s*[A-Z](?![\w'’-]))*"
_PATTERNS = [
    # "(B)", "(A, C)", "(A + E)", "(D, right until 2017)"
    re.compile(r"\(\s*" + _L.format(name="x") + _LIST_TAIL + r"\s*[),;:]"),
    # "option B", "answers A and C", "answer is D", "answer should be D", "Answer: B"
    re.compile(
        r"\b(?:[Oo]ptions?|[Aa]nswers?|[Cc]hoices?|[Ll]etters?)"
        r"(?:\s+(?:is|was|were|are|should\s+be|would\s+be|will\s+be|must\s+be|of))?"
        r"\s*[:(]?\s*" + _L.format(name="x") + r"(?![\w'’-])"
    ),
    # "D was correct", "A is the answer", "E were right"
    re.compile(
        r"(?<![\w'’.-])" + _L.format(name="x") + r"\s+(?:is|was|were|are|would\s+be|"
        r"should\s+be|has\s+been|had\s+been|becomes|became)\b"
    ),
    # "A + E", "C and D", "B or C", "A, B"
    # (the second letter is looked ahead at, so that "A, C and E" is two overlapping pairs)
    re.compile(
        r"(?<![\w'’.-])" + _L.format(name="x") + r"(?=\s*(?:\+|&|/|,|\band\b|\bor\b)\s*"
        r"(?P<y>[A-Z])(?![\w'’-]))"
    ),
    # "A (Security Groups)": a letter glossed with its choice's text
    re.compile(r"(?<![\w'’.-])" + _L.format(name="x") + r"\s+\((?=[A-Za-z])"),
    # "B) ...", "B. ..." at the start of a line, as a list of choices is written
    re.compile(r"(?m)^\s*" + _L.format(name="x") + r"[.)]\s"),
]


@dataclass(frozen=True)
class BareLetter:
    label: str
    start: int
    end: int
    excerpt: str  # the words around it, for a message


def bare_letters(text: str, labels: Collection[str]) -> list[BareLetter]:
    """Letters in text used to name one of these choice labels without ``[[ ]]``.

    A rule of thumb, tuned to how question writers name choices ("D was correct",
    "answer is A", "(B)", "A + E", "option C", "A (Security Groups)"), never to the article
    "A" or the pronoun "I" in running text.
    """
    if not text:
        return []
    blanked = _IGNORED.sub(lambda m: " " * len(m.group()), text)
    found: dict[int, BareLetter] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(blanked):
            letters = [(match.start("x"), match.group("x"))]
            if "y" in match.groupdict() and match.group("y"):
                letters.append((match.start("y"), match.group("y")))
            if pattern is _PATTERNS[0]:
                letters += [
                    (match.start() + m.start(), m.group())
                    for m in re.finditer(r"(?<![A-Za-z])[A-Z](?![A-Za-z])", match.group())
                ]
            letters = sorted(set(letters))
            if not all(letter in labels for _start, letter in letters):
                continue
            if len({letter for _start, letter in letters}) < len(letters):
                continue  # "B and B": letters naming things, not a list of choices
            if any(letter == "I" for _start, letter in letters) and pattern is _PATTERNS[2]:
                continue  # "I was wrong": the pronoun
            for start, letter in letters:
                if start not in found:
                    found[start] = BareLetter(letter, start, start + 1, _excerpt(text, start))
    return [found[start] for start in sorted(found)]


def _excerpt(text: str, at: int, width: int = 24) -> str:
    start = max(0, at - width)
    end = min(len(text), at + width)
    snippet = " ".join(text[start:end].split())
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")


def bracket_bare_letters(text: str, labels: Collection[str]) -> str:
    """Text whose bare choice letters are written as references (``D was`` -> ``[[D]] was``),
    for files written with fixed letters: their letters name the choices in file order."""
    found = bare_letters(text, labels)
    for letter in reversed(found):
        text = f"{text[: letter.start]}[[{letter.label}]]{text[letter.end :]}"
    return text
