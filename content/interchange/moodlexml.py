"""Moodle XML (`<quiz><question type="...">`): multiple choice and true/false, in and out.

Reading keeps every text in the format the file gives it (html, markdown, plain_text;
moodle_auto_format becomes HTML with its line breaks kept). When one question mixes
formats, it becomes HTML with plain pieces escaped, since the bank renders HTML and
Markdown alike. Images are not imported: Moodle ships them as `<file>` elements referred
to by `@@PLUGINFILE@@`, and those `<img>` tags are dropped without a word, the rest of
the text kept.

The file is untrusted: defusedxml's SAX parser refuses entity declarations (billion
laughs) and external references; SAX's locator gives each element's line.
"""

import html
import io
import re
from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape
from xml.sax.xmlreader import InputSource

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.sax import make_parser

from content.interchange.model import (
    HTML,
    MARKDOWN,
    PLAIN,
    ImportedChoice,
    ImportedQuestion,
    Parsed,
    brief,
)

_AUTO = "moodle_auto_format"  # plain text with line breaks where HTML is also allowed
_FORMATS = {"html": HTML, "markdown": MARKDOWN, "plain_text": PLAIN, _AUTO: _AUTO}
_FORMAT_NAMES = {MARKDOWN: "markdown", HTML: "html", PLAIN: "plain_text"}
_PLUGINFILE_IMAGE = re.compile(
    r"<img\b[^>]*?\bsrc\s*=\s*[\"']?@@PLUGINFILE@@[^>]*>|!\[[^\]]*\]\(@@PLUGINFILE@@[^)]*\)",
    re.IGNORECASE,
)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br\s*/?>)*</p>", re.IGNORECASE)
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Outdated answer keys travel in the general feedback, under this heading, so that Moodle
# learners see them and importing our own export does not fold them into the explanation.
_HISTORY_HEADING = "**Answer key history**"
_HISTORY = re.compile(r"(?:\A|\n\n)\*\*Answer key history\*\*\n\n((?:- [^\n]*(?:\n|\Z))+)\Z")
_FULL, _TOLERANCE = 100.0, 0.5  # Moodle rounds a multiple-answer total to whole percents


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int
    content: list["str | _Element"] = field(default_factory=list)

    def elements(self, tag: str | None = None) -> list["_Element"]:
        return [c for c in self.content if isinstance(c, _Element) and tag in (None, c.tag)]

    def child(self, tag: str) -> "_Element | None":
        found = self.elements(tag)
        return found[0] if found else None

    def own_text(self) -> str:
        return "".join(c for c in self.content if isinstance(c, str))


class _Errors(list):
    """(line, message) pairs for one question."""

    def add(self, line: int, message: str) -> None:
        self.append((line, message))


class _TreeBuilder(ContentHandler):
    def __init__(self):
        super().__init__()
        self.root: _Element | None = None
        self.locator = None
        self._open: list[_Element] = []

    def setDocumentLocator(self, locator):
        self.locator = locator

    def startElement(self, name, attrs):
        element = _Element(name, dict(attrs), self.locator.getLineNumber())
        if self._open:
            self._open[-1].content.append(element)
        else:
            self.root = element
        self._open.append(element)

    def endElement(self, name):
        self._open.pop()

    def characters(self, content):
        if self._open:
            self._open[-1].content.append(content)


def _read_tree(text: str, parsed: Parsed) -> _Element | None:
    """The document as a tree with lines, or None after recording why it can't be read."""
    parser = make_parser()  # forbids entity declarations and external references
    builder = _TreeBuilder()
    parser.setContentHandler(builder)
    source = InputSource()
    source.setCharacterStream(io.StringIO(text))
    try:
        parser.parse(source)
    except SAXParseException as error:
        line, column = error.getLineNumber(), error.getColumnNumber() + 1
        parsed.error(
            line,
            f"the XML is not well-formed (column {column}: {error.getMessage()}). "
            "Check that every tag is closed in order and that & and < in text are written "
            "&amp; and &lt; (or inside <![CDATA[ ... ]]>)",
        )
        return None
    except EntitiesForbidden:
        parsed.error(
            _line_of(builder),
            "the file declares XML entities (<!ENTITY ...>), which are refused because they "
            "can expand without limit; Moodle never writes them: remove the <!DOCTYPE> part",
        )
        return None
    except DefusedXmlException:
        parsed.error(
            _line_of(builder),
            "the file refers to an outside document (a DTD or external entity), which is "
            "refused; remove the <!DOCTYPE> line: Moodle XML needs none",
        )
        return None
    return builder.root


