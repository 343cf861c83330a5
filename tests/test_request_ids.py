"""Ids in requests: one rule (config.ids) for URL paths, posted ids and form choices.

Each request below answered 500 before: a Unicode digit that passes str.isdigit(), a number
past int()'s 4,300 digits, or one past the database's signed 64-bit integer; and, on
PostgreSQL, a NUL character in a query string.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import Resolver404, resolve, reverse

from config.ids import MAX_ID, IdConverter, parse_id
from quiz.models import AnswerRecord, Attempt, Comment, PracticeSession
from quiz.services import attempt_start, comment_post, practice_start
from tests.factories import BlueprintFactory, QuestionFactory, TopicFactory, UserFactory
from tests.helpers import HX, attempt_question_url, attempt_save_url, practice_answer_url

pytestmark = pytest.mark.django_db
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
    response = learner_client.post(
        practice_answer_url(session, 1), {"choice": [raw]}, headers=headers
    )
    assert response.status_code == 400
    assert "not a choice id" in response.content.decode()
    assert not AnswerRecord.objects.filter(user=user).exists()


def test_an_exam_go_that_is_no_id_stays_on_the_question(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    blueprint = BlueprintFactory(
        certification=topic.certification, question_count=3, time_limit_minutes=10, topics=[topic]
    )
    attempt = attempt_start(user=user, blueprint=blueprint)
    url = attempt_save_url(attempt, 1)
    here = attempt_question_url(attempt, 1)
    for go in [VERY_LONG, "²", "١", HUGE, "0"]:
        response = learner_client.post(url, {"go": go})
        assert response.status_code == 302 and response.url == here, go
    response = learner_client.post(url, {"go": "2"})
    assert response.url == attempt_question_url(attempt, 2)
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


@pytest.mark.parametrize("rating", ["３", "²", VERY_LONG, HUGE, "0", ""], ids=repr)
def test_a_rating_that_is_no_number_is_refused(learner_client, user, rating):
    """ "３" (fullwidth three) was int() 3: a tampered post rated Good."""
    from quiz.models import ReviewLog
    from quiz.services import answer_record

    question = QuestionFactory()
    answer_record(user=user, question=question, labels=["A"])
    log = ReviewLog.objects.get()
    url = reverse("quiz:review_rate", kwargs={"pk": log.pk})
    assert learner_client.post(url, {"rating": rating}).status_code == 400
    log.refresh_from_db()
    assert not log.rating_overridden


@pytest.mark.parametrize("size", ["７", VERY_LONG, "0", "-3"], ids=repr)
def test_a_review_size_that_is_no_number_is_refused(learner_client, size):
    response = learner_client.post(reverse("quiz:review_start"), {"size": size})
    assert response.status_code == 400
    assert not PracticeSession.objects.exists()


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


def question_form_data(client, question) -> tuple[str, dict]:
    """The question's admin change form as the page fills it in (choices included)."""
    url = reverse("admin:quiz_question_change", args=[question.pk])
    response = client.get(url)
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.extend(inline.formset.forms)
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, ""):
                data[form.add_prefix(name)] = value
    return url, data


def test_admin_question_form_ignores_a_posted_duplicate_of(editor_client):
    """Duplicate of is set only by merging (choices paired, history moved): a posted value,
    even the question's own id (once an IntegrityError), changes nothing."""
    question, other = QuestionFactory(), QuestionFactory()
    url, data = question_form_data(editor_client, question)
    for value in (question.pk, other.pk):
        response = editor_client.post(url, {**data, "duplicate_of": value})
        assert response.status_code == 302
        question.refresh_from_db()
        assert question.duplicate_of is None


@pytest.mark.parametrize("value", [HUGE, str(2**64), "١", "abc"], ids=repr)
def test_merge_screen_with_a_target_that_is_no_id_is_a_404(editor_client, value):
    question = QuestionFactory()
    url = reverse("admin:quiz_question_merge", args=[question.pk])
    assert editor_client.get(url, {"into": value}).status_code == 404
    assert editor_client.post(url, {"into": value, "confirm": "1"}).status_code == 404
    question.refresh_from_db()
    assert question.duplicate_of is None


def test_admin_inline_with_a_huge_form_count_is_refused_quickly(editor_client):
    """TOTAL_FORMS of 2**63 made Django build 2,000 choice forms (11 s); now at most 30."""
    question = QuestionFactory()
    url, data = question_form_data(editor_client, question)
    response = editor_client.post(url, {**data, "choices-TOTAL_FORMS": str(2**63)})
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.forms) <= 30
    assert formset.non_form_errors()


def test_admin_certification_list_with_a_row_id_past_the_range_is_a_form_error(editor_client):
    from django.contrib.auth.models import Permission

    editor = UserFactory(username="chief", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__endswith="_certification"))
    editor_client.force_login(editor)
    certification = TopicFactory().certification
    response = editor_client.post(
        reverse("admin:study_certification_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(2**64),  # pk__in with it: OverflowError
            "form-0-position": "3",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    certification.refresh_from_db()
    assert certification.position != 3


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=key%00pairs",
        "/admin/quiz/question/?status__exact=%00",
        "/admin/quiz/report/?reason__exact=%00",
        "/admin/autocomplete/?app_label=quiz&model_name=question&field_name=duplicate_of&term=%00",
        "/topics/ec2/?%00=1",
    ],
)
def test_a_query_string_with_a_nul_is_refused(editor_client, url):
    """PostgreSQL cannot compare text with a NUL in it: each of these was a DataError (500)
    there; no query of ours needs one."""
    response = editor_client.get(url)
    assert response.status_code == 400
    assert response["Permissions-Policy"]


def test_search_drops_other_control_characters(client):
    QuestionFactory(stem="Which key pair works?")
    response = client.get("/search/", {"q": "key\x07"})
    assert response.status_code == 200
    assert response.context["query"] == "key"
