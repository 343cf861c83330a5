"""CSV from a spreadsheet: one question a row, markdown text, a header naming the columns.

Columns (any order, names in any case): stem, A..F, correct ("B", "A,C" or "A C"),
explanation, topic, id, A_explanation..F_explanation. A file saved by a European Excel
with ";" between cells is read too. Written files start with a byte-order mark so that
Excel opens them as UTF-8.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
formula (CSV injection), so the writer puts a "'" before such a cell, as OWASP advises;
the reader takes exactly that "'" off again, so a file we write reads back unchanged. A
text that itself starts with "'" and then one of those characters ("'=x") gets one more
"'" the same way, so it comes back as it was too.
"""

import csv
import io
import re

from content.interchange.model import BankExtras, ImportedChoice, ImportedQuestion, Parsed, brief

LETTERS = "ABCDEF"
_EXPLAINED = [f"{letter}_explanation" for letter in LETTERS]
# What only the bank keeps of a question (model.BankExtras, bank_id being our id), and its
# answer key history ("D was correct until Feb 2017: why", one a paragraph): our exports
# write the columns some question fills, so a re-import reproduces the question.
_EXTRA_TEXTS = ["set", "source", "disputed", "domain", "difficulty", "last_verified"]
_EXTRAS = ["bank_id", "set", "number", "source", "disputed", "domain", "difficulty"]
_EXTRAS += ["last_verified", "references", "key_history"]
_COLUMNS = ["id", "topic", "stem", *LETTERS, "correct", "explanation", *_EXPLAINED, *_EXTRAS]
_REQUIRED = ["stem", "A", "B", "correct"]
_CANONICAL = {name.lower(): name for name in _COLUMNS}
_KNOWN = (
    "stem, A–F, correct, explanation, topic, id, A_explanation–F_explanation; from our "
    "exports also bank_id, set, number, source, disputed, domain, difficulty, last_verified, "
    "references, key_history"
)
# A cell a spreadsheet would run, after any "'"s we added before it; one "'" is ours.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
# Far more cells than the columns above, for sheets that carry empty or helper columns;
# a longer row is refused before any of its cells is looked at.
MAX_CELLS = 1000

CSV_TEMPLATE = """\
id,topic,stem,A,B,C,D,correct,explanation,A_explanation,B_explanation
s3-archive-class,Storage,Which S3 storage class costs least for archives read once a year?,\
S3 Standard,S3 Glacier Deep Archive,S3 Intelligent-Tiering,S3 One Zone-IA,B,\
"Deep Archive has the lowest price per GB; restores take hours, which yearly reads allow.",\
,Lowest storage price.
iam-least-privilege,Security,"Which **two** practices follow least privilege?

(Choose two.)",Grant only the actions a role needs,Give every user AdministratorAccess,\
Use IAM roles for applications on EC2,Share one user's access keys,"A,C",\
Narrow policies and roles limit what a leaked credential can do.,,
"""


def parse_csv(text: str) -> Parsed:
    parsed = Parsed()
    with parsed.reading():
        _read_csv(text.removeprefix("\ufeff"), parsed)
    return parsed


def _read_csv(text: str, parsed: Parsed) -> None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    columns: dict[str, int] | None = None
    named: set[int] = set()  # positions of the header's named columns, unknown ones included
    width = 0  # the header's cells
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num  # line_num is where the row ends
            if len(row) > MAX_CELLS:
                parsed.error(
                    start,
                    f"the row has {len(row):,} cells; a question file has at most "
                    f"{MAX_CELLS:,} columns (the columns are: {_KNOWN})",
                )
                if columns is None:
                    return
                continue
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = _header(row, start, parsed)
                if columns is None:
                    return
                named = {i for i, name in enumerate(row) if name.strip()}
                width = len(row)
                continue
            _row(row, start, columns, width, named, parsed)
    except csv.Error as error:
        reason = str(error)
        if reason.startswith("field larger than field limit"):
            reason = f"a cell is longer than {csv.field_size_limit():,} characters"
        parsed.error(
            end + 1,
            f"the CSV cannot be read from here on ({reason}): a cell with a line break, comma "
            'or quote must be in double quotes, with quotes inside doubled ("")',
        )
    if columns is None and not parsed.problems:
        parsed.error(1, f"the file has no header row; the first row names the columns: {_KNOWN}")


def _delimiter(text: str) -> str:
    first = text.partition("\n")[0]
    counts = {sep: first.count(sep) for sep in ",;\t"}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _header(row: list[str], line: int, parsed: Parsed) -> dict[str, int] | None:
    """Column name -> position; None (after recording why) if rows can't be read."""
    columns: dict[str, int] = {}
    unknown = []
    for position, cell in enumerate(row):
        raw = cell.strip()
        if not raw:
            continue  # an unnamed column may only hold empty cells; checked per row
        name = _CANONICAL.get(re.sub(r"[\s-]+", "_", raw.lower()))
        if name is None:
            unknown.append(f'"{brief(raw, 30)}"')
        elif name in columns:
            parsed.error(line, f'column "{name}" appears twice in the header')
        else:
            columns[name] = position
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        parsed.error(line, f"unknown column{plural} {_some(unknown)}; the columns are: {_KNOWN}")
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        found = _some([f'"{brief(cell.strip(), 30)}"' for cell in row if cell.strip()])
        parsed.error(
            line,
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
            f"the header has {found}. The first row names the columns: {_KNOWN}",
        )
        return None
    return columns


