"""Bad content files: every problem reported as file:line, exit non-zero, database untouched."""

import io
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from content.importer import ContentInvalid, content_import
from content.library import read_library
from quiz.models import AnswerKeyRevision, Choice, Comment, Question
from study.models import Certification, Note, Topic, WhatsNewItem

pytestmark = pytest.mark.django_db

TOPIC = "aws-saa/ec2-security"


def edit(library_copy, name, old, new, count=1):
    path = library_copy / TOPIC / name
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, count))


def line_number(library_copy, name, needle, occurrence=1):
    lines = (library_copy / TOPIC / name).read_text().split("\n")
    hits = [index + 1 for index, line in enumerate(lines) if needle in line]
    return hits[occurrence - 1]


def errors_of(library_copy) -> list[str]:
    _library, errors = read_library(library_copy)
    return [str(error) for error in errors]


def snapshot():
    """Every row of the content models, to prove an import changed nothing."""
    models = [
        Certification,
        Topic,
        Note,
        WhatsNewItem,
        Question,
        Choice,
        AnswerKeyRevision,
        Comment,
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@dataclass(frozen=True)
class Broken:
    """One edit of a shipped file and the error it must cause.

    `error` may name `{path}` (library/<topic>/<file>) and `{line}`: the line `at` names, as
    a text on it (its first occurrence, or the nth as `(text, n)`) or as a number. `match`
    says how an error must meet it: "is" exactly, "ends" with it, "has" it inside."""

    file: str
    old: str
    new: str
    error: str
    at: str | tuple[str, int] | int | None = None
    match: str = "ends"


BROKEN = {
    "a number that is no whole number": Broken(
        "questions.yaml", "  number: 4\n", "  number: four\n",
        "questions.yaml:{line}: 'number' must be a whole number, not 'four'", at="number: four",
    ),
    "no correct choice": Broken(
        "questions.yaml",
        "    text: Removes one or more rules from a security group\n    correct: true\n",
        "    text: Removes one or more rules from a security group\n",
        "{path}:{line}: question ec2-security-q02: no choice is marked correct",
        at=("choices:", 2), match="is",
    ),
    # Q6 is "choose 2" with A and B correct; unmark B.
    "choose differs from the correct choices": Broken(
        "questions.yaml",
        "    text: Add an IAM Role to a running EC2 instance.\n    correct: true\n",
        "    text: Add an IAM Role to a running EC2 instance.\n",
        "questions.yaml:{line}: question ec2-security-q06: choose is 2 but 1 choice(s) are "
        "marked correct (A): they must be equal",
        at="choose: 2",
    ),
    "a label used twice": Broken(
        "questions.yaml", "  - label: D\n    text: '1'", "  - label: C\n    text: '1'",
        "label C is used twice (choices 3 and 4)", match="has",
    ),
    "duplicate_of an unknown question": Broken(
        "questions.yaml", "duplicate_of: ec2-security-q07", "duplicate_of: ec2-security-q77",
        "questions.yaml:{line}: duplicate_of 'ec2-security-q77' is not a question id in the "
        "library",
        at="duplicate_of:",
    ),
    "a thread on an unknown question": Broken(
        "discussion.yaml", "- question: ec2-security-q06", "- question: ec2-security-q66",
        "discussion.yaml:{line}: thread question 'ec2-security-q66' is not a question id in "
        "the library",
        at="- question: ec2-security-q66",
    ),
    "an unknown set": Broken(
        "questions.yaml", "  set: new-practice\n  number: 3", "  set: brand-new\n  number: 3",
        "questions.yaml:{line}: question ec2-security-new-q03: set 'brand-new' is not one of "
        "'sets'",
        at="set: brand-new",
    ),
    "an earlier key with an unknown label": Broken(
        "questions.yaml", "  - correct:\n    - D\n", "  - correct:\n    - Z\n",
        "earlier key names label(s) Z that no choice has", match="has",
    ),
    "an until that is no date": Broken(
        "questions.yaml", "until: 2017-02", "until: February 2017",
        "questions.yaml:{line}: question ec2-security-q01: 'until' must be a date as YYYY-MM or "
        "YYYY-MM-DD, not 'February 2017'",
        at="until: February 2017",
    ),
    "a field given twice": Broken(
        "questions.yaml", "  number: 4\n", "  number: 4\n  number: 5\n",
        "questions.yaml:{line}: field 'number' is given twice", at="number: 5",
    ),
    "notes with text before the first heading": Broken(
        "notes.md", "---\n## AWS EC2 Security", "---\nStray intro text.\n## AWS EC2 Security",
        "{path}:{line}: notes must start with a '## ' section heading", at=8, match="is",
    ),
    "a slug that is not the folder's name": Broken(
        "notes.md", "slug: ec2-security", "slug: ec2-sec",
        "{path}:{line}: slug 'ec2-sec' must equal the folder name 'ec2-security'",
        at=2, match="is",
    ),
    "a comment without a body": Broken(
        "discussion.yaml", "    author: Vishal\n    body: |", "    author: Vishal\n    bodyx: |",
        "comment ec2-security-c13 has no body", match="has",
    ),
    "a reference to a choice the question lacks": Broken(
        "questions.yaml", "[[E]] was correct before", "[[F]] was correct before",
        "{path}:{line}: question ec2-security-q06: earlier key 1's note refers to choice(s) "
        "[[F]] that the question does not have",
        at="[[F]] was correct before", match="is",
    ),
}  # fmt: skip

MATCHES = {
    "is": lambda error, expected: error == expected,
    "ends": lambda error, expected: error.endswith(expected),
    "has": lambda error, expected: expected in error,
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_file_reports_its_error_with_file_and_line(library_copy, broken):
    edit(library_copy, broken.file, broken.old, broken.new)
    if isinstance(broken.at, int) or broken.at is None:
        line = broken.at
    else:
        needle, occurrence = broken.at if isinstance(broken.at, tuple) else (broken.at, 1)
        line = line_number(library_copy, broken.file, needle, occurrence)
    expected = broken.error.format(path=f"library/{TOPIC}/{broken.file}", line=line)
    errors = errors_of(library_copy)
    assert any(MATCHES[broken.match](error, expected) for error in errors), errors


def test_missing_required_field_reports_file_and_line(library_copy):
    edit(
        library_copy,
        "questions.yaml",
        "  stem: What does the following command",
        "  stm: What does the following command",
    )
    line = line_number(library_copy, "questions.yaml", "  stm: What does")
    errors = errors_of(library_copy)
    assert (
        f"library/{TOPIC}/questions.yaml:{line}: unknown field 'stm' in question ec2-security-q02"
        in errors[0]
        or any(f"questions.yaml:{line}: unknown field 'stm'" in e for e in errors)
    )
    assert any("is missing the required field 'stem'" in e for e in errors)


def test_fewer_than_two_choices(library_copy):
    path = library_copy / TOPIC / "questions.yaml"
    text = path.read_text()
    # Q4's choices B, C and D (with their explanations), up to its references.
    cut = re.compile(r"  - label: B\n    text: '2'\n.*?(?=  references:)", re.DOTALL)
    assert cut.search(text), "test setup: Q4's choices not found"
    path.write_text(cut.sub("", text, count=1))
    errors = errors_of(library_copy)
    assert any(
        "question ec2-security-q04: a question needs at least two choices, it has 1" in e
        for e in errors
    )
    assert any("no choice is marked correct" in e for e in errors)


def test_duplicate_question_id(library_copy):
    edit(library_copy, "questions.yaml", "- id: ec2-security-q05", "- id: ec2-security-q04")
    second = line_number(library_copy, "questions.yaml", "- id: ec2-security-q04", occurrence=2)
    first = line_number(library_copy, "questions.yaml", "- id: ec2-security-q04", occurrence=1)
    assert any(
        e.endswith(
            f"questions.yaml:{second}: question id 'ec2-security-q04' is already used at library/{TOPIC}/questions.yaml:{first}"
        )
        for e in errors_of(library_copy)
    )


def test_yaml_syntax_error_has_a_line(library_copy):
    edit(library_copy, "discussion.yaml", "threads:\n", "threads:\n  - [unclosed\n")
    errors = errors_of(library_copy)
    assert (
        len(errors) == 1
        and errors[0].startswith(f"library/{TOPIC}/discussion.yaml:")
        and "invalid YAML" in errors[0]
    )


def test_notes_without_front_matter(library_copy):
    path = library_copy / TOPIC / "notes.md"
    path.write_text(path.read_text().split("---\n", 2)[2])
    assert (
        f"library/{TOPIC}/notes.md:1: topic must start with front matter between two '---' lines"
        in errors_of(library_copy)
    )


def test_every_error_is_reported_not_just_the_first(library_copy):
    edit(library_copy, "questions.yaml", "  number: 4\n", "  number: four\n")
    edit(library_copy, "discussion.yaml", "- question: ec2-security-q06", "- question: nope")
    edit(library_copy, "notes.md", "title: EC2 Security", "title:")
    errors = errors_of(library_copy)
    assert len(errors) == 3
    assert {e.split(":")[0].rsplit("/", 1)[1] for e in errors} == {
        "questions.yaml",
        "discussion.yaml",
        "notes.md",
    }


def test_bad_library_leaves_the_database_exactly_as_it_was(library, library_copy):
    # Change something valid AND break one file: nothing at all may be written.
    edit(
        library_copy, "questions.yaml", "Removes one or more rules from a security group", "CHANGED"
    )
    edit(library_copy, "discussion.yaml", "- question: ec2-security-q06", "- question: nope")
    before = snapshot()
    with pytest.raises(ContentInvalid):
        content_import(root=library_copy)
    assert snapshot() == before


def test_failure_while_writing_rolls_everything_back(db, library_copy, monkeypatch):
    import content.importer as importer

    original = importer.comment_sync

    def failing_comment_sync(**kwargs):
        if kwargs["ext_id"] == "ec2-security-c10":
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(importer, "comment_sync", failing_comment_sync)
    with pytest.raises(RuntimeError):
        content_import(root=library_copy)
    assert Question.objects.count() == 0 and Topic.objects.count() == 0


def test_command_prints_every_error_and_fails(db, library_copy):
    edit(library_copy, "questions.yaml", "  number: 4\n", "  number: four\n")
    edit(library_copy, "discussion.yaml", "- question: ec2-security-q06", "- question: nope")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\) found .* nothing was imported"):
        call_command("import_content", str(library_copy), stderr=stderr)
    printed = stderr.getvalue().strip().split("\n")
    assert len(printed) == 2 and all(":" in line for line in printed)
    assert Question.objects.count() == 0


def test_command_exits_non_zero_from_the_shell(library_copy, tmp_path):
    edit(library_copy, "questions.yaml", "  number: 4\n", "  number: four\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_content", str(library_copy)],
        capture_output=True,
        text=True,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert "questions.yaml:" in result.stderr and "'number' must be a whole number" in result.stderr


def test_missing_library_folder(tmp_path):
    with pytest.raises(ContentInvalid) as raised:
        content_import(root=tmp_path / "nowhere")
    assert "does not exist" in str(raised.value.errors[0])


# ---- choice references and explanations -------------------------------------------------


def test_a_bare_letter_naming_a_choice_is_an_error_with_its_line(library_copy):
    edit(
        library_copy,
        "questions.yaml",
        "note: '[[E]] was correct before",
        "note: 'E was correct before",
    )
    line = line_number(library_copy, "questions.yaml", "note: 'E was correct before")
    [error] = errors_of(library_copy)
    assert error.startswith(
        f"library/{TOPIC}/questions.yaml:{line}: question ec2-security-q06: earlier key 1's note "
        "names choice E by a bare letter (“E was correct before"
    )
    assert error.endswith(
        "choices are shuffled for each learner, so write [[E]] (or set shuffle: false to keep "
        "the choices in order)"
    )


def test_a_bare_letter_inside_a_long_text_points_at_its_own_line(library_copy):
    edit(
        library_copy,
        "questions.yaml",
        "  explanation: |\n    Every EC2 instance",
        "  explanation: |\n    First line.\n\n    The answer is D, always.\n    Every EC2 instance",
    )
    line = line_number(library_copy, "questions.yaml", "The answer is D, always.")
    errors = errors_of(library_copy)
    assert any(
        e.startswith(f"library/{TOPIC}/questions.yaml:{line}: question ec2-security-q04: ")
        and "the explanation names choice D by a bare letter" in e
        for e in errors
    ), errors


def test_a_question_that_keeps_its_order_may_name_choices_by_fixed_letters(db, library_copy):
    edit(
        library_copy,
        "questions.yaml",
        "note: '[[E]] was correct before",
        "note: 'E was correct before",
    )
    edit(
        library_copy,
        "questions.yaml",
        "  number: 6\n  choose: 2\n",
        "  number: 6\n  choose: 2\n  shuffle: false\n",
    )
    assert errors_of(library_copy) == []
    content_import(root=library_copy)
    question = Question.objects.get(ext_id="ec2-security-q06")
    assert question.shuffle_choices is False


def test_require_explanations_lists_every_unexplained_question_and_imports_nothing(
    db, library_copy
):
    path = library_copy / TOPIC / "questions.yaml"
    text = path.read_text()
    # Q4 loses its general explanation and C's explanation.
    start = text.index("  explanation: |\n    Every EC2 instance")
    end = text.index("  choices:", start)
    text = text[:start] + text[end:]
    text = text.replace(
        "    explanation: Four groups fit within the default limit of five per network interface, but nothing requires four.\n",
        "",
    )
    path.write_text(text)
    assert errors_of(library_copy) == []  # not a rule of validity: the plain import takes it
    stderr = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\) found"):
        call_command("import_content", str(library_copy), "--require-explanations", stderr=stderr)
    printed = stderr.getvalue()
    q4_line = line_number(library_copy, "questions.yaml", "- id: ec2-security-q04")
    c_line = line_number(library_copy, "questions.yaml", "    text: '4'") - 1  # "- label: C"
    assert f"questions.yaml:{q4_line}: question ec2-security-q04: has no explanation" in printed
    assert (
        f"questions.yaml:{c_line}: question ec2-security-q04: wrong choice C has no explanation"
        in printed
    )
    assert Question.objects.count() == 0


