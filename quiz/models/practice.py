from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from quiz.models.answers import AnswerRecord
from quiz.models.bank import Question
from study.models import Certification


class Profile(models.Model):
    """A learner's study settings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    target_certification = models.ForeignKey(
        Certification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exam_date = models.DateField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="Your days (and daily limits) start at midnight here.",
    )
    desired_retention = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.70), MaxValueValidator(0.97)],
        help_text="How likely you want to still know an answer when it comes due (0.70–0.97).",
    )
    new_per_day = models.PositiveSmallIntegerField(
        default=20, validators=[MaxValueValidator(500)], help_text="New questions a day in review."
    )
    max_reviews_per_day = models.PositiveSmallIntegerField(
        default=200, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    # Fitted by `manage.py optimize_srs`; empty means FSRS's defaults.
    fsrs_parameters = models.JSONField(null=True, blank=True)
    daily_goal = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text="Questions a day you aim to answer.",
    )

    def __str__(self):
        return f"Profile of {self.user}"

    def clean(self):
        from zoneinfo import available_timezones

        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": f"Unknown time zone {self.time_zone!r}."})


class Flag(models.Model):
    """A learner's bookmark on a question, to come back to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="flag_once")]

    def __str__(self):
        return f"{self.user} flagged {self.question.ext_id}"


class PracticeSession(models.Model):
    class Scope(models.TextChoices):
        CERTIFICATION = "certification", "A whole certification"
        TOPICS = "topics", "Chosen topics"
        WRONG = "wrong", "Questions I got wrong"
        NEW = "new", "Questions I have never seen"
        FLAGGED = "flagged", "My flagged questions"
        DISPUTED = "disputed", "Disputed questions"
        RETRY = "retry", "Retry of missed questions"
        REVIEW = "review", "Spaced-repetition review"

    class Order(models.TextChoices):
        RANDOM = "random", "Random"
        BANK = "bank", "Bank order"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    scope = models.CharField(max_length=15, choices=Scope)
    scope_label = models.CharField(max_length=300, help_text="What was practised, in words.")
    order = models.CharField(max_length=10, choices=Order, default=Order.RANDOM)
    size = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "finished_at"])]

    def __str__(self):
        return f"{self.user}: {self.scope_label} ({self.size})"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class FrozenQuestionMixin:
    """A question as one learner got it: choice order, chosen and ruled-out (struck) labels
    as comma lists."""

    choice_order: str
    chosen_labels: str
    struck_labels: str

    @property
    def order_labels(self) -> list[str]:
        return [label for label in self.choice_order.split(",") if label]

    @property
    def chosen(self) -> list[str]:
        return [label for label in self.chosen_labels.split(",") if label]

    @property
    def struck(self) -> list[str]:
        return [label for label in self.struck_labels.split(",") if label]

    def struck_with(self, label: str, struck: bool) -> str:
        """The struck labels after ruling `label` out (struck) or back in, in stable order."""
        labels = set(self.struck) | {label} if struck else set(self.struck) - {label}
        return ",".join(sorted(labels))


class PracticeItem(FrozenQuestionMixin, models.Model):
    """One question of a session, its frozen choice order, and the learner's answer."""

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="1-based place in the session.")
    choice_order = models.CharField(
        max_length=60, help_text="Stable labels in the order this learner sees them: C,A,D,B"
    )
    shown_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    chosen_labels = models.CharField(max_length=60, blank=True)
    question_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The question's version number it was given with."
    )
    struck_labels = models.CharField(
        max_length=60, blank=True, help_text="Choices the learner ruled out (strike-through)."
    )
    is_correct = models.BooleanField(null=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    record = models.OneToOneField(
        AnswerRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="practice_item"
    )

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            # One answer per question per session, enforced by the database.
            models.UniqueConstraint(fields=["session", "question"], name="practice_question_once"),
            models.UniqueConstraint(fields=["session", "position"], name="practice_position_once"),
        ]

    def __str__(self):
        return f"{self.session_id}#{self.position} {self.question_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
