"""The editor's path: upload in the admin, preview with errors by line, fix, import, practise,
export the topic to Anki."""

import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from content import services as content_services
from content.interchange.formats import parse_bytes
from content.models import QuestionUpload
from quiz.models import Question
from quiz.services import practice_start
from study.models import Topic
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
IMPORT_URL = reverse("admin:content_question_import")


def upload(client, name, data, topic, **options):
    form = {
        "file": SimpleUploadedFile(name, data),
        "file_format": options.pop("file_format", ""),
        "topic": topic.pk,
        **options,
    }
    return client.post(IMPORT_URL, form)


def broken_lines() -> list[int]:
    """The broken fixture says which of its lines are broken, in its first comment."""
    header = (FIXTURES / "acceptance_40.gift").read_text().splitlines()[0:5]
    return sorted(int(n) for n in re.findall(r"\d+", " ".join(header))[:2])


def test_editor_uploads_sees_errors_by_line_fixes_imports_practises_and_exports(
    editor_client, editor, user
):
    topic = TopicFactory(slug="aws-basics", title="AWS basics")
    page = editor_client.get(reverse("admin:quiz_question_changelist"))
    assertContains(page, IMPORT_URL)

    broken = (FIXTURES / "acceptance_40.gift").read_bytes()
    response = upload(editor_client, "aws.gift", broken, topic)
    preview_url = response.url
    preview = editor_client.get(preview_url)
    assertContains(preview, "2 errors")
    for line in broken_lines():
        assertContains(preview, f"Line {line}:")
    assertNotContains(preview, "Import 3")  # no confirm button while there are errors
    confirm = editor_client.post(preview_url)
    assert Question.objects.count() == 0, "a file with errors imports nothing"
    assert confirm.status_code == 200

    fixed = (FIXTURES / "acceptance_40_fixed.gift").read_bytes()
    response = upload(editor_client, "aws.gift", fixed, topic)
    preview = editor_client.get(response.url)
    assertContains(preview, "40 create")
    assertContains(preview, "Import 40 questions")
    assert Question.objects.count() == 0, "the preview writes nothing"
    done = editor_client.post(response.url)
    assert done.status_code == 302
    assert Question.objects.filter(topic=topic).count() == 40
    assert QuestionUpload.objects.get(pk=response.url.rstrip("/").split("/")[-1]).imported_at

    # Uploading the same file again changes nothing.
    again = editor_client.get(upload(editor_client, "aws.gift", fixed, topic).url)
    assertContains(again, "0 create, 0 update, 40 unchanged")

    # Imported questions are drafts until the editor publishes them.
    assert not Question.objects.live().filter(topic=topic).exists()
    editor_client.post(
        reverse("admin:quiz_question_changelist"),
        {
            "action": "publish",
            "_selected_action": list(Question.objects.values_list("pk", flat=True)),
        },
    )
    assert Question.objects.live().filter(topic=topic).count() == 40

    # A learner practises the new questions.
    editor_client.logout()
    editor_client.force_login(user)
    session = practice_start(user=user, scope="topics", topics=[topic], size=5, order="bank")
    page = editor_client.get(
        reverse("quiz:practice_question", kwargs={"pk": session.pk, "position": 1})
    )
    assert page.status_code == 200
    first = session.items.get(position=1).question
    assertContains(page, first.stem_html[3:40])