def _some(names: list[str], limit: int = 10) -> str:
    """The first few of a list for a message: a header can have a million cells."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit:,} more"


def _row(
    row: list[str],
    line: int,
    columns: dict[str, int],
    width: int,
    named: set[int],
    parsed: Parsed,
) -> None:
    errors = []
    stray = [i for i, cell in enumerate(row) if i not in named and cell.strip()]
    if any(i >= width for i in stray):
        errors.append(
            f"the row has {len(row)} cells but the header has {width} columns; put cells "
            'that contain a comma in double quotes ("a, b")'
        )
    elif stray:
        errors.append(f'cell {stray[0] + 1} ("{brief(row[stray[0]], 50)}") has no column name')
    cell = {name: _cell(row, i) for name, i in columns.items()}
    if not cell["stem"]:
        errors.append("the stem is empty")
    filled = [letter for letter in LETTERS if cell.get(letter)]
    if len(filled) < 2:
        errors.append(f"the row has {len(filled)} choice(s); fill at least A and B")
    # Choices are lettered in order on import, so a gap would shift the later ones.
    if gap := next((x for x in LETTERS[: len(filled)] if not cell.get(x)), None):
        after = next(x for x in filled if x > gap)
        errors.append(f"choice {after} is filled but {gap} is empty; move the choices up")
    for letter in LETTERS:
        if cell.get(f"{letter}_explanation") and not cell.get(letter):
            errors.append(f"{letter}_explanation is filled but choice {letter} is empty")
    correct = _correct(cell["correct"], set(filled), errors)
    extras = _extras(cell, errors)
    if errors:
        for message in errors:
            parsed.error(line, message)
        return
    parsed.add(
        ImportedQuestion(
            line=line,
            stem=cell["stem"],
            choices=[
                ImportedChoice(cell[x], x in correct, cell.get(f"{x}_explanation", ""))
                for x in filled
            ],
            name=cell.get("id", ""),
            category=cell.get("topic", ""),
            explanation=cell.get("explanation", ""),
            outdated=[n.strip() for n in cell.get("key_history", "").split("\n\n") if n.strip()],
            extras=extras,
        )
    )


def _extras(cell: dict[str, str], errors: list[str]) -> BankExtras:
    number = cell.get("number", "")
    if number and not number.isdigit():
        errors.append(f'number "{brief(number, 20)}" is not a whole number')
        number = ""
    extras = BankExtras(
        id=cell.get("bank_id", ""),
        number=int(number or 0),
        references=[ref.strip() for ref in cell.get("references", "").split("\n") if ref.strip()],
        **{name: cell.get(name, "") for name in _EXTRA_TEXTS},
    )
    if problem := extras.problem():
        errors.append(problem)
    return extras


def _cell(row: list[str], position: int) -> str:
    if position >= len(row):
        return ""
    text = row[position]
    if _NEUTRALISED.match(text):  # as our writer wrote it: the text exactly, after the "'"
        return text[1:].replace("\r\n", "\n")
    return text.replace("\r\n", "\n").strip()


def _neutralised(text: str) -> str:
    """A cell as the writer puts it: with a "'" first when a spreadsheet would run it."""
    return "'" + text if _FORMULA.match(text) else text


def _correct(value: str, filled: set[str], errors: list[str]) -> set[str]:
    if not value:
        errors.append("correct is empty; give the right choice's letter, e.g. B or A,C")
        return set()
    letters = set()
    for token in re.split(r"[\s,;/]+", value.upper()):
        if not token:
            continue
        if len(token) != 1 or not token.isalpha():
            errors.append(
                f'correct "{brief(value, 50)}" is not a list of choice letters; write e.g. B or A,C'
            )
        elif token not in LETTERS:
            errors.append(f"correct names {token}, but the choices are A to F")
        elif token not in filled:
            errors.append(f"correct names {token}, but choice {token} is empty")
        letters.add(token)
    return letters


def write_csv(questions: list[ImportedQuestion]) -> str:
    """One row a question; as many choice columns as the widest question needs."""
    for question in questions:
        if len(question.choices) > len(LETTERS):
            raise ValueError(
                f'question "{question.name or brief(question.stem, 50)}" has '
                f"{len(question.choices)} choices; CSV holds {len(LETTERS)} (A–F): "
                "export it as GIFT or Moodle XML"
            )
    used = LETTERS[: max([2, *(len(q.choices) for q in questions)])]
    header = ["id", "topic", "stem", *used, "correct", "explanation"]
    header += [f"{letter}_explanation" for letter in used]
    extras = [_extra_cells(q) for q in questions]
    extra_columns = [name for name in _EXTRAS if any(cells[name] for cells in extras)]
    header += extra_columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for question, extra in zip(questions, extras, strict=True):
        choices = dict(zip(used, question.choices, strict=False))
        row = [
            question.name,
            question.category,
            question.stem,
            *(choices[x].text if x in choices else "" for x in used),
            ",".join(x for x, choice in choices.items() if choice.is_correct),
            question.explanation,
            *(choices[x].feedback if x in choices else "" for x in used),
            *(extra[name] for name in extra_columns),
        ]
        writer.writerow([_neutralised(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def _extra_cells(question: ImportedQuestion) -> dict[str, str]:
    extras = question.extras
    return {
        "bank_id": extras.id,
        "number": str(extras.number or ""),
        "references": "\n".join(extras.references),
        "key_history": "\n\n".join(" ".join(note.split()) for note in question.outdated),
        **{name: getattr(extras, name) for name in _EXTRA_TEXTS},
    }
