from django.conf import settings
from django.db import models

from quiz.models.bank import Question


class AnswerSource(models.TextChoices):
    PRACTICE = "practice", "Practice"
    REVIEW = "review", "Review"
    EXAM = "exam", "Mock exam"


class AnswerRecord(models.Model):
    """One answer a learner gave to a question: the source for statistics, votes and mastery.

    Practice, review and exam flows each write one through quiz.services.answer_record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    chosen_labels = models.CharField(max_length=60, help_text="Comma-separated, sorted: A,C")
    question_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The question's version number it was given with."
    )
    is_correct = models.BooleanField()
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=AnswerSource, default=AnswerSource.PRACTICE)
    answered_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [
            models.Index(fields=["question", "answered_at"]),
            models.Index(fields=["user", "question"]),
            # A learner's latest answers (usual response time, recent mastery): read
            # newest first and stop, instead of sorting their whole history.
            models.Index(fields=["user", "answered_at"], name="answer_user_recent"),
        ]

    def __str__(self):
        return f"{self.user} {self.question.ext_id}: {self.chosen_labels}"

    @property
    def labels(self) -> list[str]:
        return [label for label in self.chosen_labels.split(",") if label]
