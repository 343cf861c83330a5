"""Writes to the discussion: imported threads, and learners' own comments."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from quiz.models import Comment, Question
from quiz.services.limits import rate_limit
from study.markdown import render_markdown
from study.models import Topic
from study.services import RETIRED, UNCHANGED, save_if_changed
from study.text import clean_text, has_visible_text

COMMENT_MAX_LENGTH = 5000


@transaction.atomic
def comment_sync(
    *,
    topic: Topic,
    ext_id: str,
    author_name: str,
    body: str,
    position: int,
    question: Question | None = None,
    parent: Comment | None = None,
    is_missing: bool = False,
) -> tuple[Comment, str]:
    """Create or update an imported comment, by stable id."""
    comment = Comment.objects.filter(ext_id=ext_id).first() or Comment(ext_id=ext_id)
    outcome = save_if_changed(
        comment,
        {
            "topic_id": topic.pk,
            "question_id": question.pk if question else None,
            "parent_id": parent.pk if parent else None,
            "author_name": author_name,
            "body": body,
            "body_html": render_markdown(body, hard_breaks=True),
            "is_missing": is_missing,
            "is_retired": False,
            "position": position,
        },
    )
    return comment, outcome


def comment_retire(*, comment: Comment) -> str:
    if comment.is_retired:
        return UNCHANGED
    comment.is_retired = True
    comment.save(update_fields=["is_retired"])
    return RETIRED


def _clean_body(body: str) -> str:
    body = clean_text(body).strip()
    if not has_visible_text(body):
        raise ValidationError("Write something before posting.")
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(f"Keep comments under {COMMENT_MAX_LENGTH} characters.")
    return body


def _author_name(user: AbstractBaseUser) -> str:
    return (user.get_full_name() or user.get_username())[:100]


def comment_post(
    *, user: AbstractBaseUser, question: Question, body: str, parent: Comment | None = None
) -> Comment:
    """A learner's comment on a question; a reply joins its top-level comment's thread.

    Replies are one level deep: a reply to a reply is attached to the thread's root. The
    text is rendered before the transaction, so no write lock waits for markdown.
    """
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to join the discussion.")
    body = _clean_body(body)
    rate_limit(user=user, action="comment")
    body_html = render_markdown(body, hard_breaks=True)
    with transaction.atomic():
        return _comment_save(user, question, body, body_html, parent)


def _comment_save(user, question: Question, body: str, body_html: str, parent) -> Comment:
    root = None
    if parent is not None:
        if parent.question_id != question.pk:
            raise ValidationError("That comment belongs to another question.")
        root = parent
        while root.parent_id:
            root = root.parent
    now = timezone.now()
    last = Comment.objects.filter(topic=question.topic_id).order_by("-position").first()
    comment = Comment(
        topic_id=question.topic_id,
        question=question,
        parent=root,
        user=user,
        author_name=_author_name(user),
        body=body,
        body_html=body_html,
        position=(last.position + 1) if last else 0,
        last_activity_at=None if root else now,
    )
    comment.full_clean()
    comment.save()
    if root is not None:
        Comment.objects.filter(pk=root.pk).update(last_activity_at=now)
    return comment


def _own(comment: Comment, user: AbstractBaseUser) -> None:
    if not user.is_authenticated or comment.user_id != user.pk:
        raise PermissionDenied("Only its author can change a comment.")
    if comment.is_deleted:
        raise ValidationError("This comment was removed.")


def comment_edit(*, comment: Comment, user: AbstractBaseUser, body: str) -> Comment:
    _own(comment, user)
    body = _clean_body(body)
    rate_limit(user=user, action="comment")
    comment.body = body
    comment.body_html = render_markdown(body, hard_breaks=True)  # before the write
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: AbstractBaseUser) -> Comment:
    """Soft delete: the text goes, a "comment removed" placeholder keeps the replies readable."""
    _own(comment, user)
    comment.is_deleted = True
    comment.body = ""
    comment.body_html = ""
    comment.save(update_fields=["is_deleted", "body", "body_html"])
    return comment
