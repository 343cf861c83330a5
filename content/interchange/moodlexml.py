"""Moodle XML (`<quiz><question type="...">`): multiple choice and true/false, in and out.

Reading keeps every text in the format the file gives it (html, markdown, plain_text;
moodle_auto_format becomes HTML with its line breaks kept). When one question mixes
formats, it becomes HTML with plain pieces escaped, since the bank renders HTML and
Markdown alike. Images embedded in the file (`<file>` elements a text refers to as
`@@PLUGINFILE@@/name`, older files' `<image_base64>`) are kept in the text as data: URLs
when they can be (content.interchange.media); what cannot be kept is taken out and named in
a warning. Combined feedback (right, partly right, wrong) and hints are kept as labelled
parts of the explanation, and written back to their elements on export.

The file is untrusted. It is read by expat directly (SAX's layers cost more than the
parsing), refusing what defusedxml refuses: entity declarations (billion laughs) and any
outside document (a DTD or external entity). Reading is linear in the file and bounded:
at most MAX_ELEMENTS elements nested at most MAX_DEPTH deep, text in large pieces, and
every pattern applied to a text reads each character a bounded number of times.
"""

import html
import re
from dataclasses import dataclass, field
from xml.parsers import expat
from xml.sax.saxutils import escape

from content.interchange.media import data_url, decode, resolve
from content.interchange.model import (
    FEEDBACK_LABELS,
    HTML,
    MARKDOWN,
    MAX_CHOICES,
    MAX_QUESTIONS,
    PLAIN,
    TOO_MANY_QUESTIONS,
    BankExtras,
    ImportedChoice,
    ImportedQuestion,
    Parsed,
    brief,
    split_feedback,
)
from content.problems import ImportProblem

_AUTO = "moodle_auto_format"  # plain text with line breaks where HTML is also allowed
_FORMATS = {"html": HTML, "markdown": MARKDOWN, "plain_text": PLAIN, _AUTO: _AUTO}
_FORMAT_NAMES = {MARKDOWN: "markdown", HTML: "html", PLAIN: "plain_text"}
# A Moodle question file nests six deep and has 40 to 50 elements a question (a hundred
# with many answers, hints and tags): room to spare, and a bound on the work of reading.
MAX_DEPTH = 32
MAX_ELEMENTS = 60 * MAX_QUESTIONS
MAX_QUESTION_ELEMENTS = 1000
# What only the bank keeps of a question (model.BankExtras), as our exports write it: JSON
# in an element of its own, which Moodle's importer skips like every element it does not
# know. Our id also goes in <idnumber>, which Moodle keeps and exports, so a question that
# went through Moodle and back is still known here.
EXTRAS_ELEMENT = "examprep"
# What a question's reader looks at (files and images only to say they are left out); other
# elements (grades, tags) are only counted, and anything inside <text> is kept to be reported.
_READ = {
    "name", "questiontext", "generalfeedback", "answer", "feedback", "text",
    "single", "shuffleanswers", "category",
    "correctfeedback", "partiallycorrectfeedback", "incorrectfeedback", "hint",
    "file", "image", "image_base64", "idnumber", EXTRAS_ELEMENT,
}  # fmt: skip
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br\s*/?>)*</p>", re.IGNORECASE)
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Outdated answer keys travel in the general feedback, under this heading, so that Moodle
# learners see them and importing our own export does not fold them into the explanation.
_HISTORY_HEADING = "**Answer key history**"
_FULL, _TOLERANCE = 100.0, 0.5  # Moodle rounds a multiple-answer total to whole percents


class _Element:
    __slots__ = ("attrs", "children", "line", "tag", "texts")

    def __init__(self, tag: str, attrs: dict[str, str], line: int):
        self.tag, self.attrs, self.line = tag, attrs, line
        self.children: list[_Element] = []
        self.texts: list[str] = []  # its own text, in pieces

    def elements(self, tag: str | None = None) -> list["_Element"]:
        return [c for c in self.children if tag in (None, c.tag)]

    def child(self, tag: str) -> "_Element | None":
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def own_text(self) -> str:
        return "".join(self.texts)


class _Errors(list[ImportProblem]):
    """One question's problems, reported only if the whole question was read; and what was
    left out of it (`warnings`), reported with it when it is imported."""

    def __init__(self):
        super().__init__()
        self.warnings: list[ImportProblem] = []

    def add(self, line: int, message: str) -> None:
        self.append(ImportProblem("", line, message))

    def left_out(self, line: int, message: str) -> None:
        self.warnings.append(ImportProblem("", line, message, warning=True))


