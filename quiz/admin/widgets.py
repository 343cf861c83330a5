from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe

from quiz import choice_refs


class MarkdownPreviewTextarea(forms.Textarea):
    """A textarea whose rendered markdown appears below it as the editor types (htmx).

    The preview is rendered by the same renderer and sanitizer as the learner pages: with the
    page for the text as it is (a question form has a dozen of them, which must not each
    post on load), then by the preview view as the editor types.
    """

    template_name = "admin/quiz/markdown_preview_widget.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, "cols": 60, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["preview_url"] = reverse("admin:quiz_question_preview")
        # Sanitized by render (nh3), as on learners' pages.
        context["preview_html"] = mark_safe(choice_refs.render(str(value or "")[:20000]))
        return context
