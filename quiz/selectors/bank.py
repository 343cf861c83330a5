"""Reads from the question bank."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.urls import reverse
from django.utils.html import strip_tags

from config.prepared import PreparedQuery, prefetched, run_together
from quiz.models import (
    AnswerKeyRevision,
    AnswerRecord,
    Choice,
    Comment,
    Disclaimer,
    Question,
    QuestionReference,
    Report,
    TopicQuestionCount,
    Vote,
)
from quiz.stats import item_statistics
from study.extensions import TopicLink
from study.models import Topic
from study.selectors import search_words


def disputed_questions() -> QuerySet[Question]:
    """Readers dispute the key, learners' votes disagree with it, or a report is open."""
    open_reports = Exists(Report.objects.filter(question=OuterRef("pk"), status=Report.Status.OPEN))
    return Question.objects.filter(~Q(disputed="") | Q(community_disagrees=True) | open_reports)


# Live questions per topic: the counts the database keeps (TopicQuestionCount), not a count
# of the bank; an inactive topic shows none.
_LIVE_IN_TOPIC = PreparedQuery(
    lambda topic_id: TopicQuestionCount.objects.filter(
        topic_id=topic_id, topic__is_active=True
    ).values("topic", "live"),
    int,
)


def live_question_counts(topic_ids: Sequence[int]) -> dict[int, int]:
    """Topic id -> its live questions (0 for an inactive topic or one without questions)."""
    if len(topic_ids) == 1:  # a topic's own page: compiled once (config.prepared)
        rows = _LIVE_IN_TOPIC(topic_ids[0])
    else:
        rows = TopicQuestionCount.objects.filter(topic__in=topic_ids, topic__is_active=True).values(
            "topic", "live"
        )
    return {row["topic"]: row["live"] for row in rows}


def topic_question_links(topics: Sequence[Topic]) -> dict[int, list[TopicLink]]:
    """For study's pages: "N questions" per topic and, when it has any, a button that starts
    a practice session on it; in one query."""
    counts = live_question_counts([topic.pk for topic in topics])
    links = {}
    for topic in topics:
        n = counts.get(topic.pk, 0)
        label = f"{n} question{'s' if n != 1 else ''}"
        url = reverse("quiz:topic_questions", kwargs={"slug": topic.slug})
        links[topic.pk] = [TopicLink(label=label, url=url, count=n)]
        if n:
            start = reverse("quiz:practice_topic", kwargs={"slug": topic.slug})
            links[topic.pk].append(TopicLink(label=f"Practise {topic.title}", url=start, post=True))
    return links


def _with_badges(questions: QuerySet[Question]) -> QuerySet[Question]:
    return questions.annotate(
        comment_count=Count("comments", filter=Q(comments__is_retired=False), distinct=True),
        has_outdated_key=Exists(AnswerKeyRevision.objects.filter(question=OuterRef("pk"))),
    )


def topic_bank(topic: Topic) -> list[Question]:
    """The topic's live questions in order, with badge data, in one query."""
    return list(
        _with_badges(Question.objects.live().filter(topic=topic))
        .select_related("question_set")
        .order_by("position")
    )


def topic_disclaimer(topic: Topic) -> Disclaimer | None:
    return Disclaimer.objects.filter(topic=topic).first()


def _question_page_query(staff: bool, signed_in: bool) -> PreparedQuery:
    def build(ext_id, user_id=None):
        # Drafts are an editor's work in progress: staff may open them, learners may not.
        statuses = [Question.Status.PUBLISHED] + ([Question.Status.DRAFT] if staff else [])
        queryset = (
            Question.objects.filter(status__in=statuses, topic__is_active=True, ext_id=ext_id)
            .select_related(
                "topic",
                "topic__certification",
                "topic__question_disclaimer",
                "question_set",
                "duplicate_of",
            )
            .annotate(vote_labels=votes_on("pk"))
        )
        if signed_in:
            queryset = queryset.annotate(
                has_answered=Exists(
                    AnswerRecord.objects.filter(user_id=user_id, question=OuterRef("pk"))
                ),
                own_vote_labels=Subquery(
                    Vote.objects.filter(user_id=user_id, question=OuterRef("pk")).values("labels")[
                        :1
                    ]
                ),
            )
        return queryset.order_by("pk")[:1]

    return PreparedQuery(build, str, int) if signed_in else PreparedQuery(build, str)


