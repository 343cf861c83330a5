"""srs_time_travel: a simulated journey reads like the same days really passing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quiz import srs
from quiz.models import (
    AnswerRecord,
    Attempt,
    AttemptQuestion,
    Comment,
    Flag,
    PracticeItem,
    PracticeSession,
    Profile,
    ReviewCard,
    ReviewDay,
    ReviewLog,
    Vote,
)
from quiz.selectors import dashboard as dashboard_selectors
from quiz.selectors import readiness as readiness_selectors
from quiz.selectors import review as review_selectors
from quiz.services import (
    answer_record,
    answer_save,
    attempt_finalize,
    attempt_start,
    comment_post,
    finalize_expired_attempts,
    flag_toggle,
    key_change,
    practice_answer,
    practice_finish,
    practice_start,
    profile_for,
    profile_update,
    rating_previews,
    vote_cast,
)
from quiz.services.time_travel import srs_time_travel
from tests.factories import UserFactory
from tests.helpers import key_choice_ids, wrong_choice_ids

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
JOURNEY = timedelta(days=14)


def key(question) -> list[str]:
    return question.key_labels.split(",")


def history(user, bank, *, exam_in_days: int = 30) -> None:
    """Three days of study before T0: practice, a finished mini mock, answers, a flag, a vote
    and a comment, an exam date a month ahead, and a mini mock left open at T0."""
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        profile_update(
            user=user,
            target_certification=bank.certification,
            exam_date=T0.date() + timedelta(days=exam_in_days),
        )
        session = practice_start(user=user, scope="topics", topics=[bank.topic], size=4)
        items = session.items.select_related("session__user", "question").prefetch_related(
            "question__choices"
        )
        for item in items:
            right = item.position != 2
            ids = key_choice_ids(item.question) if right else wrong_choice_ids(item.question)
            practice_answer(item=item, raw_choice_ids=ids)
        practice_finish(session=session)
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        attempt = attempt_start(user=user, blueprint=bank.mini)
        for item in AttemptQuestion.objects.filter(attempt=attempt).select_related("question"):
            answer_save(item=item, raw_choice_ids=key_choice_ids(item.question))
        attempt_finalize(attempt=attempt, reason=Attempt.FinishReason.SUBMITTED)
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        for question in bank.live:
            answer_record(user=user, question=question, labels=key(question))
        flag_toggle(user=user, question=bank.revoke)
        vote_cast(user=user, question=bank.role, labels=key(bank.role))
        comment_post(user=user, question=bank.role, body="Attaching works since 2017.")
    with time_machine.travel(T0, tick=False):
        attempt_start(user=user, blueprint=bank.mini)


def what_the_learner_sees(user, bank, now: datetime) -> dict:
    """Everything that depends on how long ago things happened, read at `now`."""
    profile = Profile.objects.get(user=user)
    today = srs.local_day_start(now, profile.time_zone).date()
    report = readiness_selectors.readiness_for(
        user=user, profile=profile, blueprint=bank.mini, now=now
    )
    with time_machine.travel(now, tick=False):
        dashboard = dashboard_selectors.dashboard(user, time_zone=profile.time_zone)
    return {
        "days to the exam": (profile.exam_date - today).days,
        "review counts": review_selectors.review_counts(user, profile, now=now),
        "retention": review_selectors.retention(user, profile, now=now),
        # The whole report (chances, topics, study plan) but the exam's date itself.
        "readiness": {name: value for name, value in vars(report).items() if name != "exam_date"},
        "activity": [count for _day, count in dashboard.activity],
        "streak": dashboard.streak,
        "attempt ages": sorted(
            (now - attempt.started_at, attempt.finished_at and now - attempt.finished_at)
            for attempt in Attempt.objects.filter(user=user)
        ),
    }


def every_time_of(user) -> dict:
    """Every stored time of a learner's records, to prove another learner's stay put."""
    return {
        "cards": list(
            ReviewCard.objects.filter(user=user)
            .order_by("pk")
            .values_list("due", "created_at", "last_review", "last_review_ts")
        ),
        "logs": list(
            ReviewLog.objects.filter(user=user)
            .order_by("pk")
            .values_list("reviewed_at", "card_before")
        ),
        "answers": list(
            AnswerRecord.objects.filter(user=user).order_by("pk").values_list("answered_at")
        ),
        "sessions": list(
            PracticeSession.objects.filter(user=user)
            .order_by("pk")
            .values_list("started_at", "finished_at")
        ),
        "items": list(
            PracticeItem.objects.filter(session__user=user)
            .order_by("pk")
            .values_list("shown_at", "answered_at")
        ),
        "attempts": list(
            Attempt.objects.filter(user=user)
            .order_by("pk")
            .values_list("started_at", "deadline", "finished_at")
        ),
        "attempt questions": list(
            AttemptQuestion.objects.filter(attempt__user=user)
            .order_by("pk")
            .values_list("saved_at")
        ),
        "flags": list(Flag.objects.filter(user=user).values_list("created_at")),
        "votes": list(Vote.objects.filter(user=user).values_list("created_at", "updated_at")),
        "comments": list(
            Comment.objects.filter(user=user).values_list("created_at", "last_activity_at")
        ),
        "days": list(ReviewDay.objects.filter(user=user).order_by("day").values_list("day")),
        "exam date": Profile.objects.get(user=user).exam_date,
    }


def test_a_fourteen_day_journey_reads_like_fourteen_days_really_passing(bank, user):
    history(user, bank)
    other = UserFactory()
    history(other, bank, exam_in_days=60)
    others_before = every_time_of(other)
    waited = what_the_learner_sees(user, bank, T0 + JOURNEY)  # nothing moved: the clock did

    with time_machine.travel(T0, tick=False):
        due_before = review_selectors.review_counts(user, profile_for(user), now=T0).due_now
        journey = srs_time_travel(user=user, days=14)
    travelled = what_the_learner_sees(user, bank, T0)

    assert travelled == waited
    assert travelled["readiness"]["plan"] is not None  # the plan to the exam was compared too
    assert travelled["days to the exam"] == 30 - 14
    assert due_before < len(bank.live) == travelled["review counts"].due_now  # all came due
    assert journey.exam_moved_days == 14 and journey.exam_date == T0.date() + timedelta(days=16)
    assert journey.cards == len(bank.live) and journey.attempts == 2
    finished = Attempt.objects.get(user=user, finished_at__isnull=False)
    assert finished.started_at == T0 - timedelta(days=2) - JOURNEY
    assert finished.finished_at == T0 - timedelta(days=2) - JOURNEY
    assert finished.deadline == finished.started_at + timedelta(
        minutes=bank.mini.time_limit_minutes
    )
    saved = set(AttemptQuestion.objects.filter(attempt=finished).values_list("saved_at", flat=True))
    assert saved == {T0 - timedelta(days=2) - JOURNEY}
    assert every_time_of(other) == others_before


def test_a_mock_exam_left_open_has_run_out_of_time_after_the_journey(bank, user):
    history(user, bank)
    with time_machine.travel(T0, tick=False):
        srs_time_travel(user=user, days=14)
        assert finalize_expired_attempts() == 1
    expired = Attempt.objects.get(user=user, started_at=T0 - JOURNEY)
    assert expired.finish_reason == Attempt.FinishReason.EXPIRED


def test_re_rating_after_the_journey_offers_the_intervals_it_offered_before(bank, user):
    """A review log keeps the card as it was (card_before) for re-rating: it moves too."""
    history(user, bank)
    profile = profile_for(user)
    logs = list(ReviewLog.objects.filter(user=user).order_by("pk"))
    before = [rating_previews(log, profile) for log in logs]
    with time_machine.travel(T0, tick=False):
        srs_time_travel(user=user, days=14)
    profile = Profile.objects.get(user=user)
    moved = list(ReviewLog.objects.filter(user=user).order_by("pk"))
    assert [rating_previews(log, profile) for log in moved] == before
    for old, new in zip(logs, moved, strict=True):
        assert new.reviewed_at == old.reviewed_at - JOURNEY
        for name in ("due", "last_review"):
            if old.card_before[name] is None:  # a new card has never been reviewed
                assert new.card_before[name] is None
            else:
                shifted = datetime.fromisoformat(old.card_before[name]) - JOURNEY
                assert datetime.fromisoformat(new.card_before[name]) == shifted
    assert any(log.card_before["last_review"] is None for log in moved)
    assert any(log.card_before["last_review"] is not None for log in moved)


def test_an_answer_changed_notice_survives_the_journey_until_the_question_is_studied(
    bank, user, editor
):
    question = bank.revoke
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        answer_record(user=user, question=question, labels=key(question))
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        new_key = next(c.label for c in question.choices.all() if not c.is_correct)
        revision = key_change(
            question=question,
            correct_labels=[new_key],
            note="The console changed.",
            effective=(T0 - timedelta(days=1)).date(),
            user=editor,
        )
    with time_machine.travel(T0, tick=False):
        srs_time_travel(user=user, days=14)
        card = ReviewCard.objects.get(user=user, question=question)
        assert card.key_changed == revision
        assert card.due == T0 - timedelta(days=1) - JOURNEY  # due since the change
        assert review_selectors.review_counts(user, profile_for(user), now=T0).due_now == 1
        revision.refresh_from_db()
        assert revision.valid_until == (T0 - timedelta(days=1)).date()  # the bank's: unmoved
        answer_record(user=user, question=question, labels=[new_key])
    assert ReviewCard.objects.get(user=user, question=question).key_changed is None


def test_threads_the_learner_posted_in_keep_their_last_activity_in_step(bank, user):
    other = UserFactory()
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        alone = comment_post(user=user, question=bank.role, body="Nobody answered this.")
        answered = comment_post(user=user, question=bank.revoke, body="Is C right?")
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        reply = comment_post(user=other, question=bank.revoke, body="Yes.", parent=answered)
    with time_machine.travel(T0, tick=False):
        srs_time_travel(user=user, days=14)
    alone.refresh_from_db()
    answered.refresh_from_db()
    reply.refresh_from_db()
    assert alone.created_at == alone.last_activity_at == T0 - timedelta(days=2) - JOURNEY
    assert answered.created_at == T0 - timedelta(days=2) - JOURNEY
    # The newest post of that thread is the other learner's, which did not move.
    assert reply.created_at == answered.last_activity_at == T0 - timedelta(days=1)


def test_keep_exam_date_moves_the_history_and_leaves_the_exam_where_it_was(bank, user):
    history(user, bank)
    exam_date = Profile.objects.get(user=user).exam_date
    with time_machine.travel(T0, tick=False):
        journey = srs_time_travel(user=user, days=14, keep_exam_date=True)
    assert journey.exam_moved_days == 0
    assert Profile.objects.get(user=user).exam_date == exam_date
    assert not AnswerRecord.objects.filter(user=user, answered_at__gt=T0 - JOURNEY).exists()


def test_part_of_a_day_moves_the_records_by_the_hours_and_the_exam_by_whole_days(bank, user):
    history(user, bank)
    answered = AnswerRecord.objects.filter(user=user).order_by("pk").first().answered_at
    with time_machine.travel(T0, tick=False):
        journey = srs_time_travel(user=user, days=1.5)
    assert AnswerRecord.objects.filter(user=user).order_by("pk").first().answered_at == (
        answered - timedelta(hours=36)
    )
    assert journey.exam_moved_days == 1
    assert journey.exam_date == T0.date() + timedelta(days=29)


def test_the_number_of_queries_does_not_grow_with_the_history(bank, user):
    def queries(learner) -> int:
        with time_machine.travel(T0, tick=False), CaptureQueriesContext(connection) as done:
            srs_time_travel(user=learner, days=1)
        return len(done)

    history(user, bank)
    newcomer = UserFactory()
    with time_machine.travel(T0, tick=False):
        profile_update(user=newcomer, exam_date=T0.date() + timedelta(days=5))
        answer_record(user=newcomer, question=bank.role, labels=key(bank.role))
    assert queries(user) == queries(newcomer)


def test_the_command_runs_only_with_debug_and_says_what_moved(bank, user, settings, capsys):
    history(user, bank)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG"):
        call_command("srs_time_travel", "--user", user.username)
    settings.DEBUG = True
    with time_machine.travel(T0, tick=False):
        call_command("srs_time_travel", "--user", user.username, "--days", "14")
        out = capsys.readouterr().out
        assert f"{len(bank.live)} card(s)" in out and "2 mock attempt(s)" in out
        assert "The exam date moved 14 day(s) closer: 18 Mar 2026." in out
        call_command("srs_time_travel", "--user", user.username, "--days", "2", "--keep-exam-date")
        assert "The exam date stays 18 Mar 2026." in capsys.readouterr().out
        with pytest.raises(CommandError, match="days must be more than 0"):
            call_command("srs_time_travel", "--user", user.username, "--days", "-1")
        with pytest.raises(CommandError, match="No user named"):
            call_command("srs_time_travel", "--user", "nobody")
