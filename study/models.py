import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


class CertificationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Certification(models.Model):
    """An exam learners prepare for, e.g. AWS Certified Solutions Architect – Associate."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ExamDomain(models.Model):
    """A part of a certification's exam guide with its share of the scored questions, the
    unit score reports (and learners) plan by, e.g. Design Secure Architectures, 30%."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="domains"
    )
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Percent of the exam's scored questions.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["certification", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "slug"], name="domain_slug_once")
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, certification__is_active=True)


class Topic(models.Model):
    """A subject within a certification, with its study notes (e.g. EC2 Security)."""

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="topics"
    )
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    domain = models.ForeignKey(
        ExamDomain,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
        help_text="The exam domain its questions count toward (one of its certification's).",
    )
    position = models.PositiveIntegerField(default=0)
    # Topics removed from the content library are retired, not deleted.
    is_active = models.BooleanField(default=True)
    # Replaced by every service that changes the topic's notes sections: the rendered notes
    # are cached under it, so a change shows at once on every server. Random, so it never
    # names an older state (a counter or a clock could repeat one).
    notes_token = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["certification__position", "position", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("study:topic_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.domain_id and self.domain.certification_id != self.certification_id:
            raise ValidationError({"domain": "Choose a domain of this topic's certification."})

    @property
    def notes_version(self) -> str:
        """Names this state of the topic's notes: the cache key of their rendering."""
        return f"{self.pk}-{self.notes_token.hex}"


class Note(models.Model):
    """One section of a topic's notes: a heading and its markdown body."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="notes")
    heading = models.CharField(max_length=300)
    anchor = models.SlugField(max_length=300, help_text="URL fragment of the section.")
    position = models.PositiveIntegerField(default=0)
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # The month named in the heading, e.g. "(Oct 2024)": the section is itself news.
    dated = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["topic", "position"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "anchor"], name="note_anchor_unique_in_topic")
        ]

    def __str__(self):
        return f"{self.topic}: {self.heading}"

    def get_absolute_url(self):
        return f"{self.topic.get_absolute_url()}#{self.anchor}"

    @property
    def is_empty(self) -> bool:
        return not self.body.strip()


class WhatsNewItem(models.Model):
    """A dated change in the notes ("added Sep 2024"), derived from the note's text."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="whats_new")
    date = models.DateField(help_text="First day of the month the change happened.")
    text = models.CharField(max_length=1000)
    is_heading = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "note__position", "position"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.date:%b %Y}: {self.text[:60]}"
