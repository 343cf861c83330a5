from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from simple_history.models import HistoricalRecords

from study.models import ExamDomain, Note, Topic


class Disclaimer(models.Model):
    """What the source says about its questions ("collected from the Internet, may be outdated")."""

    topic = models.OneToOneField(
        Topic, on_delete=models.CASCADE, related_name="question_disclaimer"
    )
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)

    def __str__(self):
        return f"Disclaimer for {self.topic}"


class QuestionSet(models.Model):
    """A group of questions as the source page had them ("New Practice Questions")."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="question_sets")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["topic", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "slug"], name="question_set_slug_unique_in_topic"
            )
        ]

    def __str__(self):
        return self.title


HIDDEN_STATUSES = ["draft", "retired"]  # every Question.Status but published


class QuestionQuerySet(models.QuerySet):
    @staticmethod
    def _live() -> models.Q:
        return models.Q(
            status=Question.Status.PUBLISHED, duplicate_of__isnull=True, topic__is_active=True
        )

    def live(self):
        """Questions a learner sees: published, not a recorded duplicate, in an active topic."""
        return self.filter(self._live())

    def not_live_ids(self) -> tuple[models.QuerySet, ...]:
        """The ids of questions a learner does not see (usually a handful), as three
        querysets each found by its own index: unpublished, recorded duplicates, in a retired
        topic. Exclude each in turn (`NOT IN` three times) to keep a filter cheap however
        large the bank grows: ORed into one subquery, SQLite scans the bank. The statuses are
        written into the SQL: SQLite uses the partial index of unpublished questions only for
        the literal values of its condition, not for bound parameters."""
        statuses = ", ".join(f"'{status}'" for status in HIDDEN_STATUSES)
        unpublished = self.filter(
            RawSQL(f'"status" IN ({statuses})', [], output_field=models.BooleanField())
        )
        merged = self.filter(duplicate_of__isnull=False)
        retired_topic = self.filter(topic__in=Topic.objects.filter(is_active=False).values("pk"))
        return tuple(questions.values("pk") for questions in (unpublished, merged, retired_topic))


class Question(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    ext_id = models.SlugField(
        "stable id", max_length=100, unique=True, help_text="Never changes, never reused."
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    also_topics = models.ManyToManyField(
        Topic, blank=True, related_name="also_questions", help_text="Other topics it belongs to."
    )
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.PROTECT, related_name="questions", null=True, blank=True
    )
    domain = models.ForeignKey(
        ExamDomain,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only when it counts toward another exam domain than its topic's.",
    )
    number = models.PositiveIntegerField(default=0, help_text="Number within its set.")
    position = models.PositiveIntegerField(default=0, help_text="Order within the topic.")
    choose = models.PositiveSmallIntegerField(
        default=1, help_text="How many choices to pick; 1 = single answer."
    )
    shuffle_choices = models.BooleanField(
        default=True,
        help_text="Off only when a text must name choices by fixed letters: the choices then "
        "keep this order on every screen.",
    )
    stem = models.TextField(help_text="Markdown.")
    stem_html = models.TextField(blank=True, editable=False)
    explanation = models.TextField(blank=True, help_text="Markdown.")
    explanation_html = models.TextField(blank=True, editable=False)
    disputed = models.TextField(blank=True, help_text="Why readers dispute the current key.")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    difficulty = models.CharField(max_length=6, choices=Difficulty, blank=True)
    last_verified = models.DateField(
        null=True, blank=True, help_text="When an editor last checked the key against the service."
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the question comes from."
    )
    # A question file's question: its name there and the file's name. A later import updates
    # it only from that file under that name (content.interchange.plan._identify).
    import_name = models.CharField(max_length=255, blank=True, editable=False)
    import_file = models.CharField(max_length=255, blank=True, editable=False)
    # The current key as sorted labels ("A,B"), kept by the services that change choices, so
    # statistics can count every past answer against today's key in SQL.
    key_labels = models.CharField(max_length=60, blank=True, editable=False)
    # Kept up to date by the vote and key-change services, so lists can filter on it.
    community_disagrees = models.BooleanField(
        default=False, editable=False, help_text="Learners' most-voted answer differs from the key."
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="duplicates",
        null=True,
        blank=True,
        help_text="This question repeats that one; only that one is shown.",
    )
    # Item statistics (quiz.stats, on learners' first attempts), refreshed in bulk by
    # quiz.services.statistics_refresh: the list sorts and filters on them.
    first_attempts = models.PositiveIntegerField(default=0, editable=False)
    facility = models.FloatField(null=True, blank=True, editable=False)
    discrimination = models.FloatField(null=True, blank=True, editable=False)
    needs_checking = models.BooleanField("statistics need checking", default=False, editable=False)
    statistics_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The number of its latest version (QuestionVersion), kept by the services that save it.
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "stem_html",
            "explanation_html",
            "updated_at",
            "version",
            "first_attempts",
            "facility",
            "discrimination",
            "needs_checking",
            "statistics_at",
            "import_name",
            "import_file",
        ]
    )

    class Meta:
        ordering = ["topic", "position"]
        indexes = [
            models.Index(fields=["topic", "status", "position"]),
            # The few unpublished questions, found without a scan (see not_live_ids). Partial,
            # so a planner never prefers it for "published", which is nearly every row.
            models.Index(
                fields=["status"],
                name="question_hidden",
                condition=models.Q(status__in=HIDDEN_STATUSES),
            ),
            # Questions recorded as duplicates of another: few. Partial, so statistics of a
            # column that is nearly all NULL don't talk planners into scanning the bank.
            models.Index(
                fields=["duplicate_of"],
                name="question_duplicates",
                condition=models.Q(duplicate_of__isnull=False),
            ),
            # The few whose statistics need checking (the editors' to-do).
            models.Index(
                fields=["needs_checking"],
                name="question_needs_checking",
                condition=models.Q(needs_checking=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choose__gte=1), name="question_choose_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(duplicate_of=models.F("pk")), name="question_not_own_duplicate"
            ),
        ]

    def __str__(self):
        return self.ext_id

    def get_absolute_url(self):
        return reverse("quiz:question_detail", kwargs={"ext_id": self.ext_id})

    def clean(self):
        # The database refuses it too (question_not_own_duplicate), but with an IntegrityError.
        if self.pk and self.duplicate_of_id == self.pk:
            raise ValidationError({"duplicate_of": "A question cannot be a duplicate of itself."})
        if (
            self.domain_id
            and self.topic_id
            and self.domain.certification_id != self.topic.certification_id
        ):
            raise ValidationError(
                {"domain": "Choose an exam domain of its topic's certification, or none."}
            )

    @property
    def is_multi(self) -> bool:
        return self.choose > 1

    @property
    def exam_domain(self) -> ExamDomain | None:
        """The exam domain it counts toward: its own override, else its topic's (select
        question__domain and question__topic__domain when reading many)."""
        return self.domain or self.topic.domain

    @property
    def short_title(self) -> str:
        return (
            f"{self.question_set.title} Q{self.number}" if self.question_set else f"Q{self.number}"
        )


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(max_length=2, help_text="Stable label: A, B, C ...")
    text = models.TextField(help_text="Markdown.")
    text_html = models.TextField(blank=True, editable=False)
    explanation = models.TextField(
        blank=True, help_text="Markdown, the editors' words: why this choice is right or wrong."
    )
    explanation_html = models.TextField(blank=True, editable=False)
    source_note = models.TextField(
        blank=True,
        help_text="Markdown: what the question's source says of this choice, in its own words.",
    )
    source_note_html = models.TextField(blank=True, editable=False)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(
        excluded_fields=["text_html", "explanation_html", "source_note_html"]
    )

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "label"], name="choice_label_unique_in_question"
            )
        ]

    def __str__(self):
        return f"{self.question.ext_id} {self.label}"


class AnswerKeyRevision(models.Model):
    """A change of the answer key: these choices were correct until a date, and why it changed.

    Learners see it as the outdated-answer annotation; rescoring and spaced repetition use
    it to tell which key an old answer was given under.
    """

    class Precision(models.TextChoices):
        MONTH = "month", "Month"
        DAY = "day", "Day"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="key_revisions")
    correct_labels = models.CharField(
        max_length=60, help_text="The key before the change: comma-separated labels, e.g. A,E."
    )
    new_labels = models.CharField(
        max_length=60, blank=True, help_text="The key after the change, e.g. A,B."
    )
    valid_until = models.DateField(help_text="When this key stopped being right.")
    until_precision = models.CharField(max_length=5, choices=Precision, default=Precision.DAY)
    note = models.TextField(help_text="Markdown: why the key changed.")
    note_html = models.TextField(blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["question", "position"]

    def __str__(self):
        return f"{self.question.ext_id}: {self.correct_labels} until {self.until_display}"

    @property
    def labels(self) -> list[str]:
        return [label for label in self.correct_labels.split(",") if label]

    @property
    def new_label_list(self) -> list[str]:
        return [label for label in self.new_labels.split(",") if label]

    @property
    def until_display(self) -> str:
        if self.until_precision == self.Precision.MONTH:
            return f"{self.valid_until:%b %Y}"
        return f"{self.valid_until:%-d %b %Y}"


class QuestionReference(models.Model):
    """Where to read more: a section of the notes, or official documentation."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="references")
    note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="question_references"
    )
    url = models.URLField(blank=True)
    title = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(note__isnull=False) | ~models.Q(url=""),
                name="reference_has_note_or_url",
            )
        ]

    def __str__(self):
        return self.title or self.url or str(self.note)

    @property
    def href(self) -> str:
        return self.note.get_absolute_url() if self.note_id else self.url

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        return f"Notes: {self.note.heading}" if self.note_id else self.url


class TopicQuestionCount(models.Model):
    """How many live questions (published, not a recorded duplicate) a topic has, kept by the
    database as questions are inserted, changed and deleted (the triggers of migration
    0029): pages read one row per topic instead of counting the bank. Whether the topic
    itself is active is read from the topic. `manage.py progress_check` recounts them."""

    topic = models.OneToOneField(
        Topic, on_delete=models.CASCADE, primary_key=True, related_name="question_count"
    )
    live = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.topic}: {self.live} live questions"