_QUESTION_PAGE = {
    (staff, signed_in): _question_page_query(staff, signed_in)
    for staff in (False, True)
    for signed_in in (False, True)
}
# A question's related rows, each a query compiled once (config.prepared), by question id.
CHOICES_OF = PreparedQuery(
    lambda pk: Choice.objects.filter(question_id=pk).order_by("position"), int
)
KEY_REVISIONS_OF = PreparedQuery(
    lambda pk: AnswerKeyRevision.objects.filter(question_id=pk).order_by("position"), int
)
_PAGE_DUPLICATES = PreparedQuery(
    lambda pk: (
        Question.objects.filter(duplicate_of_id=pk, status=Question.Status.PUBLISHED)
        .select_related("question_set")
        .order_by("pk")
    ),
    int,
)
REFERENCES_OF = PreparedQuery(
    lambda pk: (
        QuestionReference.objects.filter(question_id=pk)
        .select_related("note__topic")
        .order_by("position")
    ),
    int,
)
_RELATED_OF = {
    "choices": CHOICES_OF,
    "key_revisions": KEY_REVISIONS_OF,
    "duplicates": _PAGE_DUPLICATES,
    "references": REFERENCES_OF,
}


def set_related_rows(questions: Sequence[Question], name: str, rows: Sequence) -> None:
    """Rows of one relation of several questions (each row with its question_id), set on
    their questions as prefetch_related would: every question gets its own, maybe none."""
    by_question: dict[int, list] = {question.pk: [] for question in questions}
    for row in rows:
        by_question[row.question_id].append(row)
    for question in questions:
        prefetched(question, name, by_question[question.pk])


def load_related(question: Question, *names: str) -> None:
    """These related rows of one question ("choices", "key_revisions", "duplicates",
    "references"), set as prefetch_related would: one round trip (run_together)."""
    results = run_together(*((_RELATED_OF[name], (question.pk,)) for name in names))
    for name, rows in zip(names, results, strict=True):
        prefetched(question, name, rows)


def question_for_page(ext_id: str, user=None) -> Question | None:
    """A question with everything its page shows (None: no such question; retired ones, and
    drafts for anyone but staff, are not found).

    One query for the question with its topic's disclaimer, the votes on it and (signed in)
    whether the learner answered it and their own vote; then choices, key revisions,
    duplicates and references. Each is compiled once per process (config.prepared): building
    them cost several times what running them does.
    """
    signed_in = user is not None and user.is_authenticated
    query = _QUESTION_PAGE[(signed_in and user.is_staff, signed_in)]
    found = query(ext_id, user.pk) if signed_in else query(ext_id)
    if not found:
        return None
    question = found[0]
    load_related(question, "choices", "key_revisions", "duplicates", "references")
    return question


def question_disclaimer(question: Question) -> Disclaimer | None:
    """The disclaimer of the question's topic, loaded with the question by question_for_page."""
    return getattr(question.topic, "question_disclaimer", None)


@dataclass
class CommentNode:
    comment: Comment
    replies: list["CommentNode"] = field(default_factory=list)
    # (letter, choice text) in the question page's order: what readers' letters name
    legend: list[tuple[str, str]] = field(default_factory=list)


def with_letter_legends(nodes: list[CommentNode]) -> list[CommentNode]:
    """Readers name choices by the letters of the question page (the bank's order), which
    practice and exams shuffle: each thread on a question gets that page's letters beside
    it, so a letter in a comment can be read. One query."""
    question_ids = {node.comment.question_id for node in nodes if node.comment.question_id}
    legends: dict[int, list[tuple[str, str]]] = {}
    choices = (
        Choice.objects.filter(question_id__in=question_ids)
        .order_by("question_id", "position", "label")
        .only("question_id", "text_html")
    )
    for choice in choices if question_ids else []:
        legend = legends.setdefault(choice.question_id, [])
        legend.append((chr(ord("A") + len(legend)), strip_tags(choice.text_html).strip()))
    for node in nodes:
        node.legend = legends.get(node.comment.question_id, [])
    return nodes


