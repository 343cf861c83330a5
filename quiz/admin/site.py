"""The admin site's names, and its first page: for editors, a to-do of what in the bank
needs them (quiz.selectors.todo), above the usual list of models."""

from django.contrib import admin
from django.utils import timezone

from quiz.admin.question_filters import stale_verification_cutoff
from quiz.selectors.todo import editor_todo
from quiz.services.statistics import STALE_AFTER
from quiz.tasks import statistics_refresh_task

admin.site.site_header = "Exam Prep editing"
admin.site.site_title = "Exam Prep editing"
admin.site.index_title = "Question bank and study notes"
admin.site.index_template = "admin/editor_index.html"

_models_index = admin.site.index


def _index_with_todo(request, extra_context=None):
    context = dict(extra_context or {})
    if request.user.has_perm("quiz.change_question"):
        todo = editor_todo(stale_before=stale_verification_cutoff())
        context["todo"] = todo
        # Figures a day old are recomputed in the background (the worker; at once in
        # development); the page says how old the ones it shows are.
        at = todo.statistics_at
        if at is None or timezone.now() - at > STALE_AFTER:
            statistics_refresh_task.enqueue()
    return _models_index(request, context)


admin.site.index = _index_with_todo
