"""Each answer records whether its question asked for several answers (AnswerRecord.multi):
the learner's usual response time is read from their answers of that kind by an index."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from quiz.models import AnswerRecord
from quiz.services import answer_record
from tests.factories import AnswerRecordFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("quiz.migrations.0031_answer_kind")


def test_an_answer_records_the_kind_of_question_it_was_given_for():
    user = UserFactory()
    single, multi = QuestionFactory(), QuestionFactory(choose=2)
    assert not answer_record(user=user, question=single, labels=["B"]).multi
    assert answer_record(user=user, question=multi, labels=["A", "B"]).multi


def test_the_migration_marks_the_existing_answers_to_multiple_answer_questions():
    single, multi = AnswerRecordFactory(), AnswerRecordFactory(question=QuestionFactory(choose=2))
    AnswerRecord.objects.update(multi=False)  # as every row was before the migration
    migration._backfill(apps, None)
    assert AnswerRecord.objects.get(pk=single.pk).multi is False
    assert AnswerRecord.objects.get(pk=multi.pk).multi is True


def test_the_table_keeps_its_triggers_after_the_new_column():
    """SQLite rebuilt the table to add the column: the migration put its trigger back (and
    the usual response times' trigger came after)."""
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["quiz_answerrecord"])
        found = sorted(row[0] for row in cursor.fetchall())
    assert found == ["quiz_topicprogress_count", "quiz_usualtimes_answer"]