def _line_of(builder: _TreeBuilder) -> int:
    return builder.locator.getLineNumber() if builder.locator else 1


def parse_moodle_xml(text: str) -> Parsed:
    parsed = Parsed()
    root = _read_tree(text.removeprefix("\ufeff"), parsed)
    if root is None:
        return parsed
    if root.tag != "quiz":
        parsed.error(
            root.line,
            f"the file's outer element is <{root.tag}>, not <quiz>: "
            "this is not a Moodle XML question file",
        )
        return parsed
    category = ""
    for element in root.elements():
        if element.tag != "question":
            parsed.error(
                element.line, f"unexpected <{element.tag}> in <quiz>: only <question> is read"
            )
            continue
        kind = element.attrs.get("type", "").strip()
        if kind == "category":
            category = _category_path(_text(element.child("category")))
            continue
        read = _READERS.get(kind)
        if read is None:
            name = brief(_text(element.child("name")), 60)
            if not kind:
                parsed.error(element.line, '<question> has no type; add type="multichoice"')
            else:
                named = f' ("{name}")' if name else ""
                parsed.unsupported(element.line, f"question type {kind}{named} is not supported")
            continue
        errors = _Errors()
        question = read(element, errors)
        for line, message in errors:
            parsed.error(line, message)
        if question and not errors:
            question.category = category
            parsed.questions.append(question)
    return parsed


@dataclass
class _Piece:
    text: str
    format: str
    had_image: bool = False  # an image was dropped from it
    had_markup: bool = False  # XML elements inside <text>: already reported


def _text(element: _Element | None) -> str:
    """The text of `<x><text>...</text></x>`, or of `<x>...</x>` in old files."""
    if element is None:
        return ""
    holder = element.child("text")
    return (element if holder is None else holder).own_text().strip()


def _piece(element: _Element | None, default_format: str, errors: _Errors, what: str) -> _Piece:
    if element is None:
        return _Piece("", default_format)
    name = element.attrs.get("format")
    # Moodle reads formats it doesn't know as HTML.
    text_format = _FORMATS.get(name.strip(), HTML) if name is not None else default_format
    holder = element.child("text")
    markup = holder.elements() if holder is not None else []
    if markup:
        errors.add(
            markup[0].line,
            f"{what} has a <{markup[0].tag}> tag inside <text>; write HTML inside "
            "<![CDATA[ ... ]]> or escape it as &lt;",
        )
    raw = _text(element)
    text = _PLUGINFILE_IMAGE.sub("", raw)
    if text != raw:  # a paragraph that only held the image goes with it
        text = _EMPTY_PARAGRAPH.sub("", text)
    return _Piece(text.strip(), text_format, had_image=text != raw, had_markup=bool(markup))


def _one_format(pieces: list[_Piece]) -> str:
    """Bring a question's texts to one format, converting the pieces in place."""
    used = {piece.format for piece in pieces if piece.text}
    if used in ({PLAIN}, {MARKDOWN}):
        return used.pop()
    if not used:
        return MARKDOWN
    for piece in pieces:
        if piece.format == PLAIN:
            piece.text = html.escape(piece.text, quote=False).replace("\n", "<br>\n")
        elif piece.format == _AUTO:
            piece.text = piece.text.replace("\n", "<br>\n")
    return HTML


def _header(element: _Element, errors: _Errors) -> tuple[str, str, _Piece, _Piece]:
    """Name, how messages call the question, its text and its general feedback."""
    name = _text(element.child("name"))
    who = f'question "{brief(name, 60)}"' if name else "the question"
    stem = _piece(element.child("questiontext"), HTML, errors, f"the text of {who}")
    if not stem.text and stem.had_image:
        errors.add(element.line, f"{who} has only an image as its text; images are not imported")
    elif not stem.text and not stem.had_markup:
        errors.add(element.line, f"{who} has no question text; write it in <questiontext><text>")
    general = _piece(element.child("generalfeedback"), stem.format, errors, f"feedback of {who}")
    return name, who, stem, general


