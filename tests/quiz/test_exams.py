"""Mock exams: freezing, autosave, deadlines, scoring, isolation."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quiz.models import Attempt, AttemptQuestion, Blueprint, BlueprintTopic, Question, ReviewLog
from quiz.selectors import exams as exam_selectors
from quiz.services import (
    ExamClosed,
    ExamError,
    answer_save,
    attempt_finalize,
    attempt_start,
    flag_set,
    key_change,
)
from tests.factories import (
    AnswerKeyRevisionFactory,
    BlueprintFactory,
    CertificationFactory,
    NoteFactory,
    QuestionFactory,
    QuestionReferenceFactory,
    TopicFactory,
    UserFactory,
)
from tests.helpers import (
    HX,
    assert_fragment,
    attempt_question_url,
    attempt_save_url,
    choice_ids,
    item_at,
    start_attempt,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def blueprint():
    topic = TopicFactory()
    QuestionFactory.create_batch(6, topic=topic)
    QuestionFactory.create_batch(2, topic=topic, choose=2)
    return BlueprintFactory(
        slug="mini", name="Mini mock", certification=topic.certification, topics=[topic]
    )


def test_exam_list_offers_only_the_exam_that_can_start(learner_client, bank):
    page = learner_client.get(reverse("quiz:exam_list"))
    html = page.content.decode()
    mini = html.split(f'id="{bank.mini.slug}"')[1].split("</section>")[0]
    full = html.split(f'id="{bank.full.slug}"')[1].split("</section>")[0]
    assert "Start the exam" in mini
    assert reverse("quiz:exam_start", kwargs={"slug": bank.mini.slug}) in mini
    assert "Start the exam" not in full and "<form" not in full
    assert (
        "Not available yet:</strong> needs 65 questions of this topic (Instance Security); "
        f"the bank has {len(bank.live)}." in full
    )
    assert reverse("quiz:practice_home") in full


def test_crafted_start_of_an_exam_that_cannot_start_is_refused_with_a_way_back(
    learner_client, bank
):
    response = learner_client.post(reverse("quiz:exam_start", kwargs={"slug": bank.full.slug}))
    assert response.status_code == 400
    assertContains(
        response,
        "This exam cannot be started yet: it needs 65 questions of this topic "
        f"(Instance Security); the bank has {len(bank.live)}.",
        status_code=400,
    )
    assertContains(response, f'href="{reverse("quiz:exam_list")}"', status_code=400)
    assertNotContains(response, "reload the page", status_code=400)
    assert not Attempt.objects.exists() and not AttemptQuestion.objects.exists()


def _fill_case(name: str):
    """A blueprint of 5 questions over two topics, arranged as the case says."""
    certification = CertificationFactory()
    first, second = TopicFactory.create_batch(2, certification=certification)
    blueprint = BlueprintFactory(name=name, certification=certification, time_limit_minutes=10)
    if name == "enough":
        QuestionFactory.create_batch(3, topic=first)
        QuestionFactory.create_batch(2, topic=second)
    elif name == "one short":
        QuestionFactory.create_batch(4, topic=first)
    elif name == "draft and duplicate questions do not count":
        QuestionFactory.create_batch(4, topic=first)
        QuestionFactory(topic=first, status=Question.Status.DRAFT)
        QuestionFactory(topic=second, duplicate_of=Question.objects.first())
    elif name in ("a recent key change leaves it short", "recent key changes included"):
        questions = QuestionFactory.create_batch(5, topic=first)
        AnswerKeyRevisionFactory(question=questions[0], valid_until=timezone.localdate())
        blueprint.include_recent_key_changes = name == "recent key changes included"
        blueprint.save()
    elif name == "weighted topics only":
        QuestionFactory.create_batch(3, topic=first)
        QuestionFactory.create_batch(5, topic=TopicFactory(certification=certification))
        BlueprintTopic.objects.create(blueprint=blueprint, topic=first, weight=2)
    elif name == "a retired weighted topic falls back to the certification's":
        QuestionFactory.create_batch(5, topic=second)
        retired = TopicFactory(certification=certification, is_active=False)
        BlueprintTopic.objects.create(blueprint=blueprint, topic=retired, weight=1)
    return blueprint


FILL_CASES = {
    "enough": True,
    "one short": False,
    "draft and duplicate questions do not count": False,
    "a recent key change leaves it short": False,
    "recent key changes included": True,
    "weighted topics only": False,
    "a retired weighted topic falls back to the certification's": True,
}


@pytest.mark.parametrize(("case", "starts"), FILL_CASES.items(), ids=FILL_CASES.keys())
def test_fill_status_says_exactly_what_attempt_start_does(user, case, starts):
    blueprint = _fill_case(case)
    fill = exam_selectors.blueprint_fills([blueprint])[blueprint.pk]
    assert fill.can_start is starts
    if starts:
        assert attempt_start(user=user, blueprint=blueprint).total == 5
    else:
        with pytest.raises(ExamError, match=f"it {re.escape(fill.shortfall)}"):
            attempt_start(user=user, blueprint=blueprint)
        assert fill.in_bank < 5 and not Attempt.objects.exists()


def test_shortfall_names_the_topics_and_the_questions_left_out(user):
    blueprint = _fill_case("a recent key change leaves it short")
    fill = exam_selectors.blueprint_fills([blueprint])[blueprint.pk]
    titles = [topic.title for topic in fill.topics]
    assert fill.shortfall == (
        f"needs 5 questions of these topics ({titles[0]} and {titles[1]}); the bank has 4 "
        "(and 1 left out while their key change is recent)"
    )


def test_fill_status_of_many_exams_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    def exams(count: int) -> list[Blueprint]:
        made = []
        for _ in range(count):
            made.append(_fill_case("enough"))
            made.append(_fill_case("weighted topics only"))
        return made

    few = exams(1)  # topic weights, topics, domain weights, the pool: four at most
    with django_assert_max_num_queries(4):
        exam_selectors.blueprint_fills(few)
    many = exams(10)
    with django_assert_max_num_queries(4):
        fills = exam_selectors.blueprint_fills(many)
    assert [fills[b.pk].can_start for b in many] == [True, False] * 10


def test_start_freezes_questions_order_keys_and_deadline(user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    assert attempt.deadline == T0 + timedelta(minutes=20) and attempt.total == 5
    items = list(attempt.questions.select_related("question"))
    assert len({i.question_id for i in items}) == 5  # no duplicates
    assert all(i.key_labels == i.question.key_labels and len(i.order_labels) >= 4 for i in items)
    # One open attempt: starting again resumes it.
    assert start_attempt(user, blueprint, at=T0 + timedelta(minutes=1)) == attempt


def test_retired_and_recently_changed_questions_are_left_out(user, blueprint):
    topic = blueprint.weights.get().topic
    retired = QuestionFactory(topic=topic, status=Question.Status.RETIRED)
    changed = Question.objects.filter(topic=topic).first()
    key_change(
        question=changed,
        correct_labels=["C"],
        note="changed",
        effective=timezone.localdate(),
        user=None,
    )
    for _ in range(20):
        attempt = attempt_start(user=UserFactory(), blueprint=blueprint)
        picked = set(attempt.questions.values_list("question_id", flat=True))
        assert retired.pk not in picked and changed.pk not in picked


def test_autosave_htmx_and_plain_last_write_wins(learner_client, user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    first = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = learner_client.post(
            attempt_save_url(attempt, 1), {"choice": choice_ids(first, ["A"])}, headers=HX
        )
        html = assert_fragment(response, "save-status")
        assert "Saved at" in html and 'id="exam-timer"' in html and 'hx-swap-oob="true"' in html
        assert '<li id="nav-1" hx-swap-oob="true">' in html and "answered current" in html
        assert html.count("<li") == 1  # the answered question's square, not all of them
        response = learner_client.post(
            attempt_save_url(attempt, 1), {"choice": choice_ids(first, ["C"]), "go": "2"}
        )
        assert response.url == attempt_question_url(attempt, 2)
    first.refresh_from_db()
    assert first.chosen_labels == "C"
    assert AttemptQuestion.objects.filter(attempt=attempt, question=first.question).count() == 1


def test_two_tabs_stay_consistent(user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    tab1, tab2 = Client(), Client()
    tab1.force_login(user)
    tab2.force_login(user)
    first = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        tab1.post(attempt_save_url(attempt, 1), {"choice": choice_ids(first, ["A"])}, headers=HX)
        tab2.post(attempt_save_url(attempt, 1), {"choice": choice_ids(first, ["B"])}, headers=HX)
        page = tab1.get(attempt_question_url(attempt, 1))
    first.refresh_from_db()
    assert first.chosen_labels == "B"
    assert (
        f'value="{choice_ids(first, ["B"])[0]}" id="choice-{choice_ids(first, ["B"])[0]}" data-key'
        in page.content.decode()
    )


def test_multi_answer_may_be_partial_but_never_more_than_n(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(2, topic=topic, choose=2)
    blueprint = BlueprintFactory(
        slug="multi",
        name="Multi",
        certification=topic.certification,
        question_count=1,
        time_limit_minutes=5,
    )
    attempt = start_attempt(user, blueprint, at=T0)
    multi = item_at(attempt, 1)
    url = attempt_save_url(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert learner_client.post(url, {"choice": choice_ids(multi, ["A"])}).status_code == 302
        response = learner_client.post(url, {"choice": choice_ids(multi, ["A", "B", "C"])})
        # Without JavaScript: the question again (422), the three ticks kept, the message by
        # the choices; the saved answer stays the one before.
        assert response.status_code == 422
        html = response.content.decode()
        assert "You can choose only 2 answers; you chose 3." in html
        assert html.count(" checked>") == 3 and "<html" in html
        hx = learner_client.post(url, {"choice": choice_ids(multi, ["A", "B", "C"])}, headers=HX)
        assert hx.status_code == 400 and "You can choose only 2 answers" in hx.content.decode()
    multi.refresh_from_db()
    assert multi.chosen_labels == "A"
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        attempt_finalize(attempt=attempt, reason="submitted")
    multi.refresh_from_db()
    assert multi.is_correct is False  # partly answered counts wrong


# Posts no form can make: each choice list, from the attempt.
CRAFTED_CHOICES = {
    "non-numeric": lambda attempt: ["x"],
    "foreign-id": lambda attempt: ["999999"],
    "a choice of another question": lambda attempt: choice_ids(item_at(attempt, 2), ["A"]),
}


@pytest.mark.parametrize("posted", CRAFTED_CHOICES.values(), ids=CRAFTED_CHOICES.keys())
def test_crafted_choice_ids_are_400_and_change_nothing(learner_client, user, blueprint, posted):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = learner_client.post(attempt_save_url(attempt, 1), {"choice": posted(attempt)})
    assert response.status_code == 400
    assert item_at(attempt, 1).chosen_labels == ""


def test_unknown_position_is_404_and_other_users_attempt_is_404(client, user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    client.force_login(user)
    assert client.post(attempt_save_url(attempt, 99), {"choice": []}).status_code == 404
    client.force_login(UserFactory())
    for url in [
        attempt_question_url(attempt, 1),
        reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}),
        reverse("quiz:attempt_review", kwargs={"pk": attempt.pk}),
    ]:
        assert client.get(url).status_code == 404
    assert (
        client.post(
            attempt_save_url(attempt, 1), {"choice": choice_ids(item_at(attempt, 1), ["A"])}
        ).status_code
        == 404
    )
    assert client.post(reverse("quiz:attempt_submit", kwargs={"pk": attempt.pk})).status_code == 404
    assert item_at(attempt, 1).chosen_labels == ""


@pytest.mark.parametrize(
    ("seconds_after_deadline", "accepted"),
    [(-5, True), (30, True), (61, False)],
    ids=["just-before", "inside-grace", "after-grace"],
)
def test_deadline_and_grace(learner_client, user, blueprint, seconds_after_deadline, accepted):
    attempt = start_attempt(user, blueprint, at=T0)
    first = item_at(attempt, 1)
    moment = attempt.deadline + timedelta(seconds=seconds_after_deadline)
    with time_machine.travel(moment, tick=False):
        response = learner_client.post(
            attempt_save_url(attempt, 1), {"choice": choice_ids(first, ["B"])}, headers=HX
        )
    first.refresh_from_db()
    attempt.refresh_from_db()
    if accepted:
        assert (
            response.status_code == 200 and first.chosen_labels == "B" and not attempt.is_finished
        )
    else:
        assert response.status_code == 409 and "Time is up" in response.content.decode()
        assert first.chosen_labels == "" and attempt.is_finished
        assert attempt.finish_reason == "expired" and attempt.finished_at == attempt.deadline


def test_expired_attempt_is_finalized_when_touched_and_scored_from_saved_answers(
    learner_client, user, blueprint
):
    attempt = start_attempt(user, blueprint, at=T0)
    first = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        learner_client.post(
            attempt_save_url(attempt, 1), {"choice": choice_ids(first, first.key_labels.split(","))}
        )
    with time_machine.travel(attempt.deadline + timedelta(minutes=5), tick=False):
        response = learner_client.get(reverse("quiz:attempt_resume", kwargs={"pk": attempt.pk}))
    assert response.url == reverse("quiz:attempt_results", kwargs={"pk": attempt.pk})
    attempt.refresh_from_db()
    assert attempt.correct == 1 and attempt.score == 280 and attempt.passed is False


def test_finalize_command_is_idempotent(user, blueprint, capsys):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(attempt.deadline + timedelta(minutes=2), tick=False):
        call_command("finalize_expired_attempts")
        call_command("finalize_expired_attempts")
    out = capsys.readouterr().out
    assert "1 attempt(s) finalized." in out and "0 attempt(s) finalized." in out
    attempt.refresh_from_db()
    assert attempt.finish_reason == "expired"


def test_double_submit_finalizes_once_and_feeds_srs_after_finish(learner_client, user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        for position in (1, 2):
            item = item_at(attempt, position)
            learner_client.post(
                attempt_save_url(attempt, position),
                {"choice": choice_ids(item, [item.order_labels[0]])},
            )
        assert not ReviewLog.objects.exists()  # not during the attempt
        submit = reverse("quiz:attempt_submit", kwargs={"pk": attempt.pk})
        first = learner_client.post(submit)
        second = learner_client.post(submit)
    assert first.url == second.url == reverse("quiz:attempt_results", kwargs={"pk": attempt.pk})
    assert ReviewLog.objects.filter(source="exam").count() == 2
    attempt.refresh_from_db()
    assert attempt.finish_reason == "submitted"


def test_resume_returns_to_the_same_question(learner_client, user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        learner_client.get(attempt_question_url(attempt, 4))
        response = learner_client.get(reverse("quiz:attempt_resume", kwargs={"pk": attempt.pk}))
        assert response.url == reverse(
            "quiz:attempt_question", kwargs={"pk": attempt.pk, "position": 4}
        )
        listing = learner_client.get(reverse("quiz:exam_list"))
    assertContains(listing, "Continue your attempt")


def test_flag_and_review_screen(learner_client, user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        response = learner_client.post(
            reverse("quiz:attempt_flag", kwargs={"pk": attempt.pk, "position": 3}), headers=HX
        )
        html = assert_fragment(response, "flag-form")
        assert "⚑</span> Flagged for review" in html
        # Only the flagged question's square is replaced, not the whole navigator.
        assert '<li id="nav-3" hx-swap-oob="true">' in html and "flagged current" in html
        assert 'id="exam-navigator"' not in html
        review = learner_client.get(reverse("quiz:attempt_review", kwargs={"pk": attempt.pk}))
    assertContains(review, "5 unanswered · 1 flagged")
    assertContains(review, "Submit the exam")


def test_the_review_screen_lists_only_the_unanswered_or_only_the_flagged(
    learner_client, user, blueprint
):
    attempt = start_attempt(user, blueprint, at=T0)
    item = item_at(attempt, 2)
    answer_save(item=item, raw_choice_ids=choice_ids(item, ["A"]), now=T0)
    flag_set(item=item_at(attempt, 4), flagged=True, now=T0)
    url = reverse("quiz:attempt_review", kwargs={"pk": attempt.pk})

    def listed(show: str) -> list[str]:
        with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
            page = learner_client.get(url, {"show": show}).content.decode()
        navigator = page.split('id="exam-navigator"')[1].split("</ol>")[0]
        return re.findall(r'<li id="nav-(\d+)"', navigator)

    assert listed("all") == ["1", "2", "3", "4", "5"]
    assert listed("unanswered") == ["1", "3", "4", "5"]
    assert listed("flagged") == ["4"]
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        page = learner_client.get(url, {"show": "flagged"})
        refused = learner_client.get(url, {"show": "<b>everything</b>"})
    assertContains(page, 'aria-current="true">Flagged (1)</a>')
    assertContains(refused, "choose all, unanswered or flagged", status_code=400)
    assertNotContains(refused, "<b>everything</b>", status_code=400)


def test_exam_pages_are_closed_book_with_the_clock_in_their_own_header(
    learner_client, user, blueprint
):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        pages = [
            learner_client.get(attempt_question_url(attempt, 1)),
            learner_client.get(reverse("quiz:attempt_review", kwargs={"pk": attempt.pk})),
        ]
    for page in pages:
        assertContains(page, 'class="exam-header"')
        assertContains(page, 'role="timer"')
        assertContains(page, 'Leave <span class="meta">(the clock keeps running)</span>')
        assertNotContains(page, 'aria-label="Main"')
        assertNotContains(page, 'id="site-search"')
        assertNotContains(page, 'class="site-footer"')
    # Outside an attempt the site's header is back.
    assertContains(learner_client.get(reverse("quiz:exam_list")), 'id="site-search"')


@pytest.mark.parametrize(
    ("seconds", "text", "low"),
    [(3725, "1:02:05", False), (600, "10:00", False), (300, "5:00", True), (0, "0:00", True)],
)
def test_the_timer_shows_the_servers_time_left_and_its_warning_state(
    learner_client, user, blueprint, seconds, text, low
):
    attempt = start_attempt(user, blueprint, at=T0)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=T0 + timedelta(seconds=seconds))
    with time_machine.travel(T0, tick=False):
        page = learner_client.get(attempt_question_url(attempt, 1))
    timer = page.content.decode().split('id="exam-timer"')[1].split("</div>")[0]
    assert f'<time class="timer-value">{text}</time>' in timer
    assert ("timer-low" in timer.split(">")[0]) is low


def test_results_report_filters_and_rescoring(learner_client, user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        for position in (1, 2, 3):
            item = item_at(attempt, position)
            learner_client.post(
                attempt_save_url(attempt, position),
                {"choice": choice_ids(item, item.key_labels.split(","))},
            )
        attempt_finalize(attempt=attempt, reason="submitted")
    attempt.refresh_from_db()
    assert (attempt.correct, attempt.score) == (3, 640)
    page = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}))
    assertContains(page, "Fail: 640 / 1000 (pass mark 720)")
    assertContains(page, "3 of 5 correct")
    incorrect = learner_client.get(
        reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}) + "?show=unanswered"
    )
    assert incorrect.content.decode().count('class="exam-review-item card"') == 2
    # A key changes after the attempt: the report shows the rescored result beside it.
    changed = item_at(attempt, 1).question
    new_key = "A" if changed.key_labels != "A" else "C"
    key_change(
        question=changed,
        correct_labels=[new_key] * 1 if changed.choose == 1 else ["C", "D"],
        note="changed",
        effective=T0.date(),
        user=None,
    )
    page = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}))
    assertContains(page, "Against today's keys you would score")
    assertContains(page, "Fail: 640 / 1000")


def test_history_and_trend(learner_client, user, blueprint):
    for offset in range(3):
        attempt = start_attempt(user, blueprint, at=T0 + timedelta(days=offset))
        attempt_finalize(
            attempt=attempt, reason="submitted", now=T0 + timedelta(days=offset, minutes=5)
        )
    history = learner_client.get(reverse("quiz:exam_history"))
    assert history.content.decode().count("fail") == 3
    results = learner_client.get(reverse("quiz:attempt_results", kwargs={"pk": attempt.pk}))
    assertContains(results, "<polyline", html=False)


def test_no_javascript_flow_uses_plain_posts(learner_client, user, blueprint):
    attempt = start_attempt(user, blueprint, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        page = learner_client.get(attempt_question_url(attempt, 1))
    html = page.content.decode()
    assert f'action="{attempt_save_url(attempt, 1)}"' in html and 'name="go" value="2"' in html
    assert (
        'name="go" value="review"' in html
        and " required" not in html.split('id="exam-form"')[1].split("</form>")[0]
    )


def test_results_review_is_paged_ten_questions_at_a_time(learner_client, user):
    topic = TopicFactory()
    QuestionFactory.create_batch(25, topic=topic)
    big = BlueprintFactory(
        slug="big",
        name="Big mock",
        certification=topic.certification,
        question_count=25,
        time_limit_minutes=60,
        topics=[topic],
    )
    attempt = attempt_start(user=user, blueprint=big)
    attempt_finalize(attempt=attempt, reason=Attempt.FinishReason.SUBMITTED)
    url = reverse("quiz:attempt_results", kwargs={"pk": attempt.pk})
    first = learner_client.get(url).content.decode()
    assert first.count('class="exam-review-item') == 10
    assert "Questions 1–10 of 25" in first and 'rel="next"' in first
    last = learner_client.get(url, {"show": "unanswered", "page": 3}).content.decode()
    assert last.count('class="exam-review-item') == 5
    assert "Questions 21–25 of 25" in last and 'rel="prev"' in last
    assert 'id="rq-25"' in last
    for page in (first, last):  # ten answer blocks on a page, every element id once
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'id="verdict-21"' in last and 'id="question-stem-25"' in last


def test_a_review_page_reads_each_question_with_its_own_rows_in_one_round_trip(
    user, django_assert_num_queries, django_assert_max_num_queries, round_trips
):
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(12, topic=topic)
    note = NoteFactory(topic=topic)
    for question in questions:
        QuestionReferenceFactory(question=question, url="", title="", note=note, position=2)
        QuestionReferenceFactory(question=question, position=1)
    AnswerKeyRevisionFactory(question=questions[0])
    blueprint = BlueprintFactory(
        certification=topic.certification, question_count=12, time_limit_minutes=60,
        topics=[topic],
    )  # fmt: skip
    attempt = attempt_start(user=user, blueprint=blueprint)
    attempt_finalize(attempt=attempt, reason=Attempt.FinishReason.SUBMITTED)
    expected = {
        q.pk: list(q.choices.order_by("position").values_list("pk", flat=True)) for q in questions
    }
    # four queries; sent together on PostgreSQL (config.prepared.run_together)
    with round_trips() as waits, django_assert_max_num_queries(4):
        items = exam_selectors.review_page_items(attempt, [11, 12, 3])
    assert len(waits) == (1 if connection.vendor == "postgresql" else 4)
    with django_assert_num_queries(0):
        assert [item.position for item in items] == [3, 11, 12]
        for item in items:
            question = item.question
            assert [c.pk for c in question.choices.all()] == expected[question.pk]
            assert all(choice.question is question for choice in question.choices.all())
            assert [r.position for r in question.references.all()] == [1, 2]
            assert question.references.all()[1].note.topic == topic
            revisions = len(question.key_revisions.all())
            assert revisions == (1 if question == questions[0] else 0)
    assert exam_selectors.review_page_items(attempt, []) == []
    with pytest.raises(ValueError):
        exam_selectors.review_page_items(attempt, list(range(1, 12)))


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain post"])
def test_nothing_changes_once_the_attempt_is_submitted(learner_client, user, blueprint, htmx):
    attempt = start_attempt(user, blueprint, at=T0)
    first = item_at(attempt, 1)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        learner_client.post(
            attempt_save_url(attempt, 1), {"choice": choice_ids(first, ["A"])}, headers=HX
        )
        attempt_finalize(attempt=attempt, reason="submitted")
        headers = HX if htmx else {}
        save = learner_client.post(
            attempt_save_url(attempt, 1), {"choice": choice_ids(first, ["B"])}, headers=headers
        )
        flag = learner_client.post(
            reverse("quiz:attempt_flag", kwargs={"pk": attempt.pk, "position": 1}), headers=headers
        )
    assert save.status_code == 409 and "This exam is over" in save.content.decode()
    assert flag.status_code == 409 and "This exam is over" in flag.content.decode()
    first.refresh_from_db()
    assert (first.chosen_labels, first.flagged, first.is_correct) == ("A", False, False)


def test_a_save_that_read_the_attempt_open_is_refused_once_it_was_submitted(user, blueprint):
    """The race of the attack run: the save read the attempt before the submit finished it.
    The service decides again under the attempt's lock, and refuses."""
    attempt = start_attempt(user, blueprint, at=T0)
    stale = item_at(attempt, 1)
    stale.attempt = Attempt.objects.get(pk=attempt.pk)  # read while open
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        attempt_finalize(attempt=attempt, reason="submitted")
        with pytest.raises(ExamClosed):
            answer_save(item=stale, raw_choice_ids=[str(stale.question.choices.get(label="A").pk)])
        with pytest.raises(ExamClosed):
            flag_set(item=stale, flagged=True)
    stale.refresh_from_db()
    assert (stale.chosen_labels, stale.saved_at, stale.flagged) == ("", None, False)
