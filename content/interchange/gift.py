r"""GIFT, Moodle's text format: read multiple-choice and true/false questions, write the bank.

Reference: https://docs.moodle.org/en/GIFT_format. Where the page is silent we do what
Moodle's own importer (qformat_gift) does, so a file reads here as it would in Moodle:
- Questions are separated by blank lines; every line is trimmed and a line starting with
  `//` is a comment (also inside a question, where it is dropped).
- A `// exam-prep: {...}` comment line right above a question is what our own exports
  carry of it beyond GIFT (model.BankExtras); Moodle skips it like any comment.
- `\\` is a backslash, `\n` a newline, `\~ \= \# \{ \} \:` the plain characters; any other
  backslash is kept as written (so markdown escapes like `\*` survive).
- The kind of question follows Moodle's order: `{}` essay, `{#...}` numerical, any `~`
  multiple choice, `=` with `->` matching, `T`/`TRUE`/`F`/`FALSE` true/false, else short
  answer. With an `=` answer a question is single-answer; without one, its correct answers
  are the positive `~%w%` weights, which must add up to 100.
- A `[format]` tag on an answer or feedback is dropped: one format per question, the stem's.
Where Moodle would import something we cannot represent honestly (two `=` answers), we
report it instead of guessing; partial credit beside an `=` answer is read as Moodle reads
it, the `=` answer the key, with a warning that the partial credit is not kept.
"""

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import chain, pairwise

from content.interchange.media import resolve
from content.interchange.model import (
    AUTO,
    HTML,
    MARKDOWN,
    MAX_CHOICES,
    MAX_QUESTIONS,
    PLAIN,
    BankExtras,
    ImportedChoice,
    ImportedQuestion,
    Parsed,
    brief,
)

# `[moodle]`, and untagged text, is Moodle's auto-format: plain text with its line breaks, in
# which HTML tags are allowed (they render, sanitized like all our HTML) and markdown's signs
# are plain characters (plan._as_markdown writes it so).
_FORMATS = {"markdown": MARKDOWN, "html": HTML, "plain": PLAIN, "moodle": AUTO}
_TAGS = {MARKDOWN: "markdown", HTML: "html", PLAIN: "plain", AUTO: "moodle"}
_FORMAT_TAG = re.compile(r"\[(markdown|html|plain|moodle)\]")
_WEIGHT = re.compile(r"%([^%]*)%")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_CONTEXT = re.compile(r"^\$[a-z0-9]+\$/?")  # $course$/, $system$/, $cat1$/ ...
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_BLANK = "_____"
# What only the bank keeps of a question (model.BankExtras), as our exports write it: a
# comment line of JSON right above the question, which Moodle skips like any comment.
EXTRAS_COMMENT = "// exam-prep: "
_BRACE = re.compile(r"[{}]")
# A line break, a blank line (white space only), then any more white space up to the last
# line break before the next text: what separates questions. Every match starts at a line
# break and gives back at most the next line's indentation, so the engine reads each
# character a bounded number of times.
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n(?:\s*\n)?")
# Blocks of lines between blank lines: a question, a category or a comment each. Questions
# are capped by `Parsed`; this caps the others, which cost time to read too.
MAX_BLOCKS = 4 * MAX_QUESTIONS

# While parsing, escaped characters are private-use placeholders, so splitting on the
# special characters never sees them; `_restore` turns them back at the end.
_SPECIAL = ":#={}~"
_PLACEHOLDER = {char: chr(0x10FFF0 + i) for i, char in enumerate(_SPECIAL + "n")}
_RESTORED = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
_BACKSLASH = chr(0x10FFF0 + len(_PLACEHOLDER))


def _unescape(text: str) -> str:
    """Read left to right, a backslash takes the character after it when that is `\\` or
    special; any other backslash stays as written. Pairs of backslashes go first, as a
    left-to-right reading pairs them, so str.replace does it all in a few linear passes."""
    if "\\" not in text:
        return text
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _PLACEHOLDER.items():
        text = text.replace("\\" + char, placeholder)
    return text.replace(_BACKSLASH, "\\")


def _restore(text: str) -> str:
    # str.replace per placeholder: several times faster than str.translate on long texts.
    for placeholder, char in _RESTORED.items():
        if placeholder in text:
            text = text.replace(placeholder, char)
    return text


