"""Development aid: pretend days passed for one learner, by moving their history back.

The clock stays where it is; everything the learner did gets older, and their exam gets
closer, so a simulated journey reads like a real one: cards come due, mock attempts and
sessions move into the past, streaks and activity follow, and the exam-day countdown shrinks.
`manage.py srs_time_travel` (DEBUG only) is the interface.

What moves, for this learner only, each in one UPDATE (F() expressions):

- spaced repetition: every card's due, created_at and last review (and its epoch copy), every
  review log's time and the card snapshot it keeps for re-rating (`card_before`'s due and
  last_review), then the per-day review counters are recounted from the moved logs;
- answers: every answer record;
- practice: sessions (started, finished) and their questions (shown, answered);
- mock exams: attempts (started, deadline, finished) and their questions (saved): an open
  attempt whose deadline passes in the journey is closed by the usual expiry, as in life;
- the learner's flags, votes and reports (filed, not the editors' decision), and their
  comments (posted, edited); threads they posted in get their last activity recounted;
- the exam date (unless `keep_exam_date`): back by the whole days travelled, so the days
  left until it shrink by as many.

Answer-key changes are not moved: a revision is the bank's, shared by every learner, and
its dates (effective, recorded) belong to the editors' timeline, which the journey leaves
alone. A key change reaches a learner only through their card: `srs_key_changed` makes the
card due at the moment of the change and points `key_changed` at the revision until the
learner studies the question again. That pointer carries no time, and the due moves with
the card, so a notice raised before the journey is still raised after it, on a card that
is still due, and goes away at the next answer, exactly as if the days had passed. Nothing
compares a learner's times with a revision's (answers are scored by today's key), so
nothing else needs to move.

Time moves by whole seconds (days are rounded to the second), so the card snapshots, stored
as ISO text inside JSON, shift exactly with one SQL expression per database.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import NotSupportedError, transaction
from django.db.models import (
    Case,
    F,
    Func,
    JSONField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from quiz.models import (
    AnswerRecord,
    Attempt,
    AttemptQuestion,
    Comment,
    Flag,
    PracticeItem,
    PracticeSession,
    Profile,
    Report,
    ReviewCard,
    ReviewLog,
    Vote,
)
from quiz.services.profile import profile_for
from quiz.services.progress import progress_recount
from quiz.services.review import review_days_rebuild


@dataclass(frozen=True)
class Journey:
    """What a time travel moved."""

    seconds: int
    cards: int
    reviews: int
    answers: int
    sessions: int
    attempts: int
    exam_date: date | None  # the exam date after the journey (None: none set)
    exam_moved_days: int


class _SnapshotMovedBack(Func):
    """A review log's `card_before` JSON with its due and last_review (ISO text in UTC,
    "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00") moved back by whole seconds.

    The date-time part (the first 19 characters) is shifted and the rest (fraction and
    offset) kept, which is exact for whole seconds. SQLite and PostgreSQL share no function
    for this, so each gets its own SQL; a null last_review stays null.
    """

    output_field = JSONField()

    def __init__(self, expression, *, seconds: int):
        super().__init__(expression)
        self.seconds = int(seconds)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("Moving review snapshots needs SQLite or PostgreSQL.")

    def _compiled(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        return sql, list(params)

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = self._compiled(compiler, connection)
        modifier = f"-{self.seconds} seconds"

        def moved(key: str) -> tuple[str, list]:
            text = f"json_extract({column}, '$.{key}')"
            return (
                f"replace(datetime(substr({text}, 1, 19), %s), ' ', 'T') || substr({text}, 20)",
                [*params, modifier, *params],
            )

        due, due_params = moved("due")
        last, last_params = moved("last_review")
        # json_set writes SQL NULL as JSON null: a card never reviewed keeps a null.
        return (
            f"json_set({column}, '$.due', {due}, '$.last_review', {last})",
            [*params, *due_params, *last_params],
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = self._compiled(compiler, connection)

        def moved(key: str) -> tuple[str, list]:
            text = f"({column} ->> '{key}')"
            return (
                f"to_jsonb(to_char(substr({text}, 1, 19)::timestamp - make_interval(secs => %s),"
                f" 'YYYY-MM-DD\"T\"HH24:MI:SS') || substr({text}, 20))",
                [*params, self.seconds, *params],
            )

        due, due_params = moved("due")
        last, last_params = moved("last_review")
        # jsonb_set returns NULL for a NULL value: a null last_review is written back as null.
        return (
            f"jsonb_set(jsonb_set({column}, '{{due}}', {due}), '{{last_review}}', "
            f"COALESCE({last}, 'null'::jsonb))",
            [*params, *due_params, *last_params],
        )


def _thread_activity():
    """A thread's last activity: its newest reply, or the opening post when it is a
    learner's (an imported opening post was not posted at its created_at)."""
    newest_reply = Subquery(
        Comment.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(newest=Max("created_at"))
        .values("newest")
    )
    opened = Case(When(ext_id__isnull=True, then=F("created_at")), default=Value(None))
    # Greatest of the two, either of which may be missing (SQLite's max() of a NULL is NULL).
    return Coalesce(
        Greatest(Coalesce(newest_reply, opened), Coalesce(opened, newest_reply)),
        F("last_activity_at"),
    )


