from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from quiz.models.bank import Question
from quiz.models.practice import FrozenQuestionMixin
from study.models import Certification, ExamDomain, Topic


class BlueprintQuerySet(models.QuerySet):
    def offered(self):
        """Mock exams a learner can take: active, of an active certification."""
        return self.filter(is_active=True, certification__is_active=True)


class Blueprint(models.Model):
    """What a mock exam looks like: size, time, topic weights, pass mark and score scale."""

    class Scale(models.TextChoices):
        SCALED = "scaled", "AWS-style scaled score (100–1000)"
        PERCENT = "percent", "Percent (0–100)"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="blueprints"
    )
    question_count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    passing_score = models.PositiveSmallIntegerField(
        help_text="720 on the scaled scale; a percent otherwise."
    )
    scale = models.CharField(max_length=10, choices=Scale, default=Scale.SCALED)
    shuffle_choices = models.BooleanField(default=True)
    include_recent_key_changes = models.BooleanField(
        default=False,
        help_text="Off: questions whose key changed in the last 90 days are left out.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = BlueprintQuerySet.as_manager()

    class Meta:
        ordering = ["certification__position", "position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("quiz:exam_list") + f"#{self.slug}"


class BlueprintTopic(models.Model):
    """A topic's weight in a blueprint; no rows means every topic of the exam weighs the same."""

    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="weights")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blueprint", "topic"], name="blueprint_topic_once")
        ]

    def __str__(self):
        return f"{self.blueprint}: {self.topic} x{self.weight}"


class BlueprintDomain(models.Model):
    """An exam domain's weight in a blueprint (as an exam guide gives them): its share is
    split evenly among the domain's topics. Topic weights, when a blueprint has any, win."""

    blueprint = models.ForeignKey(
        Blueprint, on_delete=models.CASCADE, related_name="domain_weights"
    )
    domain = models.ForeignKey(ExamDomain, on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blueprint", "domain"], name="blueprint_domain_once")
        ]

    def __str__(self):
        return f"{self.blueprint}: {self.domain.name} x{self.weight}"

    def clean(self):
        if (
            self.domain_id
            and self.blueprint_id
            and (self.domain.certification_id != self.blueprint.certification_id)
        ):
            raise ValidationError({"domain": "Choose a domain of the exam's certification."})


class Attempt(models.Model):
    """One sitting of a mock exam; the questions, their order and keys are frozen at start."""

    class FinishReason(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Time ran out"

    class Mode(models.TextChoices):
        TIMED = "timed", "Timed"
        # Untimed, the answer and explanation after each question; scored and kept in the
        # history, left out of readiness calibration and of the score trend.
        REVIEW = "review", "Review mode"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, related_name="attempts")
    mode = models.CharField(max_length=10, choices=Mode, default=Mode.TIMED)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finish_reason = models.CharField(max_length=10, choices=FinishReason, blank=True)
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="On the blueprint's scale."
    )
    passed = models.BooleanField(null=True)
    current_position = models.PositiveSmallIntegerField(default=1, help_text="Where to resume.")
    # Copied from the blueprint at start, so later edits to it do not change this attempt.
    passing_score = models.PositiveSmallIntegerField()
    scale = models.CharField(max_length=10, choices=Blueprint.Scale)
    # The readiness prediction made when the attempt started, to check it against the outcome.
    predicted_pass = models.FloatField(
        null=True, blank=True, help_text="Predicted probability of passing, at the start."
    )
    predicted_score = models.FloatField(
        null=True, blank=True, help_text="Predicted (expected) score, at the start."
    )
    # The same for the real exam (questions never seen, from first-sight answers), whether the
    # readiness page would have shown the predictions (enough evidence), and how many of the
    # drawn questions the learner had seen: only shown predictions are calibrated, and the
    # real-exam one only against attempts of unseen questions.
    predicted_real_pass = models.FloatField(
        null=True, blank=True, help_text="Predicted probability of passing the real exam."
    )
    predicted_real_score = models.FloatField(null=True, blank=True)
    prediction_shown = models.BooleanField(
        default=False, help_text="The readiness page had enough evidence to show a number."
    )
    seen_at_start = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Drawn questions the learner had answered before."
    )
    # Right and total per exam domain, counted when it finishes against the domains its
    # questions had then (quiz.selectors.exams.domain_tallies_of): the results page's trend
    # by domain reads these instead of counting every past attempt's answers again. A list
    # of {"domain": pk or None, "name", "position", "right", "total"}; None while open.
    domain_tallies = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "blueprint", "mode"],
                condition=models.Q(finished_at__isnull=True),
                name="one_open_attempt_per_blueprint_and_mode",
            )
        ]
        indexes = [models.Index(fields=["finished_at", "deadline"], name="attempt_open_deadline")]

    def __str__(self):
        return f"{self.user} {self.blueprint} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_review(self) -> bool:
        return self.mode == self.Mode.REVIEW


class AttemptQuestion(FrozenQuestionMixin, models.Model):
    """A question of an attempt with its frozen choice order and key, and the saved answer.

    One row per question per attempt (unique), so saving again overwrites: last write wins.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    choice_order = models.CharField(max_length=60)
    key_labels = models.CharField(max_length=60, help_text="The key when the attempt started.")
    chosen_labels = models.CharField(max_length=60, blank=True)
    question_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The question's version number it was given with."
    )
    struck_labels = models.CharField(
        max_length=60, blank=True, help_text="Choices the learner ruled out (strike-through)."
    )
    saved_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    is_correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_position_once"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_once"),
        ]

    def __str__(self):
        return f"{self.attempt_id}#{self.position}"

    @property
    def is_answered(self) -> bool:
        return bool(self.chosen_labels)
