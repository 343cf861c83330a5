"""The migration that gives every existing question its first version, run on a small copy
of the benchmark data set (benchmarks/dataset.py, the rows a real bank has: questions with
choices, answers, reviews, votes-free learners, exam attempts)."""

import importlib

import pytest
from django.apps import apps

from benchmarks import dataset
from quiz.models import (
    AnswerRecord,
    AttemptQuestion,
    Question,
    QuestionVersion,
    ReviewLog,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module("quiz.migrations.0023_record_first_versions")

SMALL = dataset.Scale(
    certifications=1,
    topics=3,
    questions=30,
    learners=4,
    review_rows=120,
    finished_attempts=4,
    open_attempts=2,
    exam_questions=10,
)


def test_every_question_gets_its_first_version_and_every_record_points_at_it():
    data = dataset.load(SMALL, log=lambda _message: None, versions=False)
    assert not QuestionVersion.objects.exists()  # as a bank before the migration
    labels_before = list(
        AnswerRecord.objects.order_by("pk").values_list("chosen_labels", flat=True)
    )

    migration.record_first_versions(apps, None)

    assert QuestionVersion.objects.count() == Question.objects.count() == data.counts["questions"]
    assert not Question.objects.exclude(version=1).exists()
    question = Question.objects.prefetch_related("choices").first()
    content = question.versions.get().content
    assert content["stem"] == question.stem
    assert [(c["label"], c["text"], c["is_correct"]) for c in content["choices"]] == [
        (c.label, c.text, c.is_correct) for c in question.choices.order_by("position")
    ]
    for model in (AnswerRecord, ReviewLog, AttemptQuestion):
        assert model.objects.exists() and not model.objects.exclude(question_version=1).exists()
    # Labels were already choice identities: not one is rewritten.
    assert (
        list(AnswerRecord.objects.order_by("pk").values_list("chosen_labels", flat=True))
        == labels_before
    )
    migration.record_first_versions(apps, None)  # run twice: nothing doubles
    assert QuestionVersion.objects.count() == data.counts["questions"]