def test_a_file_cannot_hide_an_answered_question_as_a_duplicate(library_copy):
    """Merging moves learners' answers by choice; a file's duplicate_of would strand them."""
    from quiz.models import AnswerRecord
    from quiz.services import answer_record
    from tests.factories import UserFactory

    content_import(root=library_copy)
    q05 = Question.objects.get(ext_id="ec2-security-q05")
    answer_record(user=UserFactory(), question=q05, labels=[q05.key_labels.split(",")[0]])
    edit(
        library_copy,
        "questions.yaml",
        "- id: ec2-security-q05\n",
        "- id: ec2-security-q05\n  duplicate_of: ec2-security-q01\n",
    )
    before = snapshot()
    with pytest.raises(ContentInvalid) as refused:
        content_import(root=library_copy)
    line = line_number(library_copy, "questions.yaml", "duplicate_of: ec2-security-q01")
    assert [str(error) for error in refused.value.errors] == [
        f"library/{TOPIC}/questions.yaml:{line}: ec2-security-q05: duplicate_of "
        "ec2-security-q01 would hide 1 answer(s) of learners; merge it in the admin (the "
        "question's “Find duplicates”, then Merge) so they move to ec2-security-q01, then "
        "export the library"
    ]
    assert snapshot() == before and AnswerRecord.objects.get().question == q05