@transaction.atomic
def srs_time_travel(
    *, user: AbstractBaseUser, days: float, keep_exam_date: bool = False
) -> Journey:
    """Pretend `days` passed for this learner: move every time-bound record of theirs back
    by `days` (rounded to the second), and their exam date back by the whole days travelled
    unless keep_exam_date. Other learners' records and the bank are untouched. A fixed
    number of queries, whatever the history (the module docstring lists what moves)."""
    if not days > 0:
        raise ValidationError("Travel forward: days must be more than 0.")
    seconds = round(days * 86400)
    delta = timedelta(seconds=seconds)

    def back(name: str):
        return F(name) - delta  # a null time stays null

    cards = ReviewCard.objects.filter(user=user).update(
        due=back("due"),
        created_at=back("created_at"),
        last_review=back("last_review"),
        last_review_ts=F("last_review_ts") - seconds,
    )
    reviews = ReviewLog.objects.filter(user=user).update(
        reviewed_at=back("reviewed_at"),
        card_before=_SnapshotMovedBack(F("card_before"), seconds=seconds),
    )
    answers = AnswerRecord.objects.filter(user=user).update(answered_at=back("answered_at"))
    sessions = PracticeSession.objects.filter(user=user).update(
        started_at=back("started_at"), finished_at=back("finished_at")
    )
    PracticeItem.objects.filter(session__user=user).update(
        shown_at=back("shown_at"), answered_at=back("answered_at")
    )
    attempts = Attempt.objects.filter(user=user).update(
        started_at=back("started_at"), deadline=back("deadline"), finished_at=back("finished_at")
    )
    AttemptQuestion.objects.filter(attempt__user=user).update(saved_at=back("saved_at"))
    Flag.objects.filter(user=user).update(created_at=back("created_at"))
    Vote.objects.filter(user=user).update(
        created_at=back("created_at"), updated_at=back("updated_at")
    )
    Report.objects.filter(user=user).update(created_at=back("created_at"))
    Comment.objects.filter(user=user).update(
        created_at=back("created_at"), edited_at=back("edited_at")
    )
    Comment.objects.filter(
        Q(pk__in=Comment.objects.filter(user=user, parent__isnull=True).values("pk"))
        | Q(pk__in=Comment.objects.filter(user=user, parent__isnull=False).values("parent")),
        last_activity_at__isnull=False,
    ).update(last_activity_at=_thread_activity())

    exam_moved = 0 if keep_exam_date else math.floor(seconds / 86400)
    profile = profile_for(user)  # the learner's own copy too, if they carry one
    if profile.exam_date is not None and exam_moved:
        profile.exam_date -= timedelta(days=exam_moved)
        Profile.objects.filter(pk=profile.pk).update(exam_date=profile.exam_date)
    exam_date = profile.exam_date
    review_days_rebuild(user=user)
    progress_recount(users=[user.pk])
    return Journey(
        seconds=seconds,
        cards=cards,
        reviews=reviews,
        answers=answers,
        sessions=sessions,
        attempts=attempts,
        exam_date=exam_date,
        exam_moved_days=exam_moved if exam_date is not None else 0,
    )
