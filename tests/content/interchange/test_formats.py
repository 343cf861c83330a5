"""Files that cannot be read at all: one clear error with its line, and nothing imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from content.interchange.formats import MAX_BYTES, parse_bytes
from quiz.models import Question
from tests.factories import TopicFactory

GIFT = b"::q1:: Which service stores objects? {=S3 ~EBS}\n"


@pytest.mark.parametrize("file_format", ["gift", "moodlexml", "csv"])
def test_an_empty_file_is_one_error(file_format):
    parsed = parse_bytes(b"  \n\n", file_format)
    assert [(p.line, p.message) for p in parsed.problems] == [(1, "the file is empty")]
    assert parsed.questions == []


@pytest.mark.parametrize("file_format", ["gift", "moodlexml", "csv"])
def test_a_20_mb_file_is_refused_before_reading(file_format):
    parsed = parse_bytes(b"x" * (20 * 1024 * 1024), file_format)
    assert parsed.problems[0].line == 1
    assert "20.0 MB; the limit is 10 MB" in parsed.problems[0].message
    assert parsed.questions == []


def test_a_non_utf8_file_names_the_line_of_the_first_bad_byte():
    data = GIFT + "::q2:: Caf\u00e9 {=yes ~no}\n".encode("latin-1")
    parsed = parse_bytes(data, "gift")
    assert parsed.problems[0].line == 2
    assert "not UTF-8 (byte 0xe9 at column 11)" in parsed.problems[0].message
    assert parsed.questions == []


def test_a_utf8_byte_order_mark_is_fine():
    parsed = parse_bytes(b"\xef\xbb\xbf" + GIFT, "gift")
    assert parsed.problems == [] and len(parsed.questions) == 1


@pytest.mark.django_db
def test_the_command_refuses_unreadable_files_and_imports_nothing(tmp_path, capsys):
    TopicFactory(slug="aws")
    bad = tmp_path / "bad.gift"
    bad.write_bytes(GIFT + "::q2:: Caf\u00e9 {=yes ~no}\n".encode("latin-1"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_questions", bad, "--topic", "aws")
    assert "bad.gift:2: the file is not UTF-8" in capsys.readouterr().err
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_refuses_an_oversized_upload(editor_client):
    topic = TopicFactory()
    big = SimpleUploadedFile("big.gift", b"x" * (MAX_BYTES + 1))
    response = editor_client.post(
        reverse("admin:content_question_import"), {"file": big, "topic": topic.pk}
    )
    assert response.status_code == 422
    assert "the limit is 10 MB" in response.content.decode()