def _clean(text: str) -> str:
    """An answer's or feedback's text: trimmed, without a format tag, escapes restored."""
    text = text.strip()
    if tag := _FORMAT_TAG.match(text):
        text = text[tag.end() :]
    return _restore(text).strip()


def _quote(text: str, start: int = 0, limit: int = 40) -> str:
    """text[start:] quoted for a message; only its first few hundred characters are read."""
    return f'"{brief(_restore(text[start : start + 8 * limit]), limit + 1)}"'


class _Chunk:
    """One blank-line-separated question: its lines unescaped and joined, and their numbers."""

    def __init__(self, lines: list[str], numbers: Sequence[int]):
        self.text = _unescape("\n".join(lines))  # escapes never span a line break
        self.numbers = numbers
        self._starts: list[int] | None = None  # where each line starts in text

    def line(self, offset: int) -> int:
        if self._starts is None:  # only messages need it
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        return self.numbers[bisect_right(self._starts, offset) - 1]


def _chunks(text: str) -> Iterator[tuple[list[str], Sequence[int], tuple[str, int] | None]]:
    """Each run of non-blank lines: its lines trimmed, without `//` comments (so none for a
    block of comments), their numbers, and its extras comment with its line if it has one.
    The blank lines between are found by the regex engine, not line by line."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    number, start = 1, 0
    for blank in chain(_BLANK_LINES.finditer(text), [None]):
        paragraph = text[start : blank.start() if blank else len(text)]
        lines = [line.strip() for line in paragraph.split("\n")]
        numbers: Sequence[int] = range(number, number + len(lines))
        # Only the file's first and last lines can be blank here.
        if not lines[-1]:
            lines, numbers = lines[:-1], numbers[:-1]
        if lines and not lines[0]:
            lines, numbers = lines[1:], numbers[1:]
        extras = None
        if "//" in paragraph:
            kept = []
            for ln, n in zip(lines, numbers, strict=True):
                if not ln.startswith("//"):
                    kept.append((ln, n))
                elif ln.startswith(EXTRAS_COMMENT):
                    extras = (ln.removeprefix(EXTRAS_COMMENT), n)
            lines, numbers = [ln for ln, _ in kept], [n for _, n in kept]
        yield lines, numbers, extras
        if blank:
            number += paragraph.count("\n") + blank.group().count("\n")
            start = blank.end()


def _category(line: str) -> str:
    """`$CATEGORY: $course$/top/AWS SAA/EC2` is "AWS SAA/EC2": Moodle's context prefix and
    its hidden root category "top" are not part of the path."""
    path = _CONTEXT.sub("", line.removeprefix("$CATEGORY:").strip(), count=1).strip("/")
    return "" if path == "top" else path.removeprefix("top/")


def parse_gift(text: str) -> Parsed:
    """Every multiple-choice and true/false question of the file, and every problem with its
    line; a question with a problem is reported and left out, never half-read."""
    parsed = Parsed()
    with parsed.reading():
        _read_gift(text, parsed)
    return parsed


def _read_gift(text: str, parsed: Parsed) -> None:
    category, line = "", 1
    for block, (lines, numbers, extras) in enumerate(_chunks(text), start=1):
        line = numbers[0] if numbers else line
        if block > MAX_BLOCKS:
            parsed.error(
                line,
                f"the file has more than {MAX_BLOCKS:,} blocks of lines between blank lines "
                f"(questions, categories, comments); one file holds up to {MAX_QUESTIONS:,} "
                "questions: split it into smaller files",
            )
            return
        if not lines:
            continue  # comments only
        if lines[0].startswith("$CATEGORY:"):
            category = _category(lines[0])
            # Moodle wants a blank line after it; we accept a question right below.
            lines, numbers = lines[1:], numbers[1:]
            if not lines:
                continue
        chunk = _Chunk(lines, numbers)
        before = parsed.blocking
        question = _QuestionReader(chunk, parsed).read()
        if question and extras:
            question.extras, problem = BankExtras.from_json(extras[0])
            if problem:
                parsed.error(extras[1], problem)
        if question and parsed.blocking == before:
            question.category = category
            parsed.add(question)


class _QuestionReader:
    """One question's text: reports its problems and returns what it read."""

    def __init__(self, chunk: _Chunk, parsed: Parsed):
        self.chunk, self.parsed = chunk, parsed
        self.start = chunk.numbers[0]
        self.quoted = _quote(chunk.text)
        self.label = f"question {self.quoted}"
        self.bad_weight = False

    def error(self, offset: int | None, message: str) -> None:
        self.parsed.error(self.start if offset is None else self.chunk.line(offset), message)

    def unsupported(self, kind: str, why: str = "") -> None:
        self.parsed.unsupported(
            self.start,
            f"{kind} {self.quoted}{why} is not supported; "
            "only multiple-choice and true/false questions are imported",
        )

    def read(self) -> ImportedQuestion | None:
        text, pos, name = self.chunk.text, 0, ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                self.error(None, f'the name of {self.label} has no closing "::"')
                return None
            name, pos = _restore(text[2:end]).strip(), end + 2
        pos = len(text) - len(text[pos:].lstrip())
        text_format = AUTO  # untagged text, as Moodle reads it
        if tag := _FORMAT_TAG.match(text, pos):
            text_format, pos = _FORMATS[tag.group(1)], tag.end()
        self.quoted = _quote(name) if name else _quote(text, pos)
        self.label = f"question {self.quoted}"
        block = self.answer_block(pos)
        if block is None:
            return None
        if block == ():
            self.unsupported("description", " (text with no answer block in braces)")
            return None
        opening, closing = block
        after = text[closing + 1 :]
        stem = text[pos:opening] + (_BLANK + after if after.strip() else "")
        question = ImportedQuestion(
            self.start, _restore(stem).strip(), [], name=name, text_format=text_format
        )
        answers_end = text.rfind("####", opening, closing)
        if answers_end >= 0:
            question.explanation = _clean(text[answers_end + 4 : closing])
        else:
            answers_end = closing
        if not self.read_answers(question, opening + 1, answers_end):
            return None
        if not question.stem:
            self.error(None, f"{self.label} has no text before its answers")
        self.without_course_files(question)
        return question

    def without_course_files(self, question: ImportedQuestion) -> None:
        """A GIFT file holds no files: images and links to its Moodle course's files
        (@@PLUGINFILE@@) are taken out (a link keeps its words) and named, not left broken."""
        left_out: list[str] = []

        def resolved(text: str) -> str:
            result = resolve(text, {})
            left_out.extend(result.left_out)
            return result.text.strip()

        question.stem, question.explanation = (
            resolved(question.stem),
            resolved(question.explanation),
        )
        for choice in question.choices:
            choice.text, choice.feedback = resolved(choice.text), resolved(choice.feedback)
        if left_out:
            self.parsed.warn(
                self.start,
                f"{self.label} refers to files of its Moodle course (@@PLUGINFILE@@), which a "
                f"GIFT file does not hold: left out {brief(', '.join(left_out), 300)}",
            )

    def answer_block(self, pos: int) -> tuple[int, int] | tuple[()] | None:
        """Where the one `{...}` is; () when there is none, None after reporting errors."""
        text, block, opening, ok = self.chunk.text, None, None, True
        for brace in _BRACE.finditer(text, pos):
            i = brace.start()
            if text[i] == "{":
                if opening is not None:
                    ok = False
                    where = self.chunk.line(i)
                    self.error(
                        opening,
                        f"the answer block {_quote(text, opening)} is not closed before the next "
                        f'"{{"{"" if where == self.chunk.line(opening) else f" on line {where}"}: '
                        'end the answers with "}", or write \\{ for a literal brace',
                    )
                elif block is not None:
                    ok = False
                    self.error(
                        i,
                        f"a second answer block {_quote(text, i)} in {self.label}: a GIFT "
                        "question has one; write \\{ and \\} for literal braces",
                    )
                opening = i
            elif text[i] == "}":
                if opening is None:
                    ok = False
                    self.error(
                        i,
                        f'a "}}" with no "{{" before it in {self.label}: remove it, '
                        "or write \\} for a literal brace",
                    )
                else:
                    block = block or (opening, i)
                    opening = None
        if opening is not None:
            ok = False
            self.error(
                opening,
                f'the answer block {_quote(text, opening)} is never closed: add "}}" after '
                "its last answer (before the blank line that ends the question)",
            )
        return (block or ()) if ok else None

    def read_answers(self, question: ImportedQuestion, start: int, end: int) -> bool:
        answers = self.chunk.text[start:end].strip()
        if not answers:
            self.unsupported("essay question")
        elif re.fullmatch(r"[=~#%\s]*", answers):
            self.error(start, f"the answer block of {self.label} has no answers")
        elif answers[0] == "#":
            self.unsupported("numerical question")
        elif "~" in answers:
            return self.read_choices(question, start, end)
        elif "=" in answers and "->" in answers:
            self.unsupported("matching question")
        elif (value := answers.split("#", 1)[0].strip().upper()) in _TRUE_FALSE:
            # Moodle: {T#feedback if they answer wrong#feedback if they answer right}
            _, wrong, right = ([*answers.split("#", 2), "", ""])[:3]
            is_true = _TRUE_FALSE[value]
            question.choices = [
                ImportedChoice("True", is_true, _clean(right if is_true else wrong)),
                ImportedChoice("False", not is_true, _clean(wrong if is_true else right)),
            ]
            return True
        else:
            self.unsupported("short-answer question")
        return False

    def read_choices(self, question: ImportedQuestion, start: int, end: int) -> bool:
        text = self.chunk.text
        if (count := text.count("=", start, end) + text.count("~", start, end)) > MAX_CHOICES:
            self.error(
                None, f"{self.label} has {count:,} answers; a question holds at most {MAX_CHOICES}"
            )
            return False
        marks = [m.start() for m in re.finditer("[=~]", text[start:end])]
        if lead := text[start : start + marks[0]].strip():
            self.error(
                start,
                f"{_quote(lead)} comes before the first answer of {self.label}: start "
                "every answer with = (right) or ~ (wrong)",
            )
        weights: list[float | None] = []
        for n, (mark, next_mark) in enumerate(pairwise([*marks, end - start]), start=1):
            offset, marker = start + mark, text[start + mark]
            body = text[offset + 1 : start + next_mark].strip()
            weight, body = self.weight(offset, marker, body)
            answer, _, feedback = body.partition("#")
            choice = ImportedChoice(_clean(answer), feedback=_clean(feedback))
            if not choice.text:
                self.error(
                    offset,
                    f"answer {n} of {self.label} is empty ({_quote(marker + body)}): "
                    f"write its text after the {marker}, or remove it",
                )
            question.choices.append(choice)
            weights.append(weight)
        markers = [text[start + mark] for mark in marks]
        if "=" in markers:
            self.check_single(markers, weights)
            for choice, marker in zip(question.choices, markers, strict=True):
                choice.is_correct = marker == "="
        else:
            for choice, weight in zip(question.choices, weights, strict=True):
                choice.is_correct = (weight or 0) > 0
            if not self.bad_weight:  # the sum of weights we could not read says nothing
                self.check_weights(weights)
        if len(question.choices) < 2:
            self.error(None, f"{self.label} has one answer; a multiple-choice question needs two")
        return True

    def weight(self, offset: int, marker: str, body: str) -> tuple[float | None, str]:
        """The `%50%` weight of an answer and the rest of it; errors for weights that are not."""
        found = _WEIGHT.match(body)
        if marker == "=":
            if found and _NUMBER.fullmatch(found.group(1).strip()):
                self.error(
                    offset,
                    f"{_quote('=' + body)} in {self.label}: an = answer is fully right and takes "
                    "no weight; give weights with ~ (~%50%A ~%50%B) or drop the %…%",
                )
            return None, body
        if not body.startswith("%"):
            return None, body
        number = found and _NUMBER.fullmatch(found.group(1).strip())
        if number and -100 <= float(number.group()) <= 100:
            return float(number.group()), body[found.end() :]
        shown = found.group() if found else body.split()[0]
        self.bad_weight = True
        self.error(
            offset,
            f'bad weight "{_restore(shown)}" in {self.label}: write a percentage between -100 '
            "and 100 between two % signs, like ~%50%right or ~%-100%wrong",
        )
        return None, body

    def check_single(self, markers: list[str], weights: list[float | None]) -> None:
        if markers.count("=") > 1:
            self.error(
                None,
                f"{self.label} marks {markers.count('=')} answers with =: a question with "
                "several correct answers gives each a weight instead, like ~%50%A ~%50%B ~%-100%C",
            )
        if markers.count("=") == 1 and any((weight or 0) > 0 for weight in weights):
            # Moodle: a single-answer question, the = answer fully right, the others worth
            # part of the mark. Answers here are right or wrong: the = answer is the key.
            partial = [f"{weight:g}%" for weight in weights if (weight or 0) > 0]
            self.parsed.warn(
                self.start,
                f"{self.label} gives partial credit ({', '.join(partial)}) beside its = answer; "
                "imported with the = answer as the key, the partly right answers as wrong "
                "(answers here are right or wrong)",
            )

    def check_weights(self, weights: list[float | None]) -> None:
        positive = [weight for weight in weights if weight and weight > 0]
        if not positive:
            self.error(
                None,
                f"{self.label} has no correct answer: mark the right one with = instead of ~ "
                "(or, for several, give each a positive weight like ~%50%)",
            )
        elif abs(sum(positive) - 100) > 0.5:  # Moodle rounds the total to two decimals
            total = f"{sum(positive):g}"
            self.error(
                None,
                f"the weights of the correct answers of {self.label} add up to {total}%, "
                "not 100%: split 100 among them (~%50% each for two, ~%33.33333% for three)",
            )


