"""An import applies exactly what was previewed, drops nothing the file does not say, keeps
learners' answers on their choices, and brings new questions in as drafts."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from content.models import QuestionUpload
from quiz.models import AnswerKeyRevision, AnswerRecord, Question, QuestionReference
from quiz.services import answer_record
from study.models import Topic
from tests.content.interchange.test_admin_import import upload
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

GIFT = "\n\n".join(
    f"::Q{n}:: Which service number {n} keeps secrets? {{=Secrets Manager ~IAM user ~S3 ~EBS}}"
    for n in range(1, 6)
).encode()


def _preview(editor_client, data, topic, name="q.gift"):
    response = upload(editor_client, name, data, topic)
    return response.url, editor_client.get(response.url)


def test_new_questions_are_drafts_and_the_preview_shows_their_choices_and_key(editor_client):
    topic = TopicFactory(slug="secrets")
    url, preview = _preview(editor_client, GIFT, topic)
    assertContains(preview, "5 create")
    assertContains(preview, "Secrets Manager <strong>(correct)</strong>", count=5)
    assertContains(preview, "IAM user", count=5)
    done = editor_client.post(url, follow=True)
    assertContains(done, "The 5 new questions are drafts")
    assert Question.objects.filter(topic=topic, status=Question.Status.DRAFT).count() == 5
    assert not Question.objects.live().exists()


def test_a_question_created_between_preview_and_confirm_is_not_overwritten(editor_client):
    topic = TopicFactory(slug="secrets")
    url, preview = _preview(editor_client, GIFT, topic)
    assertContains(preview, "5 create")
    # Another tab: an editor adds the question the file's Q3 would become.
    theirs = QuestionFactory(topic=topic, ext_id="secrets-q3", stem="Theirs")
    done = editor_client.post(url, follow=True)
    assertContains(done, "Nothing was imported: secrets-q3 changed in the bank since the preview")
    theirs.refresh_from_db()
    assert theirs.stem == "Theirs" and Question.objects.count() == 1
    assert not QuestionUpload.objects.get().imported_at


def test_an_edit_between_preview_and_confirm_stops_the_import(editor_client):
    topic = TopicFactory(slug="secrets")
    editor_client.post(_preview(editor_client, GIFT, topic)[0])
    Question.objects.update(status=Question.Status.PUBLISHED)
    changed = GIFT.replace(b"number 2 keeps", b"number two keeps")
    url, preview = _preview(editor_client, changed, topic)  # the same file, corrected
    assertContains(preview, "1 update, 4 unchanged")
    assertContains(preview, "<del>2</del><ins>two</ins>", html=False)
    question = Question.objects.get(ext_id="secrets-q2")
    question.last_verified = date(2026, 11, 30)  # meanwhile, in the question form
    question.save()
    done = editor_client.post(url, follow=True)
    assertContains(done, "secrets-q2 changed in the bank since the preview")
    question.refresh_from_db()
    assert "number 2" in question.stem


def test_an_update_keeps_each_answer_on_its_choice_whatever_the_files_order(editor_client):
    topic = TopicFactory(slug="secrets")
    editor_client.post(_preview(editor_client, GIFT, topic)[0])
    question = Question.objects.get(ext_id="secrets-q1")
    Question.objects.update(status=Question.Status.PUBLISHED)
    question.refresh_from_db()
    key = question.choices.get(text="Secrets Manager").label
    answer_record(user=UserFactory(), question=question, labels=[key])
    # The same question, choices listed in another order and one reworded.
    reordered = GIFT.replace(
        b"{=Secrets Manager ~IAM user ~S3 ~EBS}", b"{~EBS ~IAM users =Secrets Manager ~S3}", 1
    )
    url, preview = _preview(editor_client, reordered, topic)
    assertContains(preview, "1 update")
    editor_client.post(url)
    question.refresh_from_db()
    chosen = AnswerRecord.objects.get().chosen_labels
    assert question.choices.get(label=chosen).text == "Secrets Manager"
    assert question.key_labels == key
    assert question.choices.get(text="IAM users").label == "B"  # was "IAM user"
    assert question.status == Question.Status.PUBLISHED


def test_reimporting_the_admins_csv_export_changes_and_drops_nothing(editor_client, library):
    topic = Topic.objects.get(slug="ec2-security")
    questions = Question.objects.filter(topic=topic)
    retired = questions.filter(status=Question.Status.PUBLISHED).order_by("position").last()
    Question.objects.filter(pk=retired.pk).update(status=Question.Status.RETIRED)
    Question.objects.filter(topic=topic).update(last_verified=date(2026, 10, 1))
    Question.objects.filter(pk=questions.first().pk).update(disputed="Readers argue for [[C]].")

    def state():
        return {
            q.ext_id: (
                q.status, q.question_set_id, q.number, q.source, q.disputed, q.last_verified,
                q.duplicate_of_id, q.stem, q.explanation, q.key_labels, q.version,
                sorted(
                    (c.label, c.text, c.is_correct, c.explanation, c.source_note)
                    for c in q.choices.all()
                ),
                sorted((r.correct_labels, r.new_labels, r.note) for r in q.key_revisions.all()),
                sorted((r.note_id or 0, r.url, r.title) for r in q.references.all()),
            )
            for q in Question.objects.filter(topic=topic).prefetch_related(
                "choices", "key_revisions", "references"
            )
        }  # fmt: skip

    before = state()
    assert AnswerKeyRevision.objects.exists() and QuestionReference.objects.exists()
    assert any(row[6] for row in before.values()), "the seed has a recorded duplicate"
    exported = editor_client.post(
        reverse("admin:quiz_question_changelist"),
        {"action": "export_csv", "_selected_action": list(questions.values_list("pk", flat=True))},
    )
    assert exported.status_code == 200
    url, preview = _preview(editor_client, exported.content, topic, name="export.csv")
    assert preview.context["plan"].ok, preview.context["plan"].errors
    assertContains(preview, "0 create, 0 update, 16 unchanged")
    editor_client.post(url)
    assert state() == before


def test_the_import_command_brings_drafts_unless_told_to_publish(tmp_path, capsys):
    topic = TopicFactory(slug="secrets")
    path = tmp_path / "q.gift"
    path.write_bytes(GIFT)
    call_command("import_questions", str(path), "--topic", topic.slug)
    assert "5 new question(s) are drafts" in capsys.readouterr().out
    assert not Question.objects.live().exists()
    path.write_bytes(GIFT.replace(b"::Q1::", b"::Q9::"))
    call_command("import_questions", str(path), "--topic", topic.slug, "--publish")
    assert list(Question.objects.live().values_list("ext_id", flat=True)) == ["secrets-q9"]
