from django.db import models

from quiz.models.bank import Question


class DuplicateSuspect(models.Model):
    """Two questions the duplicate finder thinks are the same; an editor merges or dismisses."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Not a duplicate"
        MERGED = "merged", "Merged"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(help_text="0..1; 1 = identical after normalizing.")
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN, db_index=True)
    detected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-similarity"]
        constraints = [
            models.UniqueConstraint(fields=["question", "other"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(question__lt=models.F("other")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.question.ext_id} ~ {self.other.ext_id} ({self.similarity:.2f})"
