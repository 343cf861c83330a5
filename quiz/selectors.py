"""Reads from the question bank. Each function owns its joins, so pages stay O(1) in queries."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from quiz.models import AnswerKeyRevision, Choice, Comment, Disclaimer, Question
from study.extensions import TopicLink
from study.models import Topic


def topic_question_links(topics: Sequence[Topic]) -> dict[int, list[TopicLink]]:
    """For study's pages: "N questions" per topic, in one query."""
    counts = dict(
        Question.objects.live()
        .filter(topic__in=[topic.pk for topic in topics])
        .values_list("topic")
        .annotate(n=Count("pk"))
        .values_list("topic", "n")
    )
    links = {}
    for topic in topics:
        n = counts.get(topic.pk, 0)
        label = f"{n} question{'s' if n != 1 else ''}"
        url = reverse("quiz:topic_questions", kwargs={"slug": topic.slug})
        links[topic.pk] = [TopicLink(label=label, url=url, count=n)]
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


def question_for_page(ext_id: str) -> Question:
    """A question with everything its page shows; retired questions are not found."""
    queryset = (
        Question.objects.exclude(status=Question.Status.RETIRED)
        .filter(topic__is_active=True)
        .select_related("topic", "topic__certification", "question_set", "duplicate_of")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position")),
            Prefetch("key_revisions", queryset=AnswerKeyRevision.objects.order_by("position")),
            Prefetch(
                "duplicates",
                queryset=Question.objects.exclude(status=Question.Status.RETIRED).select_related(
                    "question_set"
                ),
            ),
        )
    )
    return get_object_or_404(queryset, ext_id=ext_id)


@dataclass
class CommentNode:
    comment: Comment
    replies: list["CommentNode"] = field(default_factory=list)


def comment_threads(comments: QuerySet[Comment]) -> list[CommentNode]:
    """Top-level comments with nested replies, in discussion order (one query).

    A retired comment's replies are kept under a placeholder so the thread still reads.
    """
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for comment in comments.select_related("question").order_by("position", "pk"):
        nodes[comment.pk] = CommentNode(comment)
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    return _prune_retired(roots)


def _prune_retired(nodes: list[CommentNode]) -> list[CommentNode]:
    kept = []
    for node in nodes:
        node.replies = _prune_retired(node.replies)
        if not node.comment.is_retired or node.replies:
            kept.append(node)
    return kept


def question_threads(question: Question) -> list[CommentNode]:
    return comment_threads(Comment.objects.filter(question=question))


def topic_threads(topic: Topic) -> list[CommentNode]:
    """Every thread of the topic, on its questions and general, in page order."""
    return comment_threads(Comment.objects.filter(topic=topic))


def topic_comment_count(topic: Topic) -> int:
    return Comment.objects.visible().filter(topic=topic).count()


def questions_search(query: str, *, limit: int = 50) -> list[Question]:
    """Live questions whose stem or any choice contains every word of the query."""
    words = query.split()
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
