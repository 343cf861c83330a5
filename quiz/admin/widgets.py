from django import forms
from django.urls import reverse


class MarkdownPreviewTextarea(forms.Textarea):
    """A textarea whose rendered markdown appears below it as the editor types (htmx).

    The preview is rendered by the same renderer and sanitizer as the learner pages.
    """

    template_name = "admin/quiz/markdown_preview_widget.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, "cols": 60, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["preview_url"] = reverse("admin:quiz_question_preview")
        return context
