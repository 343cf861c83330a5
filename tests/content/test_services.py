"""Question-file uploads, one write path: upload_create reads and checks a file once and keeps
its plan, upload_apply writes it all or nothing; the admin and import_questions both use them."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pytest_django.asserts import assertContains

from content import services
from content.models import QuestionUpload
from content.services import upload_apply, upload_check, upload_create, upload_plan
from quiz.models import Question
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "interchange" / "fixtures"
GIFT = (
    b"::roles:: How does an instance get credentials? {=An IAM role ~Keys in code}\n\n"
    b"::buckets:: Where do objects go? {=S3 ~EBS}\n"
)
BROKEN = GIFT + b"\n::nokey:: Which one? {~this ~that}\n"


def create(topic, data=GIFT, **options):
    return upload_create(
        file_name="aws.gift", file_format="gift", data=data, topic=topic, user=None, **options
    )


def test_upload_create_keeps_the_file_and_its_checked_plan_and_writes_no_question():
    topic = TopicFactory(slug="aws")
    upload = create(topic)
    assert upload.pk and upload.imported_at is None and upload.uploaded_by is None
    plan = upload_plan(upload=upload)
    assert plan.ok and plan.summary == "2 create, 0 update, 0 unchanged, 0 skip"
    assert [item.ext_id for item in plan.items] == ["aws-roles", "aws-buckets"]
    assert bytes(QuestionUpload.objects.get().data) == GIFT
    assert not Question.objects.exists()


def test_upload_create_keeps_a_file_with_errors_for_its_preview():
    upload = create(TopicFactory(slug="aws"), data=BROKEN)
    plan = upload_plan(upload=upload)
    assert not plan.ok and plan.errors[0].line == 5
    assert not Question.objects.exists()


def test_upload_plan_reads_a_stored_plan_without_reading_the_file_again(monkeypatch):
    upload = create(TopicFactory(slug="aws"))
    monkeypatch.setattr(services, "parse_bytes", pytest.fail)
    assert upload_plan(upload=upload).summary == "2 create, 0 update, 0 unchanged, 0 skip"


def test_upload_apply_writes_every_question_and_marks_the_upload_imported():
    topic = TopicFactory(slug="aws")
    upload = create(topic)
    plan = upload_apply(upload=upload)
    assert plan.summary == "2 create, 0 update, 0 unchanged, 0 skip"
    assert Question.objects.filter(topic=topic).count() == 2
    upload.refresh_from_db()
    assert upload.imported_at and upload.summary == plan.summary


def test_upload_apply_refuses_a_plan_with_errors_and_writes_nothing():
    upload = create(TopicFactory(slug="aws"), data=BROKEN)
    with pytest.raises(ValueError, match="the file has errors; fix them and upload it again"):
        upload_apply(upload=upload)
    assert not Question.objects.exists()
    assert QuestionUpload.objects.get().imported_at is None


def test_upload_apply_refuses_a_plan_whose_id_went_to_another_topic_and_writes_nothing():
    upload = create(TopicFactory(slug="aws"))
    QuestionFactory(ext_id="aws-buckets", topic=TopicFactory(slug="storage"))
    with pytest.raises(ValueError, match="id aws-buckets belongs to topic storage since"):
        upload_apply(upload=upload)
    assert list(Question.objects.values_list("ext_id", flat=True)) == ["aws-buckets"]
    assert QuestionUpload.objects.get().imported_at is None


def test_a_failure_after_the_questions_are_written_leaves_nothing_written(monkeypatch):
    upload = create(TopicFactory(slug="aws"))

    def broken(plan):
        assert Question.objects.count() == 2  # written, inside the transaction
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "plan_to_json", broken)  # marking the upload fails
    with pytest.raises(RuntimeError):
        upload_apply(upload=upload)
    assert not Question.objects.exists()
    assert QuestionUpload.objects.get().imported_at is None


def test_an_upload_is_applied_once():
    upload = create(TopicFactory(slug="aws"))
    upload_apply(upload=upload)
    summary = QuestionUpload.objects.get().summary
    with pytest.raises(ValueError, match=r"aws\.gift was already imported"):
        upload_apply(upload=QuestionUpload.objects.get())
    assert QuestionUpload.objects.get().summary == summary


def test_upload_check_writes_nothing_at_all():
    topic = TopicFactory(slug="aws")
    plan = upload_check(file_format="gift", data=GIFT, topic=topic)
    assert plan.summary == "2 create, 0 update, 0 unchanged, 0 skip"
    assert not Question.objects.exists() and not QuestionUpload.objects.exists()


# -- the import_questions command: the same services ---------------------------------------


def test_the_command_records_its_import_as_an_upload_the_admin_lists(
    tmp_path, capsys, admin_client
):
    topic = TopicFactory(slug="aws", title="AWS basics")
    path = tmp_path / "aws.gift"
    path.write_bytes(GIFT)
    call_command("import_questions", path, "--topic", "aws")
    assert "Imported into AWS basics: 2 create, 0 update" in capsys.readouterr().out
    assert Question.objects.filter(topic=topic).count() == 2
    upload = QuestionUpload.objects.get()
    assert (upload.file_name, upload.file_format, upload.uploaded_by) == ("aws.gift", "gift", None)
    assert upload.imported_at and upload.summary == "2 create, 0 update, 0 unchanged, 0 skip"
    assert bytes(upload.data) == GIFT

    listed = admin_client.get(reverse("admin:content_questionupload_changelist"))
    assertContains(listed, "aws.gift")

    call_command("import_questions", path, "--topic", "aws")  # again: recorded, unchanged
    assert QuestionUpload.objects.first().summary == "0 create, 0 update, 2 unchanged, 0 skip"
    assert QuestionUpload.objects.count() == 2


def test_the_command_dry_run_writes_no_upload_and_no_question(tmp_path, capsys):
    TopicFactory(slug="aws")
    path = tmp_path / "aws.gift"
    path.write_bytes(GIFT)
    call_command("import_questions", path, "--topic", "aws", "--dry-run")
    assert "Dry run, nothing written: 2 create" in capsys.readouterr().out
    assert not QuestionUpload.objects.exists() and not Question.objects.exists()


def test_the_command_refusing_a_file_keeps_no_upload_either(tmp_path, capsys):
    TopicFactory(slug="aws")
    broken = FIXTURES / "acceptance_40.gift"
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_questions", broken, "--topic", "aws")
    assert "acceptance_40.gift:19:" in capsys.readouterr().err
    assert not QuestionUpload.objects.exists() and not Question.objects.exists()


def test_the_command_whose_apply_is_refused_says_so_and_keeps_nothing(
    tmp_path, capsys, monkeypatch
):
    TopicFactory(slug="aws")
    path = tmp_path / "aws.gift"
    path.write_bytes(GIFT)

    def refused(plan):
        raise ValueError("id aws-buckets belongs to topic storage since the preview")

    monkeypatch.setattr(services, "import_apply", refused)
    with pytest.raises(CommandError, match=r"belongs to topic storage.*nothing was imported"):
        call_command("import_questions", path, "--topic", "aws")
    assert not QuestionUpload.objects.exists() and not Question.objects.exists()
