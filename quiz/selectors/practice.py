"""Reads for the practice flow, flagged list and dashboard: a fixed number of queries each."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from config.prepared import PreparedQuery
from quiz.models import (
    Flag,
    PracticeItem,
    PracticeSession,
    Question,
    ReviewLog,
)
from quiz.selectors import review as review_selectors
from quiz.selectors.bank import (
    CommunityVote,
    annotated_votes,
    community_vote,
    load_related,
    votes_on,
)
from study.models import Topic


def session_for(user, pk: int) -> PracticeSession | None:
    """The learner's own session (None for anyone else's)."""
    return PracticeSession.objects.filter(pk=pk, user=user).first()


def _count_items(condition: Q) -> Coalesce:
    """Items of the annotated item's session matching condition (one subquery)."""
    items = PracticeItem.objects.filter(condition, session=OuterRef("session_id")).order_by()
    return Coalesce(Subquery(items.values("session").annotate(n=Count("pk")).values("n")), 0)


def _item_queryset(user_id, pk, position, *, times=None):
    """The query of item_for_page (times: the learner's usual response times, answering)."""
    mine = Q(question__cards__user_id=user_id)
    annotations = {
        "learner_card": FilteredRelation("question__cards", condition=mine),
        "key_revision": FilteredRelation("question__key_revisions"),
        "flagged": Exists(Flag.objects.filter(user_id=user_id, question=OuterRef("question_id"))),
        "vote_labels": votes_on("question_id"),
        # Whole-session counts; this item's own part is taken out below. (A NOT pk = outer
        # pk condition made SQLite scan every practice item instead of the session's.)
        "session_answered": _count_items(Q(answered_at__isnull=False)),
        "session_correct": _count_items(Q(is_correct=True)),
        # The newest review of the card this item's answer was logged on (by card, the
        # indexed way in: SQLite's statistics can make a match on record_id scan the log).
        "latest_review_id": Subquery(
            ReviewLog.objects.filter(card_id=OuterRef("record__review_log__card_id"))
            .order_by("-reviewed_at", "-pk")
            .values("pk")[:1]
        ),
    }
    if times is not None:
        annotations["earlier_correct_ms"] = times
    return (
        PracticeItem.objects.filter(session_id=pk, session__user_id=user_id, position=position)
        .annotate(**annotations)
        .select_related(
            "session__user__profile",
            "question__topic",
            "learner_card__key_changed",
            "key_revision",
            "record__review_log__key_changed",
        )
        .order_by("key_revision__position")
    )


# Compiled once per process (config.prepared): the query took about ten times longer to
# build than to run. Answering with an exam ahead adds time-dependent days: built each time.
_ITEM = PreparedQuery(
    lambda pk, user_id, position: _item_queryset(user_id, pk, position), int, int, int
)
_ITEM_ANSWERING = PreparedQuery(
    lambda pk, user_id, position: _item_queryset(
        user_id, pk, position, times=review_selectors.usual_times(user_id)
    ),
    int,
    int,
    int,
)


def item_for_page(
    user, pk: int, position: int, *, answering: bool = False, shown: bool = True
) -> PracticeItem | None:
    """One item of the learner's own session (None for anyone else's) with all its page shows:
    one query, plus one each for the question's choices and (shown) its references.

    The query brings the session, the learner with their profile, the question and its
    topic, the question's key revisions (joined, one row each: usually there are none) as
    item.key_revisions, the learner's card for it with the key change it announces as
    item.card, the review this item's answer made, and annotations read by item_progress,
    item_vote, item_rating_log and item.flagged. With answering, also item.card_snapshot:
    what recording the answer needs, so the answer post reads nothing more.
    """
    if answering and review_selectors.exam_ahead(user):
        times = review_selectors.earlier_correct_ms(user)
        rows = list(_item_queryset(user.pk, pk, position, times=times))
    else:
        rows = (_ITEM_ANSWERING if answering else _ITEM)(pk, user.pk, position)
    if not rows:
        return None
    item = rows[0]
    item.others_answered = item.session_answered - item.is_answered
    item.others_correct = item.session_correct - bool(item.is_correct)
    # A filtered relation with no row is left unset rather than set to None.
    item.key_revisions = [row.key_revision for row in rows if hasattr(row, "key_revision")]
    item.card = getattr(item, "learner_card", None)
    if answering:
        item.card_snapshot = review_selectors.CardSnapshot.from_annotations(
            item.card, item.earlier_correct_ms
        )
    question = item.question
    load_related(question, "choices", *(["references"] if shown else []))
    return item


def item_of(user, pk: int, position: int) -> PracticeItem | None:
    """One item of the learner's own session with its question, for a small change."""
    return (
        PracticeItem.objects.select_related("session", "question")
        .filter(session_id=pk, session__user=user, position=position)
        .first()
    )


