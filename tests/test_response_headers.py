"""What every response says about itself: HEAD like GET (and changing nothing), learner
state never stored by a cache, and a Permissions-Policy on everything, static files too."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quiz.models import Attempt, PracticeItem
from quiz.services import attempt_start, practice_start
from tests.factories import (
    BlueprintFactory,
    NoteFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)
from tests.helpers import HX, attempt_question_url, practice_question_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner_world(user):
    topic = TopicFactory(slug="ec2")
    NoteFactory(topic=topic)
    questions = QuestionFactory.create_batch(3, topic=topic)
    blueprint = BlueprintFactory(
        certification=topic.certification, question_count=3, time_limit_minutes=30, topics=[topic]
    )
    session = practice_start(user=user, scope="topics", topics=[topic], size=3)
    attempt = attempt_start(user=user, blueprint=blueprint)
    return {"topic": topic, "question": questions[0], "session": session, "attempt": attempt}


def get_urls(world) -> list[str]:
    """Every site URL (admin aside) whose view takes GET, with real objects."""
    values = {
        "slug": world["topic"].slug,
        "ext_id": world["question"].ext_id,
        "position": "1",
    }
    pks = {
        "practice": world["session"].pk,
        "attempt": world["attempt"].pk,
    }

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith("admin"):
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.name or ""

    urls = []
    for route, name in walk(get_resolver().url_patterns):
        if name.startswith("exam_start"):
            continue
        kind = name.split("_")[0]

        def fill(match, kind=kind):
            parameter = match.group(1)
            if parameter == "pk":
                return str(pks.get(kind, 1))
            return values.get(parameter, "x")

        urls.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route))
    return urls


def test_every_page_that_answers_get_answers_head_the_same(learner_client, learner_world):
    """require_safe, not require_GET: a HEAD (link checkers, load balancers, some proxies)
    is not a 405 where a GET works."""
    checked = 0
    for url in get_urls(learner_world):
        get = learner_client.get(url)
        if get.status_code == 405:
            continue  # a POST-only view
        head = learner_client.head(url)
        assert head.status_code == get.status_code, url
        assert head.content == b"", url
        checked += 1
    assert checked >= 20


def test_a_head_of_a_practice_question_does_not_start_its_clock(learner_client, learner_world):
    session = learner_world["session"]
    url = practice_question_url(session, 2)
    assert learner_client.head(url).status_code == 200
    assert PracticeItem.objects.get(session=session, position=2).shown_at is None
    learner_client.get(url)
    assert PracticeItem.objects.get(session=session, position=2).shown_at is not None


def test_a_head_of_an_exam_question_does_not_move_the_attempt(learner_client, learner_world):
    attempt = learner_world["attempt"]
    url = attempt_question_url(attempt, 3)
    assert learner_client.head(url).status_code == 200
    assert Attempt.objects.get().current_position == 1
    learner_client.get(url)
    assert Attempt.objects.get().current_position == 3


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "name",
    ["quiz:home", "quiz:practice_home", "quiz:review_home", "quiz:exam_list", "quiz:profile"],
)
def test_signed_in_pages_are_private_and_not_stored(learner_client, learner_world, name):
    response = learner_client.get(reverse(name))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_signed_in_fragments_and_public_pages_seen_signed_in_are_not_stored(
    learner_client, learner_world
):
    session = learner_world["session"]
    url = practice_question_url(session, 1)
    assert {"private", "no-store"} <= directives(learner_client.get(url, headers=HX))
    topic = reverse("study:topic_detail", kwargs={"slug": "ec2"})
    assert {"private", "no-store"} <= directives(learner_client.get(topic))


def test_pages_for_visitors_keep_no_cache_control(client, learner_world):
    for url in [reverse("study:topic_detail", kwargs={"slug": "ec2"}), reverse("study:home")]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Cache-Control" not in response


def test_a_view_that_chose_its_own_cache_control_keeps_it(learner_client):
    response = learner_client.get(reverse("healthz"))
    assert directives(response) == {
        "max-age=0",
        "no-cache",
        "no-store",
        "must-revalidate",
        "private",
    }


def test_static_files_are_left_to_whitenoise(learner_client):
    response = learner_client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert response["Permissions-Policy"]


def test_the_topic_page_cache_still_serves_signed_in_learners(learner_client, learner_world):
    """The notes are cached server-side (never by the browser): the second view reads no
    notes, whoever asks."""
    url = reverse("study:topic_detail", kwargs={"slug": "ec2"})
    learner_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        second = learner_client.get(url)
    assert not any("study_note" in query["sql"] for query in captured.captured_queries)
    assert "a nested bullet" in second.content.decode()
    assert {"private", "no-store"} <= directives(second)


PERMISSIONS_DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]


@pytest.mark.parametrize(
    ("signed_in", "url"),
    [
        (False, "/"),
        (False, "/topics/ec2/"),
        (False, "/no-such-page/"),
        (False, "/practice/"),  # a redirect to sign in
        (False, "/static/css/app.css"),
        (False, "/favicon.ico"),
        (False, "/admin/login/"),
        (True, "/"),
        (True, "/review/"),
    ],
)
def test_every_response_carries_a_permissions_policy(client, learner_world, signed_in, url):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(url)
    policy = response["Permissions-Policy"]
    features = dict(re.findall(r"([\w-]+)=\(([^)]*)\)", policy))
    for feature in PERMISSIONS_DENIED:
        assert features[feature] == "", (feature, policy)


def test_production_settings_keep_the_headers(settings):
    from config.settings import base

    assert base.MIDDLEWARE[0] == "config.middleware.PermissionsPolicyMiddleware"
    auth = base.MIDDLEWARE.index("quiz.auth.AuthenticationMiddleware")
    assert base.MIDDLEWARE.index("config.middleware.PrivateCacheMiddleware") > auth


def test_head_of_the_health_check(client):
    assert Client().head(reverse("healthz")).status_code == 200