def comment_threads(comments: QuerySet[Comment]) -> list[CommentNode]:
    """Top-level comments with nested replies (one query, with the questions they are on).

    A retired comment's replies are kept under a placeholder so the thread still reads.
    """
    comments = comments.select_related("question", "question__question_set")
    return _threads(comments.order_by("position", "pk"))


def _threads(comments) -> list[CommentNode]:
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for comment in comments:
        nodes[comment.pk] = CommentNode(comment)
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    # Newest activity first; imported threads (no activity time) keep the source's order.
    active = sorted(
        (n for n in roots if n.comment.last_activity_at),
        key=lambda n: n.comment.last_activity_at,
        reverse=True,
    )
    imported = [n for n in roots if not n.comment.last_activity_at]
    return _prune_retired(active + imported)


def _prune_retired(nodes: list[CommentNode]) -> list[CommentNode]:
    kept = []
    for node in nodes:
        node.replies = _prune_retired(node.replies)
        if not node.comment.is_retired or node.replies:
            kept.append(node)
    return kept


def own_comment(user, pk: int) -> Comment | None:
    """A learner's own comment on a question, to edit or delete; anyone else's is None (as
    far as editing goes, it does not exist)."""
    return (
        Comment.objects.select_related("question", "topic")
        .filter(pk=pk, is_retired=False, user_id=user.pk, question__isnull=False)
        .first()
    )


_QUESTION_COMMENTS = PreparedQuery(
    lambda question_id: (
        Comment.objects.filter(question_id=question_id)
        .select_related("question", "question__question_set")
        .order_by("position", "pk")
    ),
    int,
)
_CLOSED_REPORTS = PreparedQuery(
    lambda question_id: (
        Report.objects.filter(question_id=question_id)
        .exclude(status=Report.Status.OPEN)
        .order_by("pk")
    ),
    int,
)


def question_threads_and_changelog(
    question: Question, letters: Callable[[list[str]], str] = "+".join
) -> tuple[list[CommentNode], list["ChangelogEntry"]]:
    """The question page's threads (comment_threads' rule) and public changelog: their two
    compiled queries in one round trip (config.prepared.run_together), read when the page
    is rendered, after whatever the request wrote. letters: see _changelog."""
    comments, reports = run_together(
        (_QUESTION_COMMENTS, (question.pk,)), (_CLOSED_REPORTS, (question.pk,))
    )
    return _threads(comments), _changelog(question, reports, letters)


def topic_threads(topic: Topic) -> list[CommentNode]:
    """Every thread of the topic, on its questions and general, in page order; a thread on a
    question with the letters its readers meant (with_letter_legends)."""
    return with_letter_legends(comment_threads(Comment.objects.filter(topic=topic)))


def topic_comment_count(topic: Topic) -> int:
    return Comment.objects.visible().filter(topic=topic).count()


def questions_search(query: str, *, limit: int = 50) -> list[Question]:
    """Live questions whose stem or any choice contains every word of the query."""
    words = search_words(query)
    if not words:
        return []
    condition = Q()
    for word in words:
        matching_choices = Choice.objects.filter(question=OuterRef("pk"), text__icontains=word)
        condition &= Q(stem__icontains=word) | Q(Exists(matching_choices))
    return list(
        Question.objects.live()
        .filter(condition)
        .select_related("topic", "topic__certification", "question_set")
        .order_by("topic__position", "position")[:limit]
    )


# An answer is right by today's key when its labels equal the question's stored key.
CORRECT_NOW = Q(chosen_labels=F("question__key_labels"))


@dataclass
class QuestionStatistics:
    answered: int  # answers, repeats included
    learners: int  # first attempts: one per learner
    percent_correct: int | None  # facility: first attempts right, as scored then
    distribution: list[tuple[str, int, int]]  # (labels, count, percent), most chosen first
    discrimination: float | None
    needs_checking: bool
    checking: str  # why it may need checking ("" when it need not)


