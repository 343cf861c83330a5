import filecmp
from datetime import date

import pytest
from django.core.management import call_command

from content.importer import content_import
from quiz.models import AnswerKeyRevision, Choice, Comment, Disclaimer, Question, QuestionSet
from study.models import Certification, Note, Topic, WhatsNewItem
from tests.content import SHIPPED_LIBRARY

pytestmark = pytest.mark.django_db


def test_shipped_library_imports_the_whole_seed(library):
    assert Certification.objects.get().name == "AWS Certified Solutions Architect – Associate"
    topic = Topic.objects.get()
    assert topic.title == "EC2 Security"
    assert Note.objects.filter(topic=topic).count() == 16
    assert Question.objects.count() == 16
    assert Question.objects.live().count() == 15
    assert list(QuestionSet.objects.values_list("title", flat=True)) == [
        "AWS Certification Exam Practice Questions",
        "New Practice Questions",
    ]
    assert "Questions are collected from Internet" in Disclaimer.objects.get(topic=topic).body


def test_shipped_library_records_q10_as_duplicate_of_q7(library):
    q10 = Question.objects.get(ext_id="ec2-security-q10")
    assert q10.duplicate_of.ext_id == "ec2-security-q07"
    assert not Question.objects.live().filter(pk=q10.pk).exists()


def test_shipped_library_has_the_current_answer_key(library):
    expected = {
        "ec2-security-q01": "B",
        "ec2-security-q02": "C",
        "ec2-security-q03": "B",
        "ec2-security-q04": "D",
        "ec2-security-q05": "B",
        "ec2-security-q06": "AB",
        "ec2-security-q07": "C",
        "ec2-security-q08": "A",
        "ec2-security-q09": "AB",
        "ec2-security-q10": "C",
        "ec2-security-new-q01": "C",
        "ec2-security-new-q02": "C",
        "ec2-security-new-q03": "B",
        "ec2-security-new-q04": "C",
        "ec2-security-new-q05": "C",
        "ec2-security-new-q06": "BC",
    }
    for question in Question.objects.prefetch_related("choices"):
        key = "".join(c.label for c in question.choices.all() if c.is_correct)
        assert key == expected[question.ext_id], question.ext_id
        assert question.choose == len(key)


def test_shipped_library_has_three_live_multi_answer_questions(library):
    multi = Question.objects.live().filter(choose=2)
    assert set(multi.values_list("ext_id", flat=True)) == {
        "ec2-security-q06",
        "ec2-security-q09",
        "ec2-security-new-q06",
    }


def test_shipped_library_keeps_the_two_outdated_answers(library):
    revisions = AnswerKeyRevision.objects.select_related("question").order_by("question__ext_id")
    assert [(r.question.ext_id, r.labels) for r in revisions] == [
        ("ec2-security-q01", ["D"]),
        ("ec2-security-q06", ["A", "E"]),
    ]
    assert all(
        r.valid_until == date(2017, 2, 1) and r.until_precision == "month" for r in revisions
    )
    assert "not possible to add an IAM role" in revisions[0].note


def test_shipped_library_keeps_the_seeds_choice_notes_as_the_sources_words(library):
    choice = Question.objects.get(ext_id="ec2-security-q01").choices.get(label="B")
    assert choice.source_note == "As per AWS latest enhancement, this is possible now."
    assert "(" not in choice.text
    # The editors' explanation is a separate text, shown as theirs.
    assert "instance profile" in choice.explanation
    seed_notes = Choice.objects.exclude(source_note="").values_list(
        "question__ext_id", "label", "source_note"
    )
    assert sorted((q, label) for q, label, _note in seed_notes) == [
        ("ec2-security-q01", "B"),
        ("ec2-security-q01", "D"),
        ("ec2-security-q06", "B"),
        ("ec2-security-q06", "E"),
        ("ec2-security-q09", "C"),
        ("ec2-security-q09", "D"),
        ("ec2-security-q09", "E"),
    ]


def test_every_live_shipped_question_is_explained_with_aws_documentation(library):
    live = Question.objects.live().prefetch_related("choices", "references")
    assert live.count() == 15
    for question in live:
        assert question.explanation.strip(), question.ext_id
        assert question.last_verified, question.ext_id
        for choice in question.choices.all():
            assert choice.explanation.strip(), (question.ext_id, choice.label)
        urls = [reference.url for reference in question.references.all() if reference.url]
        assert any(url.startswith("https://docs.aws.amazon.com/") for url in urls), question.ext_id


def test_shipped_library_marks_q3_disputed(library):
    assert Question.objects.get(ext_id="ec2-security-q03").disputed


