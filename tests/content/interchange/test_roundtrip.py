"""Our library -> GIFT / Moodle XML / CSV -> import -> the same questions."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from content.interchange.export import export_queryset, export_questions
from content.interchange.formats import parse_bytes
from content.interchange.model import ImportedChoice, ImportedQuestion, Parsed
from content.interchange.plan import CREATE, UNCHANGED, UPDATE, import_apply, import_plan
from quiz.models import Question, QuestionReference
from study.models import Topic
from tests.factories import CertificationFactory, ExamDomainFactory, NoteFactory, TopicFactory

pytestmark = pytest.mark.django_db


def shape(question: Question) -> dict:
    return {
        "stem": question.stem,
        "choose": question.choose,
        "choices": [
            (c.text, c.is_correct, c.explanation, c.source_note)
            for c in question.choices.order_by("label")
        ],
    }


def everything(question: Question) -> dict:
    """All a question is, but its id, topic, status and place in the topic's order (texts
    without the white space around them, which files trim)."""
    return {
        "stem": question.stem.strip(),
        "choose": question.choose,
        "choices": [
            (c.text.strip(), c.is_correct, c.explanation.strip(), c.source_note.strip())
            for c in question.choices.order_by("label")
        ],
        "explanation": question.explanation.strip(),
        "shuffle": question.shuffle_choices,
        "set": question.question_set.title if question.question_set else "",
        "number": question.number,
        "source": question.source,
        "disputed": question.disputed,
        "domain": question.domain.slug if question.domain else "",
        "difficulty": question.difficulty,
        "last_verified": question.last_verified,
        "key_history": [
            (r.correct_labels, r.valid_until, r.until_precision, r.note)
            for r in question.key_revisions.all()
        ],
        "references": [
            (r.note.anchor if r.note else "", r.url, r.title) for r in question.references.all()
        ],
    }


def _enrich_the_seed(source: Topic) -> None:
    """What the seed leaves empty but a bank holds: a domain, difficulty, verification date,
    a disputed note naming a choice, a documentation link beside the notes references."""
    domain = ExamDomainFactory(
        certification=source.certification, slug="extra-domain", name="Extra"
    )
    questions = list(Question.objects.filter(topic=source).order_by("position"))
    Question.objects.filter(pk=questions[0].pk).update(
        domain=domain, difficulty="hard", last_verified=date(2026, 10, 1),
        disputed="Readers argue for [[C]] since the 2017 change.",
    )  # fmt: skip
    QuestionReference.objects.create(
        question=questions[1], url="https://docs.aws.amazon.com/iam/", title="IAM", position=9
    )


@pytest.mark.parametrize("file_format", ["gift", "moodlexml", "csv"])
def test_a_topic_exported_and_imported_into_a_fresh_topic_is_reproduced_whole(library, file_format):
    """Issue: an export carried only what the format has places for; the bank's own data
    (references, set and number, source, disputed note, domain, key history) was lost."""
    source = Topic.objects.get(slug="ec2-security")
    _enrich_the_seed(source)
    originals = export_queryset(Question.objects.live().filter(topic=source))
    exported = export_questions(originals, file_format, name="EC2 Security", key="ec2")
    parsed = parse_bytes(exported.data, file_format)
    assert parsed.problems == []
    # The fresh topic has the same notes sections, so references to them can be kept.
    target = TopicFactory(slug="copy", certification=source.certification)
    for note in source.notes.all():
        NoteFactory(topic=target, anchor=note.anchor, heading=note.heading)
    plan = import_plan(parsed, topic=target, file_name="ec2.x")
    assert plan.ok, plan.errors
    assert plan.warnings == []
    assert [item.action for item in plan.items] == [CREATE] * len(originals)
    import_apply(plan)
    copies = {q.ext_id.removeprefix("copy-"): q for q in Question.objects.filter(topic=target)}
    assert len(copies) == len(originals)
    for original in originals:
        assert everything(copies[original.ext_id]) == everything(original), original.ext_id
    assert any(everything(q)["references"] for q in originals)
    assert any(everything(q)["key_history"] for q in originals)
    again = import_plan(parse_bytes(exported.data, file_format), topic=target, file_name="ec2.x")
    assert {item.action for item in again.items} == {UNCHANGED}


def test_what_a_fresh_topic_cannot_hold_is_named_and_the_rest_kept(library):
    source = Topic.objects.get(slug="ec2-security")
    _enrich_the_seed(source)
    originals = export_queryset(Question.objects.live().filter(topic=source))
    exported = export_questions(originals, "moodlexml", name="EC2", key="ec2")
    other = CertificationFactory()  # no domains, and the topic has no notes
    target = TopicFactory(slug="bare", certification=other)
    plan = import_plan(parse_bytes(exported.data, "moodlexml"), topic=target)
    assert plan.ok, plan.errors
    messages = [warning.message for warning in plan.warnings]
    assert any("exam domain 'extra-domain'" in m and "topic's domain" in m for m in messages)
    assert any("notes section #" in m and "left out" in m for m in messages)
    import_apply(plan)
    second = Question.objects.get(ext_id=f"bare-{originals[1].ext_id}")
    links = [(r.url, r.title) for r in originals[1].references.all() if r.url]
    assert ("https://docs.aws.amazon.com/iam/", "IAM") in links
    assert [(r.note_id, r.url, r.title) for r in second.references.all()] == [
        (None, url, title) for url, title in links
    ]
    first = Question.objects.get(ext_id=f"bare-{originals[0].ext_id}")
    assert first.domain is None and first.difficulty == "hard"


def test_export_command_writes_a_topic_file(library, tmp_path, capsys):
    out = tmp_path / "ec2.gift"
    call_command("export_questions", "--format", "gift", "--topic", "ec2-security", "--out", out)
    text = out.read_text()
    assert "::ec2-security-q01::" in text and "$CATEGORY:" in text
    assert "Wrote 15 question(s)" in capsys.readouterr().out


def test_import_command_refuses_a_broken_file_with_every_line(tmp_path, capsys):
    from pathlib import Path

    from django.core.management.base import CommandError

    TopicFactory(slug="aws")
    broken = Path(__file__).parent / "fixtures" / "acceptance_40.gift"
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_questions", broken, "--topic", "aws")
    err = capsys.readouterr().err
    assert "acceptance_40.gift:19:" in err and "acceptance_40.gift:58:" in err
    assert Question.objects.count() == 0
    fixed = broken.with_name("acceptance_40_fixed.gift")
    call_command("import_questions", fixed, "--topic", "aws")
    assert Question.objects.count() == 40


def test_texts_a_spreadsheet_would_run_go_out_neutralised_and_come_back_exactly():
    source = TopicFactory(slug="formulas")
    texts = ["-5", "+x", "\tindented with a tab", "'quoted by the author", "@SUM(1;2)"]
    question = ImportedQuestion(
        line=1,
        name="cells",
        stem="=1+1 is what a spreadsheet computes",
        choices=[ImportedChoice(text, text == "-5", "=why") for text in texts],
        explanation="@mention and \tmore",
    )
    import_apply(import_plan(Parsed(questions=[question]), topic=source))
    original = Question.objects.get(ext_id="formulas-cells")
    assert [c.text for c in original.choices.order_by("label")] == texts

    exported = export_questions(export_queryset(Question.objects.all()), "csv", name="F", key="f")
    header, row = csv.reader(io.StringIO(exported.data.decode("utf-8-sig")))
    cells = dict(zip(header, row, strict=True))
    assert cells["stem"] == "'=1+1 is what a spreadsheet computes"
    assert [cells[x] for x in "ABCDE"] == [
        "'-5",
        "'+x",
        "'\tindented with a tab",
        "'quoted by the author",
        "'@SUM(1;2)",
    ]
    assert cells["A_explanation"] == "'=why" and cells["explanation"] == "'@mention and \tmore"

    target = TopicFactory(slug="copy", certification=source.certification)
    plan = import_plan(parse_bytes(exported.data, "csv"), topic=target)
    assert plan.ok, plan.errors
    import_apply(plan)
    copy = Question.objects.get(topic=target)
    assert copy.ext_id == "copy-cells"  # named as in the file it first came from
    assert shape(copy) == shape(original)
    assert copy.explanation == original.explanation == "@mention and \tmore"


@pytest.mark.parametrize("file_format", ["gift", "moodlexml", "csv"])
def test_reimporting_a_topics_own_export_into_it_changes_nothing(library, file_format):
    """Issue: a Moodle XML export imported back "updated" 15 questions and wiped their
    references, set and number, source and disputed note."""
    topic = Topic.objects.get(slug="ec2-security")

    def state():
        return [
            (
                q.ext_id, q.status, q.question_set_id, q.number, q.source, q.disputed, q.stem,
                q.explanation, q.key_labels, q.version, q.duplicate_of_id,
                [(c.label, c.text, c.is_correct, c.explanation) for c in q.choices.order_by("label")],
                [(r.correct_labels, r.valid_until, r.note) for r in q.key_revisions.all()],
                [(r.note_id, r.url, r.title) for r in q.references.all()],
            )
            for q in Question.objects.filter(topic=topic).order_by("ext_id")
        ]  # fmt: skip

    before = state()
    rows = export_queryset(Question.objects.filter(topic=topic))
    exported = export_questions(rows, file_format, name="EC2 Security", key="ec2")
    plan = import_plan(parse_bytes(exported.data, file_format), topic=topic)
    assert plan.ok, plan.errors
    assert {item.action for item in plan.items} == {UNCHANGED}, plan.summary
    import_apply(plan)
    assert state() == before


COMBINED = """<?xml version="1.0"?><quiz><question type="multichoice">
  <name><text>Roles</text></name>
  <questiontext format="markdown"><text>Which gives an app **credentials**?</text></questiontext>
  <generalfeedback format="markdown"><text>Roles rotate.</text></generalfeedback>
  <correctfeedback format="markdown"><text>Well done.</text></correctfeedback>
  <incorrectfeedback format="markdown"><text>Read the notes on roles.</text></incorrectfeedback>
  <hint format="markdown"><text>Think of what rotates by itself.</text></hint>
  <answer fraction="100"><text>An IAM role</text></answer>
  <answer fraction="0"><text>Keys in the code</text></answer>
