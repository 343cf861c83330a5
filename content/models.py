from django.conf import settings
from django.db import models

from content.interchange.formats import FORMATS
from study.models import Topic


class QuestionUpload(models.Model):
    """A question file uploaded in the admin or imported with import_questions, kept from its
    preview to the confirmed import (written only by content.services)."""

    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=20, choices=list(FORMATS.items()))
    data = models.BinaryField()
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    skip_unsupported = models.BooleanField(default=False)
    skip_duplicates = models.BooleanField(default=False)
    # None: imported with the import_questions command.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # What the file was read and checked into (content.interchange.plan.plan_to_json), made
    # once at upload: the preview shows it and the confirmation writes it, without reading
    # the file again.
    plan = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.file_name} → {self.topic}"

    def get_preview_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:content_question_import_preview", args=[self.pk])
