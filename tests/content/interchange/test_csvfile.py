"""CSV from a spreadsheet: columns by name, errors by the line where the row starts."""

import csv
import io
from dataclasses import replace
from pathlib import Path

from content.interchange.csvfile import CSV_TEMPLATE, parse_csv, write_csv
from content.interchange.formats import parse_bytes
from content.interchange.model import MARKDOWN, ImportedChoice, ImportedQuestion

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def problems(parsed) -> list[tuple[int, str]]:
    return sorted((problem.line, problem.message) for problem in parsed.problems)


def test_columns_are_found_by_name_in_any_order_and_case():
    parsed = parse_csv(fixture("csv_questions.csv"))
    assert parsed.problems == []
    archive = parsed.questions[0]
    assert archive == ImportedQuestion(
        line=2,
        name="s3-archive",
        category="Storage",
        stem="Which S3 storage class costs least for data read once a year?",
        choices=[
            ImportedChoice("S3 Standard", False, "Priced for frequent access."),
            ImportedChoice("S3 Glacier Deep Archive", True),
            ImportedChoice("S3 Intelligent-Tiering", False),
        ],
        explanation="Deep Archive has the lowest price per GB.",
        text_format=MARKDOWN,
    )


def test_quoted_cells_keep_line_breaks_commas_and_quotes():
    two = parse_csv(fixture("csv_questions.csv")).questions[1]
    assert two.stem == "Which **two** practices follow least privilege?\n\n(Choose two.)"
    assert [c.text for c in two.choices] == [
        "Grant only the actions a role needs",
        'Give everyone "AdministratorAccess", to save time',
        "Use IAM roles for workloads",
        "Share access keys",
        "Rotate nothing",
    ]
    assert [c.is_correct for c in two.choices] == [True, False, True, False, False]
    assert two.explanation == "Roles and narrow policies\nlimit the blast radius."
    assert [c.feedback for c in two.choices][:3] == [
        "Least privilege in one line.",
        "",
        "Roles hand out temporary credentials.",
    ]


def test_each_question_gets_the_line_where_its_row_starts():
    parsed = parse_csv(fixture("csv_questions.csv"))
    # Row 2 is one line, a blank line follows, row 3 spans lines 4 to 7.
    assert [q.line for q in parsed.questions] == [2, 4, 8]
    last = parsed.questions[2]
    assert (last.name, last.category, last.explanation) == ("", "", "")


def test_a_semicolon_separated_file_from_excel_is_read():
    parsed = parse_csv('stem;A;B;correct\n"Which, of these?";One;Two;B\n')
    assert parsed.problems == []
    [question] = parsed.questions
    assert question.stem == "Which, of these?"
    assert [c.is_correct for c in question.choices] == [False, True]


OURS = (
    "; from our exports also bank_id, set, number, source, disputed, domain, difficulty, "
    "last_verified, references, key_history"
)


def test_missing_required_columns_are_named_with_the_columns_found():
    parsed = parse_csv(fixture("csv_wrong_columns.csv"))
    assert parsed.questions == []
    assert problems(parsed) == [
        (
            1,
            'missing required columns stem, A, correct; the header has "question", "Answer A", '
            '"B", "right answer". The first row names the columns: stem, A–F, correct, '
            "explanation, topic, id, A_explanation–F_explanation" + OURS,
        ),
        (
            1,
            'unknown columns "question", "Answer A", "right answer"; the columns are: stem, A–F, '
            "correct, explanation, topic, id, A_explanation–F_explanation" + OURS,
        ),
    ]


def test_an_unknown_column_is_an_error_and_the_rows_are_still_checked():
    parsed = parse_csv("stem,A,B,correct,level\nQ?,One,Two,A,hard\nR?,One,Two,,easy\n")
    assert problems(parsed) == [
        (
            1,
            'unknown column "level"; the columns are: stem, A–F, correct, explanation, topic, id, '
            "A_explanation–F_explanation" + OURS,
        ),
        (3, "correct is empty; give the right choice's letter, e.g. B or A,C"),
    ]


def test_every_broken_row_is_reported_with_its_line_and_left_out():
    parsed = parse_csv(fixture("csv_broken.csv"))
    assert [(q.line, q.stem) for q in parsed.questions] == [
        (2, "Which service stores secrets?"),
        (12, "Which region is in Europe?"),
    ]
    assert problems(parsed) == [
        (3, "the stem is empty"),
        (4, "the row has 1 choice(s); fill at least A and B"),
        (5, "correct names G, but the choices are A to F"),
        (6, "correct names C, but choice C is empty"),
        (7, "choice D is filled but C is empty; move the choices up"),
        (
            8,
            'the row has 8 cells but the header has 7 columns; put cells that contain a comma in double quotes ("a, b")',
        ),
        (9, 'correct "AC" is not a list of choice letters; write e.g. B or A,C'),
        (10, "correct is empty; give the right choice's letter, e.g. B or A,C"),
    ]


def test_trailing_empty_cells_are_not_a_row_too_long():
    parsed = parse_csv("stem,A,B,correct\nQ?,One,Two,A,,,\n")
    assert parsed.problems == [] and len(parsed.questions) == 1