def item_vote(item: PracticeItem) -> CommunityVote:
    """The votes on the item's question, as item_for_page loaded them."""
    return community_vote(item.question, annotated_votes(item.vote_labels))


def item_rating_log(item: PracticeItem, *, just_answered: bool = False) -> ReviewLog | None:
    """The review the item's answer made, while it is the card's latest (so re-ratable)."""
    log = getattr(item.record, "review_log", None) if item.record_id else None
    if log is None or not (just_answered or log.pk == item.latest_review_id):
        return None
    return log


@dataclass
class Progress:
    answered: int
    correct: int
    total: int
    next_position: int | None = None  # first unanswered; only from session_progress

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def item_progress(item: PracticeItem) -> Progress:
    """The session's progress as item_for_page loaded it, counting this item as it is now
    (so it is right also after the item was just answered)."""
    return Progress(
        answered=item.others_answered + item.is_answered,
        correct=item.others_correct + bool(item.is_correct),
        total=item.session.size,  # a session's items are fixed when it starts
    )


def session_progress(session: PracticeSession) -> Progress:
    row = session.items.aggregate(
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        correct=Count("pk", filter=Q(is_correct=True)),
        total=Count("pk"),
        next_position=Min("position", filter=Q(answered_at__isnull=True)),
    )
    return Progress(**row)


def _unfinished(user_id: int, limit: int):
    # Answers counted for the listed sessions only: a join grouped over every abandoned
    # session's items grew with the learner's history.
    answered = (
        PracticeItem.objects.filter(session=OuterRef("pk"), answered_at__isnull=False)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        PracticeSession.objects.filter(user_id=user_id, finished_at__isnull=True)
        .annotate(answered=Coalesce(Subquery(answered), 0))
        .order_by("-started_at", "-pk")[:limit]
    )


UNFINISHED_LISTED = 5  # the practice page's list; the dashboard shows the latest one
_UNFINISHED = {
    limit: PreparedQuery(lambda user_id, limit=limit: _unfinished(user_id, limit), int)
    for limit in (1, UNFINISHED_LISTED)
}


def unfinished_query(limit: int) -> PreparedQuery:
    """The compiled query of unfinished_sessions (user id), for a page reading it together
    with others (config.prepared.run_together)."""
    return _UNFINISHED[limit]


def unfinished_sessions(user, limit: int = UNFINISHED_LISTED) -> list[PracticeSession]:
    """The learner's latest unfinished sessions, newest first, with `answered` counted."""
    prepared = _UNFINISHED.get(limit)
    return list(prepared(user.pk) if prepared else _unfinished(user.pk, limit))


@dataclass
class TopicScore:
    topic: Topic
    answered: int = 0
    correct: int = 0

    @property
    def percent(self) -> int | None:
        """Correct of answered, like the summary's headline; None when none was answered."""
        return round(100 * self.correct / self.answered) if self.answered else None


@dataclass
class Summary:
    session: PracticeSession
    total: int
    answered: int
    correct: int
    seconds: int
    topics: list[TopicScore]
    missed: list[PracticeItem]

    @property
    def percent(self) -> int | None:
        """Correct of answered (skipped questions are counted apart, as `unanswered`), the
        same denominator as the per-topic rows; None when none was answered."""
        return round(100 * self.correct / self.answered) if self.answered else None

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def duration(self) -> str:
        minutes, seconds = divmod(self.seconds, 60)
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def session_summary(session: PracticeSession) -> Summary:
    items = list(
        session.items.select_related(
            "question", "question__topic", "question__question_set"
        ).order_by("position")
    )
    topics: dict[int, TopicScore] = {}
    for item in items:
        score = topics.setdefault(item.question.topic_id, TopicScore(item.question.topic))
        if item.is_answered:
            score.answered += 1
            score.correct += bool(item.is_correct)
    answered_times = [item.answered_at for item in items if item.answered_at]
    end = max(answered_times) if answered_times else (session.finished_at or session.started_at)
    return Summary(
        session=session,
        total=len(items),
        answered=sum(item.is_answered for item in items),
        correct=sum(bool(item.is_correct) for item in items),
        seconds=max(0, int((end - session.started_at).total_seconds())),
        topics=sorted(topics.values(), key=lambda t: (t.topic.position, t.topic.title)),
        missed=[item for item in items if not item.is_correct],
    )


def flagged_questions(user) -> list[Flag]:
    return list(
        Flag.objects.filter(user=user, question__status=Question.Status.PUBLISHED)
        .select_related("question", "question__topic", "question__question_set")
        .order_by("-created_at")
    )
