"""Ids in requests: one rule (config.ids) for URL paths, posted ids and form choices.

Each request below answered 500 before: a Unicode digit that passes str.isdigit(), a number
past int()'s 4,300 digits, or one past the database's signed 64-bit integer.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import Resolver404, resolve, reverse

from config.ids import MAX_ID, IdConverter, parse_id
from quiz.models import AnswerRecord, Attempt, Blueprint, BlueprintTopic, Comment, PracticeSession
from quiz.services import attempt_start, comment_post, practice_start
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
HUGE = "9" * 23  # past SQLite's and PostgreSQL's bigint
VERY_LONG = "9" * 5000  # past int()'s default limit of 4,300 digits


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(MAX_ID), MAX_ID),
        (7, 7),
        ("0", None),
        ("-1", None),
        ("", None),
        (" 1", None),
        ("1\x00", None),
        ("1.0", None),
        ("²", None),  # isdigit() is true, int() fails
        ("١", None),  # int() reads 1
        ("７", None),  # int() reads 7
        (str(MAX_ID + 1), None),
        (HUGE, None),
        (VERY_LONG, None),
        (True, None),
        (None, None),
    ],
    ids=repr,
)
def test_parse_id_takes_ascii_digits_in_the_databases_range(value, expected):
    assert parse_id(value) == expected


def test_the_id_converter_matches_only_ids():
    converter = IdConverter()
    assert converter.to_python("12") == 12
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))
    assert resolve("/practice/12/q/3/").kwargs == {"pk": 12, "position": 3}
    for path in [
        f"/practice/{HUGE}/q/1/",
        f"/practice/1/q/{HUGE}/",
        "/practice/0/",
        "/review/rate/-1/",
    ]:
        with pytest.raises(Resolver404):
            resolve(path)


@pytest.fixture
def session(user):
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    return practice_start(user=user, scope="topics", topics=[topic], size=3)


@pytest.mark.parametrize(
    "path",
    [
        f"/practice/{HUGE}/q/1/",  # SQLite: OverflowError
        f"/practice/{VERY_LONG}/",
        f"/exams/attempt/{HUGE}/",
        f"/comments/{HUGE}/edit/",
        "/practice/1/q/%C2%B2/",
    ],
)
def test_a_path_id_that_is_no_id_is_a_404(learner_client, session, path):
    assert learner_client.get(path).status_code == 404


@pytest.mark.parametrize("raw", ["²", "١", "７", VERY_LONG, HUGE, "-1", "1 OR 1=1"], ids=repr)
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_choice_that_is_no_id_is_refused_with_400_and_records_nothing(
    learner_client, user, session, raw, headers
):
    url = reverse("quiz:practice_answer", kwargs={"pk": session.pk, "position": 1})
    response = learner_client.post(url, {"choice": [raw]}, headers=headers)
    assert response.status_code == 400
    assert "not a choice id" in response.content.decode()
    assert not AnswerRecord.objects.filter(user=user).exists()


def test_an_exam_go_that_is_no_id_stays_on_the_question(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    blueprint = Blueprint.objects.create(
        slug="b",
        name="B",
        certification=topic.certification,
        question_count=3,
        time_limit_minutes=10,
        passing_score=720,
    )
    BlueprintTopic.objects.create(blueprint=blueprint, topic=topic, weight=1)
    attempt = attempt_start(user=user, blueprint=blueprint)
    url = reverse("quiz:attempt_save", kwargs={"pk": attempt.pk, "position": 1})
    here = reverse("quiz:attempt_question", kwargs={"pk": attempt.pk, "position": 1})
    for go in [VERY_LONG, "²", "١", HUGE, "0"]:
        response = learner_client.post(url, {"go": go})
        assert response.status_code == 302 and response.url == here, go
    response = learner_client.post(url, {"go": "2"})
    assert response.url == reverse(
        "quiz:attempt_question", kwargs={"pk": attempt.pk, "position": 2}
    )
    assert Attempt.objects.get().finished_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"scope": "topics", "topics": [HUGE]},  # pk__in with it: OverflowError
        {"scope": "topics", "topics": [str(2**64)]},
        {"scope": "topics", "topics": ["١"]},
        {"scope": "certification", "certification": HUGE},
        {"scope": "certification", "certification": "²"},
    ],
    ids=repr,
)
def test_practice_start_with_a_choice_that_is_no_id_shows_a_form_error(learner_client, data):
    TopicFactory()
    response = learner_client.post(
        reverse("quiz:practice_home"), {"size": "10", "order": "bank", **data}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not PracticeSession.objects.exists()


@pytest.mark.parametrize("parent", [HUGE, VERY_LONG, "١", "²"], ids=repr)
def test_a_reply_to_a_parent_that_is_no_id_is_a_form_error(learner_client, user, parent):
    question = QuestionFactory()
    comment_post(user=user, question=question, body="First")
    url = reverse("quiz:comment_create", kwargs={"ext_id": question.ext_id})
    response = learner_client.post(url, {"body": "A reply", "parent": parent})
    assert response.status_code == 422
    assert Comment.objects.count() == 1


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


@pytest.mark.parametrize("object_id", ["abc", "²", HUGE, VERY_LONG, "1%00"])
@pytest.mark.parametrize("screen", ["change-key", "duplicates", "history"])
def test_admin_question_pages_with_an_object_id_that_is_no_id_are_404(
    editor_client, object_id, screen
):
    QuestionFactory()
    response = editor_client.get(f"/admin/quiz/question/{object_id}/{screen}/")
    assert response.status_code == 404


def test_admin_history_version_that_is_no_id_is_404(editor_client):
    question = QuestionFactory()
    for version in ["abc", "²", HUGE]:
        url = f"/admin/quiz/question/{question.pk}/history/{version}/"
        assert editor_client.get(url).status_code == 404, version


def test_admin_question_form_with_a_topic_past_the_range_shows_a_form_error(editor_client):
    question = QuestionFactory()
    url = reverse("admin:quiz_question_change", args=[question.pk])
    page = editor_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    response = editor_client.post(url, {**data, "also_topics": [HUGE]})
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["also_topics"]


def test_admin_upload_preview_with_an_id_past_the_range_is_404(editor_client):
    url = f"/admin/content/question/import/{HUGE}/"
    assert editor_client.get(url).status_code == 404