def test_an_unclosed_quote_is_reported_at_the_row_where_it_opens():
    parsed = parse_csv('stem,A,B,correct\nFine?,One,Two,A\n"Broken?,One,Two,A\nMore?,One,Two,A\n')
    assert [q.line for q in parsed.questions] == [2]
    [(line, message)] = problems(parsed)
    assert line == 3
    assert message.startswith("the CSV cannot be read from here on (unexpected end of data)")


def test_an_upload_with_excel_byte_order_mark_is_read():
    parsed = parse_bytes(b"\xef\xbb\xbfStem,A,B,Correct\r\nQ?,One,Two,A\r\n", "csv")
    assert parsed.problems == [] and len(parsed.questions) == 1


def test_the_downloadable_template_is_a_valid_file():
    parsed = parse_csv(CSV_TEMPLATE)
    assert parsed.problems == []
    assert [q.name for q in parsed.questions] == ["s3-archive-class", "iam-least-privilege"]
    assert [q.correct_count for q in parsed.questions] == [1, 2]


def bank_questions() -> list[ImportedQuestion]:
    return [
        ImportedQuestion(
            line=0,
            name="iam-roles",
            category="AWS Solutions Architect/IAM",
            stem='How should an app get credentials?\n\nSay "roles", comma, done.',
            choices=[
                ImportedChoice("Attach an IAM role", True, "Roles rotate, always."),
                ImportedChoice("- keys in code", False),
                ImportedChoice("=SUM(A1)", False, "Not a formula."),
                ImportedChoice("Four", False),
                ImportedChoice("Five", False),
                ImportedChoice("Six", False, "Last."),
            ],
            explanation="Roles.\nTwo lines.",
        ),
        ImportedQuestion(
            line=0,
            name="s3-two",
            category="AWS Solutions Architect/S3",
            stem="Which two?",
            choices=[ImportedChoice("A", True), ImportedChoice("B"), ImportedChoice("C", True)],
        ),
    ]


def test_written_file_parses_back_to_the_same_questions():
    questions = bank_questions()
    text = write_csv(questions)
    assert text.startswith("\ufeffid,topic,stem,A,B,C,D,E,F,correct,explanation,A_explanation,")
    parsed = parse_csv(text)
    assert parsed.problems == []
    assert [replace(q, line=0) for q in parsed.questions] == questions


def test_writer_gives_only_the_choice_columns_the_questions_need():
    text = write_csv(bank_questions()[1:])
    header, row = text.removeprefix("\ufeff").splitlines()
    assert (
        header
        == "id,topic,stem,A,B,C,correct,explanation,A_explanation,B_explanation,C_explanation"
    )
    assert row == 's3-two,AWS Solutions Architect/S3,Which two?,A,B,C,"A,C",,,,'


def test_writer_refuses_a_question_with_more_choices_than_columns():
    question = ImportedQuestion(
        line=0,
        name="big",
        stem="Seven?",
        choices=[ImportedChoice(str(n), n == 1) for n in range(7)],
    )
    try:
        write_csv([question])
    except ValueError as error:
        assert 'question "big" has 7 choices; CSV holds 6 (A–F)' in str(error)
    else:
        raise AssertionError("seven choices were written")


def formula_question() -> ImportedQuestion:
    """Texts a spreadsheet would run as formulas (CSV injection), and a leading "'" of the
    text's own that must survive our export's protective "'"."""
    return ImportedQuestion(
        line=0,
        name="formulas",
        stem="=1+1 is what a spreadsheet computes",
        choices=[
            ImportedChoice("-5", True, "@SUM(1;2) is a formula too"),
            ImportedChoice("+x"),
            ImportedChoice("\tindented with a tab"),
            ImportedChoice("'quoted by the author"),
            ImportedChoice("'=already protected by the author"),
            ImportedChoice("@SUM(1;2)"),
        ],
        explanation="\rcarriage return first",
    )


def test_export_puts_a_quote_before_cells_a_spreadsheet_would_run():
    rows = list(csv.reader(io.StringIO(write_csv([formula_question()]).removeprefix("\ufeff"))))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["stem"] == "'=1+1 is what a spreadsheet computes"
    assert [cells[x] for x in "ABCDEF"] == [
        "'-5",
        "'+x",
        "'\tindented with a tab",
        "'quoted by the author",  # not a formula: left as written
        "''=already protected by the author",  # one more "'", taken off again on import
        "'@SUM(1;2)",
    ]
    assert cells["A_explanation"] == "'@SUM(1;2) is a formula too"
    assert cells["explanation"] == "'\rcarriage return first"
    assert cells["correct"] == "A" and cells["id"] == "formulas"
    dangerous = [cell for cell in rows[1] if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []


def test_import_takes_off_exactly_the_quote_the_export_added():
    question = formula_question()
    parsed = parse_csv(write_csv([question]))
    assert parsed.problems == []
    assert [replace(q, line=0) for q in parsed.questions] == [question]


def test_a_quote_before_a_formula_in_a_foreign_file_is_taken_off_like_ours():
    text = "stem,A,B,correct\n'=cmd,'-5,'plain,A\n"
    [question] = parse_csv(text).questions
    assert question.stem == "=cmd"
    assert [c.text for c in question.choices] == ["-5", "'plain"]