def question_statistics(question: Question) -> QuestionStatistics:
    """Answer statistics for editors, by the rules of quiz.stats (first attempts, scored
    against the key in force when answered), as statistics_refresh stores them for the
    whole bank; three queries whatever the number of answers."""
    answers = AnswerRecord.objects.filter(question=question)
    rows = list(answers.values("chosen_labels").annotate(n=Count("pk")).order_by("-n"))
    total = sum(row["n"] for row in rows)
    first: dict[int, bool] = {}
    for user_id, correct in answers.order_by("answered_at", "pk").values_list("user", "is_correct"):
        first.setdefault(user_id, correct)
    rest = {
        row["user"]: row["correct"] / row["total"]
        for row in AnswerRecord.objects.filter(user__in=list(first))
        .exclude(question=question)
        .values("user")
        .annotate(total=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
    }
    stats = item_statistics(first, rest)
    return QuestionStatistics(
        answered=total,
        learners=stats.first_attempts,
        percent_correct=round(100 * stats.facility) if stats.facility is not None else None,
        distribution=[
            (row["chosen_labels"].replace(",", "+"), row["n"], round(100 * row["n"] / total))
            for row in rows
        ],
        discrimination=round(stats.discrimination, 2) if stats.discrimination is not None else None,
        needs_checking=stats.needs_checking,
        checking=stats.checking,
    )


# Fewer votes than this say too little to flag a disagreement with the key.
MIN_VOTES_FOR_DISAGREEMENT = 3


def vote_summary(question: Question, votes: list[str]) -> tuple[list[tuple[str, int, int]], bool]:
    """[(labels, count, percent)] most voted first, and whether learners disagree with the key."""
    counts = Counter(votes)
    total = sum(counts.values())
    rows = [
        (labels, n, round(100 * n / total))
        for labels, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    key = ",".join(sorted(c.label for c in question.choices.all() if c.is_correct))
    disagrees = total >= MIN_VOTES_FOR_DISAGREEMENT and bool(rows) and rows[0][0] != key
    return rows, disagrees


@dataclass
class CommunityVote:
    rows: list[tuple[str, int, int]]  # (labels like "A+B", count, percent)
    total: int
    disagrees: bool
    official: str


# Vote labels are comma lists ("A,C"); this joins whole votes in one string.
VOTE_SEPARATOR = ";"


def votes_on(question_ref: str) -> Subquery:
    """Every vote's labels on the question at question_ref, as one string (one subquery).

    Annotate it on the query that loads the question; community_vote reads it back.
    """
    return Subquery(
        Vote.objects.filter(question=OuterRef(question_ref))
        .order_by()
        .values("question")
        .annotate(labels=StringAgg("labels", Value(VOTE_SEPARATOR)))
        .values("labels")
    )


def annotated_votes(value: str | None) -> list[str]:
    """The votes_on annotation back as a list of vote labels."""
    return value.split(VOTE_SEPARATOR) if value else []


def community_vote(question: Question, votes: list[str] | None = None) -> CommunityVote:
    """The tally of learners' votes; pass votes (annotated_votes) when they came with the
    question, else they are read here."""
    if votes is None:
        votes = list(Vote.objects.filter(question=question).values_list("labels", flat=True))
    rows, disagrees = vote_summary(question, votes)
    official = "+".join(sorted(c.label for c in question.choices.all() if c.is_correct))
    return CommunityVote(
        rows=[(labels.replace(",", "+"), n, pct) for labels, n, pct in rows],
        total=len(votes),
        disagrees=disagrees,
        official=official,
    )


@dataclass
class ChangelogEntry:
    when: date
    kind: str  # "key" or "report"
    text: str
    html: str = ""


def _changelog(
    question: Question, closed_reports: Sequence[Report], letters: Callable[[list[str]], str]
) -> list[ChangelogEntry]:
    """Public history of a question: answer-key changes and editors' decisions on reports.
    letters: writes a key's labels as the page shows them (the question page's presenter)."""
    entries = [
        ChangelogEntry(
            when=revision.valid_until,
            kind="key",
            text=(
                f"Answer key changed from {letters(revision.labels)}"
                + (f" to {letters(revision.new_label_list)}" if revision.new_labels else "")
            ),
            html=revision.note_html,
        )
        for revision in question.key_revisions.all()
    ]
    for report in closed_reports:
        verdict = "fixed" if report.status == Report.Status.RESOLVED else "reviewed, no change"
        entries.append(
            ChangelogEntry(
                when=report.resolved_at.date(),
                kind="report",
                text=f"Report “{report.get_reason_display()}” {verdict}: {report.decision}",
            )
        )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
