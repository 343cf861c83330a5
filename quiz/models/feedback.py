from django.conf import settings
from django.db import models

from quiz.models.bank import Question


class Vote(models.Model):
    """After answering, a learner's vote for the choice(s) they believe are right."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    labels = models.CharField(max_length=60, help_text="Comma-separated, sorted: A or A,C")
    question_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The question's version number it was given with."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_vote_per_learner")
        ]

    def __str__(self):
        return f"{self.user} votes {self.labels} on {self.question.ext_id}"


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Report.Status.OPEN)


class Report(models.Model):
    """A learner's report of a problem with a question, and the editors' decision on it."""

    class Reason(models.TextChoices):
        WRONG_KEY = "wrong_key", "The answer key is wrong"
        OUTDATED = "outdated", "Outdated: the service has changed"
        AMBIGUOUS = "ambiguous", "Ambiguous or unclear"
        TYPO = "typo", "Typo or formatting"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DECLINED = "declined", "Declined"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=Reason)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN, db_index=True)
    decision = models.TextField(blank=True, help_text="Shown publicly in the question's changelog.")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()} on {self.question.ext_id}"
