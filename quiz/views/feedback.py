"""Votes on the right answer and problem reports, from the question page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from quiz import selectors, services
from quiz.forms import ReportForm
from quiz.models import Report
from quiz.services.limits import RateLimited
from quiz.views.bank import question_page_context
from quiz.views.common import bad_request, found, login_required, refusals

QUESTION_PAGE = "quiz/question_detail.html"


@require_POST
@login_required
@refusals
def vote_create(request, ext_id):
    question = found(selectors.question_for_page(ext_id, request.user), "No such question.")
    labels = request.POST.getlist("labels")
    services.vote_cast(user=request.user, question=question, labels=labels)
    if request.htmx:
        # Read again: the tally and the learner's own vote came with the question.
        question = found(selectors.question_for_page(ext_id, request.user), "No such question.")
        context = question_page_context(request, question, voted=True)
        return render(request, f"{QUESTION_PAGE}#community", context)
    messages.success(request, "Thanks, your vote is counted.")
    return redirect(f"{question.get_absolute_url()}#community")


@require_POST
@login_required
def report_create(request, ext_id):
    question = found(selectors.question_for_page(ext_id, request.user), "No such question.")
    form = ReportForm(request.POST)
    limited = False
    if form.is_valid():
        try:
            services.report_file(user=request.user, question=question, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("text", error)
            limited = isinstance(error, RateLimited)
    elif "reason" in form.errors and request.POST.get("reason") not in (
        None,
        "",
        *Report.Reason.values,
    ):
        return bad_request(request, "Unknown report reason.")
    if form.errors:
        context = question_page_context(request, question, report_form=form)
        template = f"{QUESTION_PAGE}#report" if request.htmx else QUESTION_PAGE
        return render(request, template, context, status=429 if limited else 422)
    if request.htmx:
        context = question_page_context(request, question, reported=True)
        return render(request, f"{QUESTION_PAGE}#report", context)
    messages.success(request, "Thanks, the editors will look at your report.")
    return redirect(f"{question.get_absolute_url()}#report")