def _question(
    element: _Element, name: str, stem: _Piece, general: _Piece, choices: list[tuple]
) -> ImportedQuestion:
    """`choices`: (text piece, is_correct, feedback piece) in file order."""
    pieces = [stem, general] + [piece for choice in choices for piece in (choice[0], choice[2])]
    text_format = _one_format(pieces)
    explanation, outdated = general.text, []
    if history := _HISTORY.search(explanation):
        outdated = [note[2:] for note in history.group(1).splitlines()]
        explanation = explanation[: history.start()].strip()
    return ImportedQuestion(
        line=element.line,
        stem=stem.text,
        choices=[ImportedChoice(text.text, correct, fb.text) for text, correct, fb in choices],
        name=name,
        explanation=explanation,
        text_format=text_format,
        outdated=outdated,
    )


def _fraction(answer: _Element, number: int, who: str, errors: _Errors) -> float | None:
    raw = answer.attrs.get("fraction", "0").strip() or "0"  # Moodle's default is 0
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not -_FULL <= value <= _FULL:
        errors.add(
            answer.line,
            f'answer {number} of {who} has fraction="{brief(raw, 60)}"; use a percentage '
            "from -100 to 100, e.g. 100 for the right answer and 0 for a wrong one",
        )
        return None
    return value


def _read_multichoice(element: _Element, errors: _Errors) -> ImportedQuestion | None:
    name, who, stem, general = _header(element, errors)
    # Moodle: missing <single> means true; "false", "0" or empty mean false.
    single_element = element.child("single")
    single = single_element is None or _text(single_element) not in ("false", "0", "")
    answers = element.elements("answer")
    if len(answers) < 2:
        errors.add(element.line, f"{who} has {len(answers)} <answer>; it needs at least two")
    choices, fractions = [], []
    for number, answer in enumerate(answers, 1):
        text = _piece(answer, stem.format, errors, f"answer {number} of {who}")
        feedback = _piece(answer.child("feedback"), stem.format, errors, f"feedback of {who}")
        if not text.text and not text.had_markup:
            errors.add(answer.line, f"answer {number} of {who} has no text")
        fraction = _fraction(answer, number, who, errors)
        fractions.append(fraction)
        choices.append((text, (fraction or 0) > 0, feedback))
    positive = [f for f in fractions if f and f > 0]
    if None in fractions:
        pass  # the key can't be judged until every fraction is a number
    elif answers and not positive:
        errors.add(element.line, f'{who} has no right answer: give the right one fraction="100"')
    elif single:
        _check_single(element, who, answers, fractions, errors)
    elif abs(sum(positive) - _FULL) > _TOLERANCE:
        errors.add(
            element.line,
            f"the right answers of multiple-answer {who} add up to {sum(positive):g}%, "
            "not 100%: split 100 evenly among them (e.g. 50 and 50)",
        )
    question = _question(element, name, stem, general, choices)
    # Moodle: <shuffleanswers> false or 0 keeps the answers in file order.
    shuffle_element = element.child("shuffleanswers")
    question.shuffle = shuffle_element is None or _text(shuffle_element) not in ("false", "0")
    return question


def _check_single(
    element: _Element, who: str, answers: list[_Element], fractions: list[float], errors: _Errors
) -> None:
    full = [f for f in fractions if abs(f - _FULL) < 1e-6]
    for number, (answer, fraction) in enumerate(zip(answers, fractions, strict=True), 1):
        if 0 < fraction < _FULL - 1e-6:
            errors.add(
                answer.line,
                f'answer {number} of {who} gives partial credit (fraction="{fraction:g}"), '
                "which the bank cannot keep: use 100 for the right answer and 0 for others",
            )
    if len(full) > 1:
        errors.add(
            element.line,
            f'single-answer {who} has {len(full)} answers with fraction="100": keep one, '
            "or set <single>false</single> and split 100 among the right answers",
        )