def _escape(text: str) -> str:
    text = text.strip().replace("\r\n", "\n").replace("\r", "").replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _answer_text(text: str, tag: str) -> str:
    """A choice or feedback; texts that would read as a weight or a format tag get the
    question's own format tag first, which both Moodle and we drop."""
    escaped = _escape(text)
    if escaped.startswith("%") or _FORMAT_TAG.match(escaped):
        return f"[{tag}]{escaped}"
    return escaped


def _weight(correct: int) -> str:
    """100 split evenly, written with the five decimals of Moodle's grade list (33.33333)."""
    return f"{100 / correct:.5f}".rstrip("0").rstrip(".")


def _write_question(question: ImportedQuestion) -> str:
    tag = _TAGS.get(question.text_format, "markdown")
    head = f"{EXTRAS_COMMENT}{question.extras.to_json()}\n" if question.extras else ""
    head += f"::{_escape(question.name)}::" if question.name else ""
    head += f"[{tag}]{_escape(question.stem)}"
    # Outdated keys go into the general feedback, a paragraph each, so they are not lost.
    general = "\n\n".join(t.strip() for t in [question.explanation, *question.outdated] if t)
    general = f"####{_answer_text(general, tag)}" if general else ""
    choices = question.choices
    if [c.text for c in choices] == ["True", "False"] and question.correct_count == 1:
        right, wrong = (choices[0], choices[1]) if choices[0].is_correct else choices[::-1]
        feedback = ""
        if wrong.feedback.strip() or right.feedback.strip():
            feedback = f"#{_answer_text(wrong.feedback, tag)}"
        if right.feedback.strip():
            feedback += f"#{_answer_text(right.feedback, tag)}"
        value = "TRUE" if choices[0].is_correct else "FALSE"
        return f"{head}{{{value}{feedback}{general}}}"
    lines = [head + "{"]
    for choice in choices:
        if question.correct_count == 1:
            marker = "=" if choice.is_correct else "~"
        else:
            marker = f"~%{_weight(question.correct_count)}%" if choice.is_correct else "~%-100%"
        line = f"\t{marker}{_answer_text(choice.text, tag)}"
        if choice.feedback.strip():
            line += f"#{_answer_text(choice.feedback, tag)}"
        lines.append(line)
    if general:
        lines.append(f"\t{general}")
    return "\n".join([*lines, "}"])


def write_gift(questions: list[ImportedQuestion]) -> str:
    """GIFT that Moodle imports (Question bank > Import > GIFT format) and we read back."""
    out = [f"// {len(questions)} questions in GIFT format, for Moodle and for this app", ""]
    category = ""
    for question in questions:
        if question.category and question.category != category:
            category = question.category
            # A category line is a question of its own in Moodle: a blank line must follow.
            out += [f"$CATEGORY: $course$/{category}", ""]
        out += [_write_question(question), ""]
    return "\n".join(out)
