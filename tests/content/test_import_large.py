"""A large library imports in bulk: few queries, every row with its history row, and a
re-import writes only what changed."""

import time
from pathlib import Path

import pytest
import yaml

from content.importer import content_import
from quiz.models import AnswerKeyRevision, Choice, Question, QuestionReference
from study.models import Topic

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # a thousand questions, three times

NOTES = """---
slug: {slug}
title: Topic {n}
position: {n}
---
## Overview

- Grant least privilege; prefer roles to long-lived keys.

## Monitoring

- Log every API call.
"""


def write_library(root: Path, *, topics: int, per_topic: int) -> Path:
    """topics x per_topic questions of five choices; every tenth has two answers."""
    certification = root / "big-cert"
    certification.mkdir(parents=True)
    (certification / "certification.md").write_text(
        "---\nslug: big-cert\nname: Big Certification\n---\nMany questions.\n"
    )
    for t in range(topics):
        slug = f"topic-{t:02d}"
        (certification / slug).mkdir()
        (certification / slug / "notes.md").write_text(NOTES.format(slug=slug, n=t))
        questions = []
        for n in range(per_topic):
            key = ["B", "D"] if n % 10 == 9 else ["C"]
            question = {
                "id": f"{slug}-q{n:03d}",
                "set": "practice",
                "number": n + 1,
                "stem": f"Question {n} of topic {t}: which costs the **least**?",
                "choices": [
                    {"label": label, "text": f"Option {label.lower()} for case {n}."}
                    | ({"correct": True, "explanation": "Simplest."} if label in key else {})
                    for label in "ABCDE"
                ],
                "references": [{"note": "overview"}],
            }
            if len(key) == 2:
                question["choose"] = 2
            if n % 50 == 0:
                question["key_history"] = [{"correct": ["A"], "until": "2020-01", "note": "Why."}]
            if t == 1 and n < 3:
                question["also_topics"] = ["topic-02"]
            questions.append(question)
        (certification / slug / "questions.yaml").write_text(
            yaml.safe_dump(
                {"sets": [{"slug": "practice", "title": "Practice"}], "questions": questions},
                sort_keys=False,
            )
        )
    return root


# Topics, their notes and sets are written one by one; questions in bulk, so that the
# count does not grow with them (row by row it was some 25 queries per question).
QUERIES_PER_TOPIC = 40


@pytest.fixture
def big_library(tmp_path) -> Path:
    return write_library(tmp_path / "library", topics=10, per_topic=100)


def history_matches_rows(model, *, but: tuple[str, ...] = ()) -> bool:
    """Each row's latest history row records the row as stored (but those fields)."""
    history = model.history.model
    names = [field.attname for field in history.tracked_fields if field.attname not in but]
    rows = {row[0]: row for row in model.objects.values_list(*names)}
    latest = {}
    for row in history.objects.order_by("history_id").values_list(*names):
        latest[row[0]] = row
    return {pk: latest.get(pk) for pk in rows} == rows


def test_thousand_questions_import_in_seconds_with_few_queries(
    big_library, django_assert_max_num_queries
):
    started = time.perf_counter()
    with django_assert_max_num_queries(QUERIES_PER_TOPIC * 10):
        report = content_import(root=big_library)
    # Saving row by row took some 40 s on a development machine.
    assert time.perf_counter() - started < 10

    assert report.counts["questions"] == {"created": 1000}
    assert Question.objects.count() == 1000
    assert Choice.objects.count() == 5000
    assert QuestionReference.objects.filter(note__anchor="overview").count() == 1000
    assert AnswerKeyRevision.objects.count() == 20
    multi = Question.objects.get(ext_id="topic-03-q019")
    assert (multi.choose, multi.key_labels) == (2, "B,D")
    assert "<strong>least</strong>" in multi.stem_html
    assert multi.choices.get(label="B").explanation_html == "<p>Simplest.</p>"
    revision = Question.objects.get(ext_id="topic-03-q050").key_revisions.get()
    assert (revision.correct_labels, revision.new_labels, revision.note_html) == (
        "A",
        "C",
        "<p>Why.</p>",
    )

    assert Topic.objects.get(slug="topic-02").also_questions.count() == 3

    assert Question.history.filter(history_type="+").count() == 1000
    assert Choice.history.filter(history_type="+").count() == 5000
    assert history_matches_rows(Question) and history_matches_rows(Choice)


def test_unchanged_reimport_writes_nothing(big_library, django_assert_max_num_queries):
    content_import(root=big_library)
    histories = Question.history.count(), Choice.history.count()

    with django_assert_max_num_queries(QUERIES_PER_TOPIC * 10):
        report = content_import(root=big_library)

    assert report.summary().startswith("0 created, 0 updated, 0 retired")
    assert report.counts["questions"] == {"unchanged": 1000}
    assert (Question.history.count(), Choice.history.count()) == histories


def test_reimport_writes_only_the_edited_questions(big_library):
    content_import(root=big_library)
    path = big_library / "big-cert" / "topic-04" / "questions.yaml"
    document = yaml.safe_load(path.read_text())
    questions = {question["id"]: question for question in document["questions"]}
    questions["topic-04-q001"]["stem"] = "Reworded: which costs the **least**?"
    questions["topic-04-q002"]["choices"][0]["text"] = "A clearer first option."
    key_change = questions["topic-04-q003"]["choices"]
    key_change[0]["correct"], key_change[2]["correct"] = True, False
    questions["topic-04-q004"]["choices"].pop()  # E goes away
    document["questions"].remove(questions["topic-04-q099"])  # the last: no others move up
    questions["topic-04-q006"]["also_topics"] = ["topic-01", "topic-02"]
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    histories = Question.history.count(), Choice.history.count()

    report = content_import(root=big_library)

    assert report.counts["questions"] == {"updated": 5, "retired": 1, "unchanged": 994}
    assert Question.objects.get(ext_id="topic-04-q001").stem.startswith("Reworded")
    assert Question.objects.get(ext_id="topic-04-q003").key_labels == "A"
    assert list(
        Question.objects.get(ext_id="topic-04-q004").choices.values_list("label", flat=True)
    ) == ["A", "B", "C", "D"]
    assert Question.objects.get(ext_id="topic-04-q099").status == Question.Status.RETIRED
    also = Question.objects.get(ext_id="topic-04-q006").also_topics.values_list("slug", flat=True)
    assert sorted(also) == ["topic-01", "topic-02"]
    # A row per changed question (reworded, retired) and per changed or removed choice; a
    # key changed by its choices alone is in their history, not the question's.
    assert Question.history.count() == histories[0] + 2
    assert Choice.history.count() == histories[1] + 4
    assert Choice.history.get(history_type="-").label == "E"
    assert history_matches_rows(Question, but=("key_labels",)) and history_matches_rows(Choice)