</question></quiz>"""


def test_moodle_feedback_and_hints_are_shown_and_exported_back_to_their_elements():
    topic = TopicFactory(slug="fb")
    import_apply(import_plan(parse_bytes(COMBINED.encode(), "moodlexml"), topic=topic))
    question = Question.objects.get()
    assert question.explanation == (
        "Roles rotate.\n\n**For a right answer:**\n\nWell done.\n\n**For a wrong answer:**"
        "\n\nRead the notes on roles.\n\n**Hint 1:**\n\nThink of what rotates by itself."
    )
    assert "<p><strong>Hint 1:</strong></p>" in question.explanation_html
    exported = export_questions(
        export_queryset(Question.objects.all()), "moodlexml", name="F", key="f"
    )
    text = exported.data.decode()
    for element in (
        '<generalfeedback format="markdown">\n      <text><![CDATA[Roles rotate.]]></text>',
        '<correctfeedback format="markdown">\n      <text><![CDATA[Well done.]]></text>',
        '<incorrectfeedback format="markdown">\n      <text><![CDATA[Read the notes on roles.]]>',
        '<hint format="markdown">\n      <text><![CDATA[Think of what rotates by itself.]]>',
    ):
        assert element in text
    for file_format in ("moodlexml", "gift", "csv"):
        exported = export_questions(
            export_queryset(Question.objects.all()), file_format, name="F", key="f"
        )
        again = import_plan(parse_bytes(exported.data, file_format), topic=topic)
        assert [item.action for item in again.items] == [UNCHANGED], file_format


def test_the_preview_lists_what_an_update_changes_of_the_banks_own_data(library):
    topic = Topic.objects.get(slug="ec2-security")
    first = Question.objects.filter(topic=topic).order_by("position").first()
    rows = export_queryset(Question.objects.filter(pk=first.pk))
    text = export_questions(rows, "gift", name="EC2", key="ec2").data.decode()
    line = next(line for line in text.splitlines() if line.startswith("// exam-prep: "))
    extras = json.loads(line.removeprefix("// exam-prep: "))
    extras.update(number=99, references=["https://docs.aws.amazon.com/ec2/ EC2 guide"])
    edited = text.replace(line, "// exam-prep: " + json.dumps(extras))
    plan = import_plan(parse_bytes(edited.encode(), "gift"), topic=topic)
    assert plan.ok, plan.errors
    [item] = plan.items
    assert item.action == UPDATE
    changed = {change["what"]: change for change in item.changes}
    assert set(changed) == {"Number", "References"}
    assert changed["References"]["after"] == "https://docs.aws.amazon.com/ec2/ EC2 guide"
    assert (changed["Number"]["before"], changed["Number"]["after"]) == (str(first.number), "99")
    import_apply(plan)
    first.refresh_from_db()
    assert first.number == 99
    assert [r.url for r in first.references.all()] == ["https://docs.aws.amazon.com/ec2/"]
