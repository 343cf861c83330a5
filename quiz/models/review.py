from django.conf import settings
from django.db import models

from quiz.models.answers import AnswerRecord, AnswerSource
from quiz.models.bank import AnswerKeyRevision, Question
from study.models import Topic


class ReviewCard(models.Model):
    """One learner's spaced-repetition state for one question (FSRS), in plain columns.

    The due queue is an indexed query on (user, due); the FSRS card is rebuilt from these
    columns for each review.
    """

    class State(models.IntegerChoices):
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="cards")
    state = models.PositiveSmallIntegerField(choices=State, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    # Seconds since the epoch of last_review: lets the queue sort by elapsed/stability in SQL.
    last_review_ts = models.FloatField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0, help_text="Times answered wrong.")
    is_leech = models.BooleanField(default=False)
    # Set when the answer key changed since the learner last studied the question.
    key_changed = models.ForeignKey(
        AnswerKeyRevision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_card_per_question")
        ]
        indexes = [
            # Covers due counts (with the liveness check on question) without table reads.
            models.Index(fields=["user", "due", "question"], name="card_due_queue"),
            models.Index(fields=["user", "created_at"], name="card_new_today"),
            models.Index(fields=["user"], condition=models.Q(is_leech=True), name="card_leech"),
        ]

    def __str__(self):
        return f"{self.user} {self.question_id} due {self.due:%Y-%m-%d %H:%M}"


class TopicCardCount(models.Model):
    """How many of a learner's cards are on live questions (published, not a recorded
    duplicate) of one topic, kept by the database (the triggers of migration 0033) as cards
    are made or deleted and as questions change status, duplicate or topic: the count of new
    questions left reads one row per topic the learner has studied, not every card they
    have. Whether the topic is active is read from the topic. `manage.py progress_check`
    recounts them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    live = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_card_count_per_topic")
        ]

    def __str__(self):
        return f"{self.user_id} in {self.topic_id}: {self.live} cards on live questions"


class ReviewLog(models.Model):
    """Every review of a card: enough to re-run the FSRS optimizer later."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, "Again"
        HARD = 2, "Hard"
        GOOD = 3, "Good"
        EASY = 4, "Easy"

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    # The card's learner, repeated so per-learner statistics need no join.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating)
    is_correct = models.BooleanField()
    chosen_labels = models.CharField(max_length=60)
    # The key change the learner had not studied yet when answering (the card's notice):
    # shown with the feedback, in the letters on their screen, once they have answered.
    key_changed = models.ForeignKey(
        AnswerKeyRevision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The question's version number it was given with."
    )
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    reviewed_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=AnswerSource)
    record = models.OneToOneField(
        AnswerRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_log"
    )
    # The card before this review, so the learner can re-rate it (Again/Hard/Good/Easy).
    card_before = models.JSONField()
    rating_overridden = models.BooleanField(default=False)

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [
            models.Index(fields=["card", "reviewed_at"]),
            # Covers the retention figure (rating) without touching the table.
            models.Index(fields=["user", "reviewed_at", "rating"], name="reviewlog_user_time"),
        ]

    def __str__(self):
        return f"{self.card_id} {self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"


class ReviewDay(models.Model):
    """Reviews per learner per local day: retention reads 30 rows, not 30 days of logs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0, help_text="Reviews not rated Again.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_review_day")]

    def __str__(self):
        return f"{self.user} {self.day}: {self.passed}/{self.reviews}"
