"""What many test modules share: the htmx header, URLs of the learner's screens, choice ids by
label, starting a practice session or a mock exam, answering at a given moment or a whole mock
exam, and the check that an htmx answer is a fragment.

Fixtures (`user`, `learner_client`, `editor_client`, ...) live in `tests/conftest.py`; rows
are built by `tests/factories.py`. These are plain functions, imported where used.
"""

import time_machine
from django.urls import reverse

from quiz.models import Attempt
from quiz.services import (
    answer_record,
    answer_save,
    attempt_finalize,
    attempt_start,
    practice_start,
)

# Sent by htmx with every request it makes; views answer it with a fragment.
HX = {"HX-Request": "true"}


# ---- URLs ---------------------------------------------------------------------------------


def question_url(question) -> str:
    """The public page of a question (a Question or its ext_id)."""
    ext_id = getattr(question, "ext_id", question)
    return reverse("quiz:question_detail", kwargs={"ext_id": ext_id})


def topic_questions_url(topic) -> str:
    """The question list of a topic (a Topic or its slug)."""
    return reverse("quiz:topic_questions", kwargs={"slug": getattr(topic, "slug", topic)})


def comment_create_url(question) -> str:
    return reverse("quiz:comment_create", kwargs={"ext_id": question.ext_id})


def vote_url(question) -> str:
    return reverse("quiz:vote_create", kwargs={"ext_id": question.ext_id})


def report_url(question) -> str:
    return reverse("quiz:report_create", kwargs={"ext_id": question.ext_id})


def practice_url(name: str, session, position: int) -> str:
    """A per-question practice URL: name is practice_question, practice_answer, practice_flag."""
    return reverse(f"quiz:{name}", kwargs={"pk": session.pk, "position": position})


def practice_question_url(session, position: int = 1) -> str:
    return practice_url("practice_question", session, position)


def practice_answer_url(session, position: int = 1) -> str:
    return practice_url("practice_answer", session, position)


def attempt_url(name: str, attempt, position: int) -> str:
    """A per-question exam URL: name is attempt_question, attempt_save, attempt_flag."""
    return reverse(f"quiz:{name}", kwargs={"pk": attempt.pk, "position": position})


def attempt_question_url(attempt, position: int = 1) -> str:
    return attempt_url("attempt_question", attempt, position)


def attempt_save_url(attempt, position: int = 1) -> str:
    return attempt_url("attempt_save", attempt, position)


# ---- sessions, attempts and their items ---------------------------------------------------


def start_practice(user, topic, size=3, order="bank", **kwargs):
    """A practice session over one topic (bank order: the topic's questions as listed)."""
    return practice_start(
        user=user, scope="topics", topics=[topic], size=size, order=order, **kwargs
    )


def start_attempt(user, blueprint, at=None):
    """A mock exam attempt, started at `at` (its deadline counts from then) or now."""
    if at is None:
        return attempt_start(user=user, blueprint=blueprint)
    with time_machine.travel(at, tick=False):
        return attempt_start(user=user, blueprint=blueprint)


def item_at(session_or_attempt, position: int = 1):
    """The question at this position of a practice session or an exam attempt."""
    if isinstance(session_or_attempt, Attempt):
        items = session_or_attempt.questions
    else:
        items = session_or_attempt.items
    return items.select_related("question").get(position=position)


# ---- choices ------------------------------------------------------------------------------


def choice_ids(item_or_question, labels) -> list[str]:
    """The posted ids of the choices with these stable labels (A, B, ...), in that order."""
    question = getattr(item_or_question, "question", item_or_question)
    by_label = {c.label: c.pk for c in question.choices.all()}
    return [str(by_label[label]) for label in labels]


def key_choice_ids(question) -> list[str]:
    """The ids of the right choices: a right answer."""
    return [str(c.pk) for c in question.choices.all() if c.is_correct]


def wrong_choice_ids(question) -> list[str]:
    """As many wrong choices as the question asks for: a wrong answer."""
    return [str(c.pk) for c in question.choices.all() if not c.is_correct][: question.choose]


# ---- answers ------------------------------------------------------------------------------


def answer_at(user, question, correct: bool, at, response_ms=None):
    """A right or a wrong answer (as many wrong choices as the key has right ones), recorded
    with the clock standing at `at`, so the card is scheduled from then."""
    key = sorted(c.label for c in question.choices.all() if c.is_correct)
    others = sorted(c.label for c in question.choices.all() if not c.is_correct)
    labels = key if correct else (others + key)[: len(key)]
    with time_machine.travel(at, tick=False):
        return answer_record(
            user=user, question=question, labels=labels, answered_at=at, response_ms=response_ms
        )


def answer_all(user, questions, *, right=True):
    """Every one of these questions answered now, all right or all wrong."""
    for question in questions:
        key = question.key_labels.split(",")
        wrong = [c.label for c in question.choices.all() if c.label not in key][: len(key)]
        answer_record(user=user, question=question, labels=key if right else wrong)


def take_mock(user, blueprint, *, right: int):
    """A mock exam started, its first `right` questions answered right, the rest wrong, and
    submitted."""
    attempt = attempt_start(user=user, blueprint=blueprint)
    for item in attempt.questions.select_related("question").order_by("position"):
        question = item.question
        key = question.key_labels.split(",")
        labels = key if item.position <= right else ["Z"]
        ids = [c.pk for c in question.choices.all() if c.label in labels] or [
            c.pk for c in question.choices.all() if c.label not in key
        ][: len(key)]
        answer_save(item=item, raw_choice_ids=[str(pk) for pk in ids])
    return attempt_finalize(attempt=Attempt.objects.get(pk=attempt.pk), reason="submitted")


# ---- responses ----------------------------------------------------------------------------


def assert_fragment(response, element_id: str) -> str:
    """An htmx response: just the fragment with this id, not a whole page."""
    html = response.content.decode()
    assert "<html" not in html and "<!doctype" not in html.lower(), "got a whole page"
    assert f'id="{element_id}"' in html, f"no element #{element_id} in the fragment"
    return html


# The migrations that make the Editors group and grant it permissions, in order: replayed by
# editors_group() when a flush (transactional tests) has removed what they wrote.
_EDITOR_MIGRATIONS = [
    ("quiz.migrations.0003_editors_group", "create_editors"),
    ("quiz.migrations.0019_editors_edit_domains", "grant"),
    ("quiz.migrations.0025_editors_view_blueprints", "grant"),
    ("content.migrations.0003_editors_view_uploads", "grant"),
]


def editors_group():
    """The Editors group exactly as the migrations make it (made again if a flush removed it)."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name="Editors").first()
    if group is None:
        for module, function in _EDITOR_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
        group = Group.objects.get(name="Editors")
    return group
