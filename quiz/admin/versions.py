"""A question's history as editors read it: one entry per saved version, with a readable
difference, the editor and the reason; and restoring an earlier version, confirmed after
seeing what it changes (quiz.services.question_revert)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from quiz.admin.pages import page_context
from quiz.models import Question, QuestionVersion
from quiz.selectors.editing import question_history, restore_changes
from quiz.services import question_revert


class RestoreForm(forms.Form):
    reason = forms.CharField(
        label="Why restore it",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Kept in the history. When the restore changes the answer key, learners "
        "read it as the key-change note: name choices as [[B]], not B.",
    )


def history_view(model_admin, request, question_id: int):
    question = get_object_or_404(Question, pk=question_id)
    if not model_admin.has_view_or_change_permission(request, question):
        raise PermissionDenied
    context = page_context(
        model_admin,
        request,
        question,
        f"History of {question.ext_id}",
        entries=question_history(question),
        can_restore=model_admin.has_change_permission(request, question),
    )
    return TemplateResponse(request, "admin/quiz/question/versions.html", context)


def restore_view(model_admin, request, question_id: int, number: int):
    question = get_object_or_404(Question, pk=question_id)
    version = get_object_or_404(QuestionVersion, question=question, number=number)
    if not model_admin.has_change_permission(request, question):
        raise PermissionDenied
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restored = question_revert(
                question=question,
                version=version,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error("reason" if hasattr(error, "problems") else None, error)
        else:
            messages.success(
                request,
                f"Version {version.number} restored as version {restored.number}; learners "
                "see it now.",
            )
            return redirect(reverse("admin:quiz_question_history", args=[question.pk]))
    context = page_context(
        model_admin,
        request,
        question,
        f"Restore version {number} of {question.ext_id}",
        version=version,
        changes=restore_changes(question, version),
        form=form,
    )
    return TemplateResponse(request, "admin/quiz/question/restore.html", context)
