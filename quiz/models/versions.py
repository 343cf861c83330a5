from django.conf import settings
from django.db import models

from quiz.models.bank import Question


class QuestionVersion(models.Model):
    """The question and its choices as one save left them (quiz.versions.snapshot): every
    save through the one write path that changes what the question says adds one. Learners'
    answers, votes, reviews, practice items and exam questions record the version number
    they saw (their `question_version`), and name choices by label, the choice's identity."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        KEY_CHANGE = "key_change", "Answer key changed"
        REVERTED = "reverted", "Restored an earlier version"
        IMPORTED = "imported", "Imported"
        RECORDED = "recorded", "Recorded as it was"  # the first version of existing questions

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.EDITED)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_once")
        ]

    def __str__(self):
        return f"{self.question_id} v{self.number}"