class _Refused(Exception):
    """Raised from expat's handlers: the file is not read any further."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


_ENTITIES = (
    "the file declares XML entities (<!ENTITY ...>), which are refused because they "
    "can expand without limit; Moodle never writes them: remove the <!DOCTYPE> part"
)
_OUTSIDE = (
    "the file refers to an outside document (a DTD or external entity), which is "
    "refused; remove the <!DOCTYPE> line: Moodle XML needs none"
)


class _QuizReader:
    """expat's handlers. Each child of <quiz> is built as a small tree of elements with their
    lines and read as soon as it closes, then dropped, so memory stays small and a file
    stops being read at the first limit it passes. Refuses what defusedxml refuses (entity
    declarations, outside documents)."""

    def __init__(self, parser, parsed: Parsed):
        self.parser, self.parsed = parser, parsed
        self.category = ""
        self._open: list[_Element | None] = []  # None: an element that is not kept
        self._elements = self._questions = self._categories = 0
        self._started = 0  # the count of elements when the current child of <quiz> started
        parser.buffer_text = True  # a text in a few large pieces, not one per line or entity
        parser.buffer_size = 1 << 16
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.refuse_entities
        parser.UnparsedEntityDeclHandler = self.refuse_entities
        parser.ExternalEntityRefHandler = self.refuse_outside

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self._elements += 1
        depth = len(self._open)
        if (
            depth <= 1
            or depth >= MAX_DEPTH
            or self._elements > MAX_ELEMENTS
            or self._elements - self._started > MAX_QUESTION_ELEMENTS
        ):
            self._check(name, attrs, depth)
        parent = self._open[-1] if depth > 1 else None
        if depth > 1 and (parent is None or (name not in _READ and parent.tag != "text")):
            self._open.append(None)  # not read: no need to keep it
            return
        element = _Element(name, attrs, self.parser.CurrentLineNumber)
        if parent is not None:
            parent.children.append(element)
        self._open.append(element)

    def _check(self, name: str, attrs: dict[str, str], depth: int) -> None:
        """Stop reading a file that is not a question file or is larger than one needs to be."""
        line = self.parser.CurrentLineNumber
        if depth == 0 and name != "quiz":
            raise _Refused(
                line,
                f"the file's outer element is <{brief(name, 40)}>, not <quiz>: "
                "this is not a Moodle XML question file",
            )
        if self._elements > MAX_ELEMENTS:
            raise _Refused(
                line,
                f"the file has more than {MAX_ELEMENTS:,} XML elements; a Moodle file of "
                f"{MAX_QUESTIONS:,} questions has far fewer: split it into smaller files",
            )
        if depth > 1 and self._elements - self._started > MAX_QUESTION_ELEMENTS:
            raise _Refused(
                self._open[1].line,
                f"<{self._open[1].tag}> has more than {MAX_QUESTION_ELEMENTS:,} elements; a "
                f"question has at most {MAX_CHOICES} <answer>s and a few dozen elements",
            )
        if depth == 1:
            self._started = self._elements
        if depth >= MAX_DEPTH:
            raise _Refused(
                line,
                f"<{brief(name, 40)}> is nested more than {MAX_DEPTH} elements deep; Moodle "
                "XML nests a handful: <quiz><question><answer><feedback><text>",
            )
        if depth == 1 and name == "question" and attrs.get("type", "").strip() == "category":
            self._categories += 1
            if self._categories > MAX_QUESTIONS:
                raise _Refused(
                    line,
                    f"the file has more than {MAX_QUESTIONS:,} categories; one file holds "
                    f"up to {MAX_QUESTIONS:,} questions: split it into smaller files",
                )
        elif depth == 1 and name == "question":
            self._questions += 1
            if self._questions > MAX_QUESTIONS:
                raise _Refused(line, TOO_MANY_QUESTIONS)

    def end(self, name: str) -> None:
        element = self._open.pop()
        if len(self._open) == 1:
            self.read(element)

    def characters(self, content: str) -> None:
        if len(self._open) > 1 and self._open[-1] is not None:  # not between the questions
            self._open[-1].texts.append(content)

    def doctype(self, name, system_id, public_id, has_internal_subset) -> None:
        if system_id or public_id:
            raise _Refused(self.parser.CurrentLineNumber, _OUTSIDE)

    def refuse_entities(self, *args) -> None:
        raise _Refused(self.parser.CurrentLineNumber, _ENTITIES)

    def refuse_outside(self, *args) -> None:
        raise _Refused(self.parser.CurrentLineNumber, _OUTSIDE)

    def read(self, element: _Element) -> None:
        """One child of <quiz>: a category, a question, or an error."""
        parsed = self.parsed
        if element.tag != "question":
            parsed.error(
                element.line, f"unexpected <{element.tag}> in <quiz>: only <question> is read"
            )
            return
        kind = element.attrs.get("type", "").strip()
        if kind == "category":
            self.category = _category_path(_text(element.child("category")))
            return
        read = _READERS.get(kind)
        if read is None:
            name = brief(_text(element.child("name")), 60)
            if not kind:
                parsed.error(element.line, '<question> has no type; add type="multichoice"')
            else:
                named = f' ("{name}")' if name else ""
                parsed.unsupported(element.line, f"question type {kind}{named} is not supported")
            return
        errors = _Errors()
        question = read(element, errors)
        if question:
            question.extras = _extras(element, errors)
        for problem in errors:
            parsed.error(problem.line, problem.message)
        if question and not errors:
            question.category = self.category
            parsed.add(question)
            for warning in errors.warnings:
                parsed.warn(warning.line, warning.message)


def parse_moodle_xml(text: str) -> Parsed:
    parsed = Parsed()
    with parsed.reading():
        _read_quiz(text.removeprefix("\ufeff"), parsed)
    return parsed


def _read_quiz(text: str, parsed: Parsed) -> None:
    parser = expat.ParserCreate()
    _QuizReader(parser, parsed)  # sets itself as the parser's handlers
    try:
        parser.Parse(text, True)
    except _Refused as error:
        parsed.error(error.line, error.message)
        parsed.stopped = True
    except expat.ExpatError as error:
        parsed.error(
            error.lineno,
            f"the XML is not well-formed (column {error.offset + 1}: "
            f"{expat.ErrorString(error.code)}). Check that every tag is closed in order and "
            "that & and < in text are written &amp; and &lt; (or inside <![CDATA[ ... ]]>)",
        )


@dataclass
class _Piece:
    text: str
    format: str
    left_out: list = field(default_factory=list)  # images and files taken out of it
    had_markup: bool = False  # XML elements inside <text>: already reported
    # The general feedback's companions: combined feedback and hints, (label, piece).
    parts: list = field(default_factory=list)


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
    files = {
        file.attrs.get("name", ""): decode(file.own_text())
        for file in element.elements("file")
        if file.attrs.get("encoding", "base64") == "base64"
    }
    resolved = resolve(raw, files)
    text = resolved.text
    if resolved.left_out:  # a paragraph that only held an image goes with it
        text = _EMPTY_PARAGRAPH.sub("", text)
        errors.left_out(
            element.line,
            f"{what} refers to files of its Moodle course that are not imported: "
            f"{brief(', '.join(resolved.left_out), 300)}",
        )
    unused = [name for name in files if name not in resolved.kept and name not in raw]
    if unused:
        errors.left_out(
            element.line,
            f"{what} comes with file(s) its text does not show, not imported: "
            f"{brief(', '.join(unused), 200)}",
        )
    return _Piece(text.strip(), text_format, left_out=resolved.left_out, had_markup=bool(markup))


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
    if not stem.text and stem.left_out:
        errors.add(
            element.line,
            f"{who} has only an image as its text, which cannot be imported: "
            f"{brief(', '.join(stem.left_out), 200)}",
        )
    elif not stem.text and not stem.had_markup:
        errors.add(element.line, f"{who} has no question text; write it in <questiontext><text>")
    general = _piece(element.child("generalfeedback"), stem.format, errors, f"feedback of {who}")
    _old_image(element, stem, errors, who)
    general.parts = _feedback_parts(element, stem.format, errors, who)
    return name, who, stem, general


def _old_image(element: _Element, stem: _Piece, errors: _Errors, who: str) -> None:
    """Moodle 1.x files: the question's image as <image_base64> (its name in <image>),
    shown below the text; kept as an image at the end of the text when it can be."""
    encoded = element.child("image_base64")
    if encoded is None:
        if (named := element.child("image")) is not None and _text(named):
            errors.left_out(
                named.line, f"{who} shows the image {brief(_text(named), 60)}, which the file "
                "does not hold: not imported",
            )  # fmt: skip
        return
    data = decode(_text(encoded))
    url, why = data_url(data) if data else ("", "could not be decoded")
    if not url:
        errors.left_out(encoded.line, f"the image of {who} (<image_base64>) {why}: not imported")
        return
    if stem.format == PLAIN:
        stem.text, stem.format = html.escape(stem.text, quote=False).replace("\n", "<br>\n"), HTML
    stem.text = f'{stem.text}\n\n<p><img src="{url}" alt=""></p>'.strip()


# Moodle's feedback for any right, partly right or wrong response, and its hints.
_COMBINED = list(
    zip(
        ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"),
        FEEDBACK_LABELS,
        strict=True,
    )
)


def _feedback_parts(
    element: _Element, text_format: str, errors: _Errors, who: str
) -> list[tuple[str, _Piece]]:
    parts = [
        (label, _piece(element.child(tag), text_format, errors, f"{label.lower()} of {who}"))
        for tag, label in _COMBINED
    ]
    parts += [
        (f"Hint {n}", _piece(hint, text_format, errors, f"hint {n} of {who}"))
        for n, hint in enumerate(element.elements("hint"), 1)
    ]
    return [
        (label, piece)
        for label, piece in parts
        if piece.text and _TAGS_IN_TEXT.sub("", piece.text).strip() not in _MOODLE_DEFAULTS
    ]


# What Moodle fills combined feedback with unless the author writes their own: nothing to keep.
_MOODLE_DEFAULTS = {
    "Your answer is correct.",
    "Your answer is partially correct.",
    "Your answer is incorrect.",
}
_TAGS_IN_TEXT = re.compile(r"<[^<>]*>")


def _question(
    element: _Element, name: str, stem: _Piece, general: _Piece, choices: list[tuple]
) -> ImportedQuestion:
    """`choices`: (text piece, is_correct, feedback piece) in file order."""
    pieces = [stem, general] + [piece for choice in choices for piece in (choice[0], choice[2])]
    text_format = _one_format(pieces + [piece for _label, piece in general.parts])
    explanation, outdated = _key_history(general.text)
    return ImportedQuestion(
        line=element.line,
        stem=stem.text,
        choices=[ImportedChoice(text.text, correct, fb.text) for text, correct, fb in choices],
        name=name,
        explanation=explanation,
        text_format=text_format,
        outdated=outdated,
        feedback_parts=[(label, piece.text) for label, piece in general.parts],
    )


def _key_history(feedback: str) -> tuple[str, list[str]]:
    """(explanation, outdated-answer notes): the notes are the "- " lines under the history
    heading that ends the feedback, as `_question_xml` writes them. Found with string
    methods, each a pass over the text."""
    marker = f"\n\n{_HISTORY_HEADING}\n\n"
    start = feedback.rfind(marker)
    if start < 0 and feedback.startswith(marker[2:]):
        start = -2  # the heading opens the feedback
    if start == -1:
        return feedback, []
    notes = feedback[start + len(marker) :]
    notes = notes[:-1] if notes.endswith("\n") else notes
    if not notes or f"\n{notes}".count("\n- ") != notes.count("\n") + 1:
        return feedback, []  # a line that is not a note: not our history
    return feedback[: max(start, 0)].strip(), [line[2:] for line in notes.split("\n")]


def _extras(element: _Element, errors: _Errors) -> BankExtras:
    extras, problem = BankExtras(), ""
    if (holder := element.child(EXTRAS_ELEMENT)) is not None:
        extras, problem = BankExtras.from_json(_text(holder))
    if problem:
        errors.add(holder.line, problem)
    if not extras.id:
        extras.id = _text(element.child("idnumber"))[:255]
    return extras


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
    if len(answers) > MAX_CHOICES:
        errors.add(
            element.line,
            f"{who} has {len(answers)} <answer>s; a question holds at most {MAX_CHOICES}",
        )
        return None
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
    feedback, parts = split_feedback(question.explanation)
    if question.outdated:
        notes = "\n".join(f"- {' '.join(note.split())}" for note in question.outdated)
        feedback = f"{feedback}\n\n{_HISTORY_HEADING}\n\n{notes}".strip()
    lines = [
        '  <question type="multichoice">',
        f"    <name><text>{escape(_clean(question.name))}</text></name>",
        *_extras_xml(question),
        f'    <questiontext format="{text_format}">',
        f"      <text>{_cdata(question.stem)}</text>",
        "    </questiontext>",
        f'    <generalfeedback format="{text_format}">',
        f"      <text>{_cdata(feedback)}</text>",
        "    </generalfeedback>",
        *_feedback_parts_xml(parts, text_format),
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


def _feedback_parts_xml(parts: list[tuple[str, str]], text_format: str) -> list[str]:
    """Combined feedback and hints in their own elements, as Moodle has them."""
    tags = {label: tag for tag, label in _COMBINED}
    lines = []
    for label, text in parts:
        tag = tags.get(label, "hint")
        lines += [
            f'    <{tag} format="{text_format}">',
            f"      <text>{_cdata(text)}</text>",
            f"    </{tag}>",
        ]
    return lines


def _extras_xml(question: ImportedQuestion) -> list[str]:
    if not question.extras:
        return []
    lines = [f"    <{EXTRAS_ELEMENT}>{_cdata(question.extras.to_json())}</{EXTRAS_ELEMENT}>"]
    if question.extras.id:
        lines.append(f"    <idnumber>{escape(_clean(question.extras.id))}</idnumber>")
    return lines


def _cdata(text: str) -> str:
    text = _clean(text)
    if not text:
        return ""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _clean(text: str) -> str:
    """Control characters are not allowed in XML 1.0, even in CDATA."""
    return _INVALID_XML_CHARS.sub("", text)
