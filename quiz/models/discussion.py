from django.conf import settings
from django.db import models

from quiz.models.bank import Question
from study.models import Topic


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_retired=False)


class Comment(models.Model):
    """A reader's comment on a question, or on the topic when question is empty."""

    ext_id = models.SlugField(max_length=100, unique=True, null=True, blank=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="comments", null=True, blank=True
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, related_name="replies", null=True, blank=True
    )
    # Imported comments have only a display name; learners' comments also have their user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    author_name = models.CharField(max_length=100)
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # The source lost this comment's text but kept its replies.
    is_missing = models.BooleanField(default=False)
    # Removed from the content library: hidden, kept for the replies' sake.
    is_retired = models.BooleanField(default=False)
    # Deleted by its author: shown as "comment removed" so the replies still read.
    is_deleted = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    # On top-level comments: the newest post in the thread, to list threads by activity.
    last_activity_at = models.DateTimeField(null=True, blank=True, db_index=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in the topic's discussion.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "position"]
        indexes = [models.Index(fields=["question", "position"])]

    def __str__(self):
        return f"{self.author_name}: {self.body[:50]}"