def _read_truefalse(element: _Element, errors: _Errors) -> ImportedQuestion | None:
    name, who, stem, general = _header(element, errors)
    answers = element.elements("answer")
    found: dict[str, tuple[float | None, _Piece]] = {}
    for number, answer in enumerate(answers, 1):
        word = _text(answer).lower()
        if word not in ("true", "false"):
            word = "true" if number == 1 else "false"  # old localised files: true, then false
        if word in found or number > 2:
            errors.add(answer.line, f"{who} has more than one {word} answer")
            continue
        feedback = _piece(answer.child("feedback"), stem.format, errors, f"feedback of {who}")
        found[word] = (_fraction(answer, number, who, errors), feedback)
    if set(found) != {"true", "false"}:
        errors.add(
            element.line, f"{who} needs two <answer>s: <text>true</text> and <text>false</text>"
        )
        return None
    fractions = {word: fraction for word, (fraction, _) in found.items()}
    right = [word for word, fraction in fractions.items() if fraction == _FULL]
    if len(right) != 1 and None not in fractions.values():
        errors.add(element.line, f'{who}: give exactly one of true and false fraction="100"')
    choices = [
        (_Piece(label, stem.format), right == [word], found[word][1])
        for word, label in (("true", "True"), ("false", "False"))
    ]
    return _question(element, name, stem, general, choices)


_READERS = {"multichoice": _read_multichoice, "truefalse": _read_truefalse}


def _category_path(raw: str) -> str:
    """`$course$/top/AWS/IAM` -> `AWS/IAM`. A "/" inside a name stays written "//", as
    Moodle (and GIFT's $CATEGORY) write it, so the path means the same when written back."""
    names = [name.strip() for name in re.split(r"(?<!/)/(?!/)", raw)]
    if names and re.fullmatch(r"\$[a-z]+\$", names[0]):
        names.pop(0)
    if names and names[0] == "top":
        names.pop(0)
    return "/".join(name for name in names if name)


# Writing.


def write_moodle_xml(questions: list[ImportedQuestion]) -> str:
    """Moodle XML 1.0 in UTF-8; a category question wherever the category changes (a
    question without a category stays in the previous one)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category = ""
    for question in questions:
        if question.category and question.category != category:
            category = question.category
            lines += [
                '  <question type="category">',
                f"    <category><text>{escape(_clean('$course$/top/' + category))}</text>"
                "</category>",
                "  </question>",
            ]
        lines += _question_xml(question)
    lines.append("</quiz>")
    return "\n".join(lines) + "\n"


def _question_xml(question: ImportedQuestion) -> list[str]:
    text_format = _FORMAT_NAMES.get(question.text_format, "markdown")
    right = question.correct_count
    single = right <= 1
    feedback = question.explanation.strip()
    if question.outdated:
        notes = "\n".join(f"- {' '.join(note.split())}" for note in question.outdated)
        feedback = f"{feedback}\n\n{_HISTORY_HEADING}\n\n{notes}".strip()
    lines = [
        '  <question type="multichoice">',
        f"    <name><text>{escape(_clean(question.name))}</text></name>",
        f'    <questiontext format="{text_format}">',
        f"      <text>{_cdata(question.stem)}</text>",
        "    </questiontext>",
        f'    <generalfeedback format="{text_format}">',
        f"      <text>{_cdata(feedback)}</text>",
        "    </generalfeedback>",
        "    <defaultgrade>1</defaultgrade>",
        f"    <single>{'true' if single else 'false'}</single>",
        f"    <shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>",
        "    <answernumbering>abc</answernumbering>",
    ]
    for choice in question.choices:
        if not choice.is_correct:
            fraction = "0" if single else "-100"
        else:
            # Moodle accepts only its own grade steps (1/n to 7 decimals): 100/n to 5 matches.
            fraction = f"{_FULL / right:.5f}".rstrip("0").rstrip(".")
        lines += [
            f'    <answer fraction="{fraction}" format="{text_format}">',
            f"      <text>{_cdata(choice.text)}</text>",
            f'      <feedback format="{text_format}">',
            f"        <text>{_cdata(choice.feedback)}</text>",
            "      </feedback>",
            "    </answer>",
        ]
    lines.append("  </question>")
    return lines


def _cdata(text: str) -> str:
    text = _clean(text)
    if not text:
        return ""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _clean(text: str) -> str:
    """Control characters are not allowed in XML 1.0, even in CDATA."""
    return _INVALID_XML_CHARS.sub("", text)