def test_editors_read_the_upload_history_but_cannot_change_it(editor_client):
    topic = TopicFactory(slug="aws-basics", title="AWS basics")
    upload(editor_client, "aws.gift", (FIXTURES / "acceptance_40_fixed.gift").read_bytes(), topic)
    uploaded = QuestionUpload.objects.get()
    history = editor_client.get(reverse("admin:content_questionupload_changelist"))
    assertContains(history, "aws.gift")
    page = editor_client.get(reverse("admin:content_questionupload_change", args=[uploaded.pk]))
    assertContains(page, "aws.gift")
    assertNotContains(page, 'name="_save"')  # view only
    delete = reverse("admin:content_questionupload_delete", args=[uploaded.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert QuestionUpload.objects.filter(pk=uploaded.pk).exists()


def test_topic_exports_to_anki_and_the_deck_opens(editor_client, editor, tmp_path):
    pytest.importorskip("anki")
    from tests.content.interchange.anki_reader import read_apkg

    topic = TopicFactory(slug="aws-basics", title="AWS basics")
    upload(editor_client, "aws.gift", (FIXTURES / "acceptance_40_fixed.gift").read_bytes(), topic)
    editor_client.post(QuestionUpload.objects.get().get_preview_url())
    Question.objects.update(status=Question.Status.PUBLISHED)  # the topic export is of live ones
    response = editor_client.post(
        reverse("admin:study_topic_changelist"),
        {"action": "export_topic_anki", "_selected_action": [topic.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.apkg"')
    deck = tmp_path / "deck.apkg"
    deck.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    notes = read_apkg(deck, tmp_path / "collection")
    assert len(notes) == 40 == Topic.objects.get(pk=topic.pk).questions.count()


def test_the_preview_and_its_confirmation_use_the_first_reading_of_the_file(
    editor_client, monkeypatch
):
    topic = TopicFactory(slug="aws-basics")
    readings = []

    def counted(data, file_format):
        readings.append(file_format)
        return parse_bytes(data, file_format)

    monkeypatch.setattr(content_services, "parse_bytes", counted)
    fixed = (FIXTURES / "acceptance_40_fixed.gift").read_bytes()
    preview_url = upload(editor_client, "aws.gift", fixed, topic).url
    assert readings == ["gift"]
    for _reload in range(3):
        assertContains(editor_client.get(preview_url), "Import 40 questions")
    assert readings == ["gift"], "reloading the preview read the file again"

    # Whatever happened to the stored file since, the confirmation writes what was previewed.
    QuestionUpload.objects.update(data=b"::other:: Something else? {=yes ~no}\n")
    assert editor_client.post(preview_url).status_code == 302
    assert readings == ["gift"]
    assert Question.objects.filter(topic=topic).count() == 40
    assert not Question.objects.filter(ext_id__endswith="other").exists()


def test_an_upload_kept_without_its_plan_is_read_once_at_its_next_preview(editor_client):
    topic = TopicFactory(slug="aws-basics")
    fixed = (FIXTURES / "acceptance_40_fixed.gift").read_bytes()
    preview_url = upload(editor_client, "aws.gift", fixed, topic).url
    QuestionUpload.objects.update(plan=None)  # as uploads made before plans were kept
    assertContains(editor_client.get(preview_url), "40 create")
    assert QuestionUpload.objects.get().plan["items"][0]["action"] == "create"


def test_the_preview_lists_100_errors_and_says_how_many_more(editor_client):
    topic = TopicFactory()
    data = b"".join(b"::same:: Question %d? {=yes ~no}\n\n" % n for n in range(150))
    preview = editor_client.get(upload(editor_client, "same.gift", data, topic).url)
    assertContains(preview, "150 errors: nothing can be imported")
    assertContains(preview, "<li>Line 3: the questions of lines 1, 3, 5")
    assertContains(preview, "… and 50 more errors, not listed")
    assert preview.content.decode().count("are different but have the name") == 100


def test_an_upload_of_200000_questions_is_refused_in_the_preview(editor_client):
    topic = TopicFactory()
    data = b"".join(b"::q%d:: Which one? {=right ~wrong}\n\n" % n for n in range(200_000))
    response = upload(editor_client, "big.gift", data, topic)
    started = time.perf_counter()
    preview = editor_client.get(response.url)
    assert time.perf_counter() - started < 1
    assertContains(preview, "Line 10001: the file has more than 5,000 questions")
    assertNotContains(preview, "Import 5")
    assert Question.objects.count() == 0


SMALL = b"::roles:: How does an instance get credentials? {=An IAM role ~Keys in code}\n\n"
SMALL += b"::buckets:: Where do objects go? {=S3 ~EBS}\n"


def test_an_admin_upload_is_recorded_with_its_editor_and_then_shown_as_imported(
    editor_client, editor
):
    topic = TopicFactory(slug="aws-basics")
    preview_url = upload(editor_client, "small.gift", SMALL, topic).url
    stored = QuestionUpload.objects.get()
    assert (stored.uploaded_by, stored.imported_at, stored.file_format) == (editor, None, "gift")
    assert stored.get_preview_url() == preview_url

    done = editor_client.post(preview_url, follow=True)
    assertContains(done, "Imported small.gift into")
    assertContains(done, "2 create, 0 update, 0 unchanged, 0 skip")
    stored.refresh_from_db()
    assert stored.imported_at and stored.summary == "2 create, 0 update, 0 unchanged, 0 skip"

    again = editor_client.get(preview_url, follow=True)
    changelist = reverse("admin:quiz_question_changelist") + f"?topic__id__exact={topic.pk}"
    assertRedirects(again, changelist)
    assertContains(again, ".gift was already imported: 2 create, 0 update")
    assert Question.objects.filter(topic=topic).count() == 2


def test_a_confirmation_whose_id_went_to_another_topic_writes_nothing_and_says_so(
    editor_client,
):
    topic = TopicFactory(slug="aws-basics")
    preview_url = upload(editor_client, "small.gift", SMALL, topic).url
    QuestionFactory(ext_id="aws-basics-buckets", topic=TopicFactory(slug="storage"))

    response = editor_client.post(preview_url)
    assert response.status_code == 200
    assertContains(response, "Nothing was imported: id aws-basics-buckets belongs to topic")
    assertContains(response, "upload the file again")
    assert not Question.objects.filter(topic=topic).exists()
    assert QuestionUpload.objects.get().imported_at is None


def test_a_refused_upload_form_answers_422_and_keeps_no_upload(editor_client):
    topic = TopicFactory()
    response = upload(editor_client, "notes.docx", SMALL, topic)
    assert response.status_code == 422
    assertContains(response, "Cannot tell the format from the file name", status_code=422)
    assert not QuestionUpload.objects.exists()
