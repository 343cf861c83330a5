from django.conf import settings
from django.db import models

from quiz import srs
from quiz.models.bank import Question
from study.models import Topic


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
    # Whether the question asked for several answers when it was given: a learner's usual
    # response time is taken from their answers of the same kind.
    multi = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=AnswerSource, default=AnswerSource.PRACTICE)
    answered_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [
            models.Index(fields=["question", "answered_at"]),
            models.Index(fields=["user", "question"]),
            # A learner's latest answers (recent mastery, the usual times' recount): read
            # newest first and stop, instead of sorting their whole history.
            models.Index(fields=["user", "answered_at"], name="answer_user_recent"),
        ]

    def __str__(self):
        return f"{self.user} {self.question.ext_id}: {self.chosen_labels}"

    @property
    def labels(self) -> list[str]:
        return [label for label in self.chosen_labels.split(",") if label]


class TopicProgress(models.Model):
    """A learner's standing in one topic, kept by the database as answers are recorded: the
    dashboard reads a few of these rows instead of the learner's whole answer history.

    A trigger on AnswerRecord inserts (migration 0028) keeps every row current, whichever
    flow recorded the answer; quiz.services.progress recounts rows from the history when
    history moves or a key changes, and `manage.py progress_check` reports any drift.
    """

    RECENT = 20  # the mastery window: this many latest answers in the topic

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField(default=0, help_text="Distinct questions answered.")
    answers = models.PositiveIntegerField(default=0, help_text="Answers, repeats included.")
    last_answered_at = models.DateTimeField()
    recent = models.CharField(
        max_length=RECENT,
        blank=True,
        help_text="The latest answers in the topic, oldest first: 1 right by today's key, 0 not.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_progress_per_topic")
        ]
        # No index on last_answered_at: the dashboard sorts a learner's few rows (one per
        # topic, read through the unique index), and an update that changes no indexed
        # column is cheaper on every answer (on PostgreSQL a heap-only update).

    def __str__(self):
        return f"{self.user} {self.topic}: {self.answered} answered"

    @property
    def recent_percent(self) -> int | None:
        """% right over the latest answers (None before the first)."""
        if not self.recent:
            return None
        return round(100 * self.recent.count("1") / len(self.recent))


class UsualTimes(models.Model):
    """A learner's latest correct, timed response times on questions of one kind (single or
    multiple answer), newest first: their usual response time, against which a correct
    answer is rated Hard, Good or Easy. Kept by the database (the trigger of migration 0034)
    as answers are recorded, whichever flow records them, so recording an answer reads one
    row instead of the learner's latest answers. Each time is written in WIDTH digits, so
    the window is cut by position in SQL; `manage.py progress_check` recounts them."""

    WIDTH = 10  # digits of a response time: PositiveIntegerField's largest fits
    WINDOW = srs.USUAL_TIME_WINDOW

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    multi = models.BooleanField()
    times = models.CharField(max_length=WIDTH * WINDOW)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "multi"], name="one_usual_times_per_kind")
        ]

    def __str__(self):
        kind = "multiple" if self.multi else "single"
        return f"{self.user_id} ({kind} answer): {len(self.times) // self.WIDTH} times"

    @classmethod
    def parse(cls, times: str | None) -> list[int]:
        """The times written in `times` (a row's, or read by a subquery), newest first."""
        times = times or ""
        return [int(times[at : at + cls.WIDTH]) for at in range(0, len(times), cls.WIDTH)]

    @classmethod
    def written(cls, times: list[int]) -> str:
        """`times` (newest first) as the trigger writes them, cut to the window."""
        return "".join(f"{ms:0{cls.WIDTH}d}" for ms in times[: cls.WINDOW])
