"""Merging a duplicate into the question it repeats: the editor checks how the two
questions' choices pair up (proposed from their texts), sees what moves, then confirms.
The only way a question becomes another's duplicate (quiz.services.question_merge)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from config.ids import parse_id
from quiz.admin.pages import page_context
from quiz.models import Question
from quiz.selectors.editing import merge_plan
from quiz.services import question_merge


def merge_view(model_admin, request, duplicate_id: int):
    duplicate = get_object_or_404(Question, pk=duplicate_id)
    survivor_id = parse_id(request.POST.get("into") or request.GET.get("into") or "")
    if survivor_id is None:
        raise Http404("Say which question to merge into (?into=id).")
    survivor = get_object_or_404(Question, pk=survivor_id)
    if not (
        model_admin.has_change_permission(request, duplicate)
        and model_admin.has_change_permission(request, survivor)
    ):
        raise PermissionDenied
    pairing = None
    if request.method == "POST":
        wanted = {c.label for c in survivor.choices.all()}
        pairing = {}
        for choice in duplicate.choices.all():
            partner = request.POST.get(f"pair-{choice.label}", "")
            pairing[choice.label] = partner if partner in wanted else None
    plan = merge_plan(duplicate=duplicate, survivor=survivor, pairing=pairing)
    if request.method == "POST" and "confirm" in request.POST and plan.can_merge:
        try:
            question_merge(
                duplicate=duplicate, survivor=survivor, pairing=plan.pairing, user=request.user
            )
        except ValidationError as error:  # changed since the page was shown
            messages.error(request, " ".join(error.messages))
        else:
            moved = ", ".join(f"{n} {kind}" for kind, n in plan.moves.items() if n) or "nothing"
            messages.success(
                request,
                f"{duplicate.ext_id} merged into {survivor.ext_id}; moved {moved}, each answer "
                "and vote on the same choice text.",
            )
            return redirect(reverse("admin:quiz_question_change", args=[survivor.pk]))
    context = page_context(
        model_admin,
        request,
        duplicate,
        f"Merge {duplicate.ext_id} into {survivor.ext_id}",
        plan=plan,
    )
    return TemplateResponse(request, "admin/quiz/question/merge.html", context)