def test_shipped_library_discussion_threads_keep_structure_and_order(library):
    comments = Comment.objects.order_by("position")
    assert comments.count() == 15  # 14 on the page + Murali's lost comment
    roots = comments.filter(parent__isnull=True)
    assert [c.question.ext_id if c.question else None for c in roots] == [
        "ec2-security-q03",
        "ec2-security-q03",
        "ec2-security-q01",
        "ec2-security-q01",
        None,
        "ec2-security-q06",
    ]
    first = roots[0]
    chain = [first]
    while chain[-1].replies.exists():
        chain.append(chain[-1].replies.get())
    assert len(chain) == 4
    assert [c.author_name for c in chain] == [
        "Anonymous reader",
        "Site author",
        "Anonymous reader",
        "Site author",
    ]
    murali = Comment.objects.get(author_name="Murali")
    assert murali.is_missing and murali.replies.get().body.startswith("thanks Murali")
    assert Comment.objects.get(author_name="nidhish").replies.count() == 1
    assert Comment.objects.get(author_name="Vishal").question is None


def test_shipped_library_keeps_dated_items_as_data(library):
    vpc = Note.objects.get(anchor="security-group-vpc-associations")
    assert vpc.heading == "Security Group VPC Associations (Oct 2024)"
    assert vpc.dated == date(2024, 10, 1)
    items = [(item.date, item.text) for item in WhatsNewItem.objects.all()]

    def dated(when, start):
        return any(d == when and text.startswith(start) for d, text in items)

    assert dated(date(2024, 9, 1), "Supports IPv6 connectivity (added Sep 2024)")
    assert dated(date(2025, 2, 1), "Non-HTTP(S) protocol support (GA Feb 2025)")
    assert dated(date(2026, 2, 1), "Related Resources View")
    assert dated(date(2023, 6, 1), "EC2 Instance Connect Endpoint (EIC Endpoint), launched in June")
    assert dated(date(2024, 3, 1), "Mar 2024: Account-level setting")
    assert len(items) == 14


def test_empty_section_is_kept(library):
    note = Note.objects.get(anchor="ec2-iam-role-s3-access")
    assert note.is_empty and note.body_html == ""


def test_second_import_changes_nothing(library, capsys):
    call_command("import_content")
    out = capsys.readouterr().out
    assert out.startswith("0 created, 0 updated, 0 retired")


def test_changed_file_updates_matching_records_by_id(db, library_copy):
    content_import(root=library_copy)
    questions_file = library_copy / "aws-saa" / "ec2-security" / "questions.yaml"
    text = questions_file.read_text()
    questions_file.write_text(
        text.replace("Removes one or more rules from a security group", "Removes rules")
    )
    q2 = Question.objects.get(ext_id="ec2-security-q02")

    report = content_import(root=library_copy)

    assert report.total("updated") == 1 and report.total("created") == 0
    assert q2.choices.get(label="C").text == "Removes rules"
    assert Question.objects.get(ext_id="ec2-security-q02").pk == q2.pk


def test_question_removed_from_files_is_retired_not_deleted(db, library_copy):
    content_import(root=library_copy)
    questions_file = library_copy / "aws-saa" / "ec2-security" / "questions.yaml"
    text = questions_file.read_text()
    start = text.index("- id: ec2-security-new-q05")
    end = text.index("- id: ec2-security-new-q06")
    questions_file.write_text(text[:start] + text[end:])

    report = content_import(root=library_copy)

    retired = Question.objects.get(ext_id="ec2-security-new-q05")
    assert retired.status == Question.Status.RETIRED
    assert report.counts["questions"]["retired"] == 1
    assert Question.objects.live().count() == 14


def test_note_change_rerenders_html_and_whats_new(db, library_copy):
    content_import(root=library_copy)
    notes_file = library_copy / "aws-saa" / "ec2-security" / "notes.md"
    notes_file.write_text(
        notes_file.read_text().replace(
            "- Available at no additional cost.\n\n## EC2 Instance Connect Endpoint",
            "- Available at no additional cost.\n- Now with **passkeys** (added Nov 2026)\n\n"
            "## EC2 Instance Connect Endpoint",
        )
    )
    content_import(root=library_copy)
    note = Note.objects.get(anchor="ec2-instance-connect")
    assert "<strong>passkeys</strong>" in note.body_html
    assert WhatsNewItem.objects.order_by("-date").first().date == date(2026, 11, 1)


def test_export_reproduces_the_shipped_files_exactly(library, tmp_path):
    call_command("export_content", str(tmp_path))
    comparison = filecmp.dircmp(SHIPPED_LIBRARY, tmp_path)
    files = [
        "aws-saa/certification.md",
        "aws-saa/ec2-security/notes.md",
        "aws-saa/ec2-security/questions.yaml",
        "aws-saa/ec2-security/discussion.yaml",
    ]
    for name in files:
        assert (tmp_path / name).read_bytes() == (SHIPPED_LIBRARY / name).read_bytes(), name
    assert not comparison.left_only and not comparison.right_only
