"""Mock exams. Every view that reads an attempt first lets the server's clock finalize it."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from config.ids import parse_id
from quiz import exam_rules, services
from quiz.charts import score_trend
from quiz.models import Attempt
from quiz.presentation import letters_on_screen, present
from quiz.selectors import exams as exam_selectors
from quiz.tasks import population_refit_task
from quiz.views.common import (
    STRIKE_MISSING,
    bad_request,
    found,
    login_required,
    redirect_after_post,
    refusal,
    refusals,
    render_strike,
    strike_toggle,
)

PAGE = "quiz/exam_question.html"
# What the review screen's navigator can list: ?show=... -> its label.
REVIEW_FILTERS = {"all": "All", "unanswered": "Not answered", "flagged": "Flagged"}


def _question_url(attempt, position):
    return reverse("quiz:attempt_question", kwargs={"pk": attempt.pk, "position": position})


def _results_url(attempt):
    return reverse("quiz:attempt_results", kwargs={"pk": attempt.pk})


def _clock(attempt) -> dict:
    now = timezone.now()
    remaining = max(0, int((attempt.deadline - now).total_seconds()))
    return {
        "deadline_iso": attempt.deadline.isoformat(),
        "server_now_iso": now.isoformat(),
        "remaining": remaining,
        "remaining_text": exam_rules.clock_text(remaining),
        "low_seconds": exam_rules.TIMER_LOW_SECONDS,
        "grace": exam_rules.GRACE_SECONDS,
    }


@require_safe
@login_required
def exam_list(request):
    return render(
        request, "quiz/exam_list.html", {"statuses": exam_selectors.blueprints_for(request.user)}
    )


@require_POST
@login_required
def exam_start(request, slug):
    blueprint = found(exam_selectors.offered_blueprint(slug), "No such mock exam.")
    mode = request.POST.get("mode", Attempt.Mode.TIMED)
    try:
        attempt = services.attempt_start(user=request.user, blueprint=blueprint, mode=mode)
    except ValidationError as error:
        # Reloading cannot help an exam the bank cannot fill: the list says which can start.
        back = {"back_url": reverse("quiz:exam_list"), "back_label": "Back to the mock exams"}
        return refusal(request, error, **back)
    url = _question_url(attempt, attempt.current_position)
    return redirect_after_post(request, url)


@require_safe
@login_required
def attempt_resume(request, pk):
    attempt = services.attempt_touch(
        attempt=found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    )
    if attempt.is_finished:
        return redirect(_results_url(attempt))
    return redirect(_question_url(attempt, attempt.current_position))


@require_safe
@vary_on_headers("HX-Request")
@login_required
def attempt_question(request, pk, position):
    attempt = services.attempt_touch(
        attempt=found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    )
    if attempt.is_finished:
        return redirect(_results_url(attempt))
    item = found(
        exam_selectors.attempt_item(attempt, position), "No such question in this attempt."
    )
    if request.method == "GET":  # a HEAD changes nothing
        services.attempt_visit(attempt=attempt, position=position)
    return render(request, PAGE, _question_context(attempt, item))


def _question_context(attempt, item, *, ticked: list[str] | None = None, **extra) -> dict:
    """The exam screen of one question; ticked: labels of a refused post, shown again."""
    position = item.position
    # Review mode shows the answer and why once the learner checked theirs.
    checked = attempt.is_review and item.is_answered and ticked is None
    return {
        "attempt": attempt,
        "item": item,
        "checked": checked,
        "view": present(
            item.question,
            order=item.order_labels,
            chosen=item.chosen if ticked is None else ticked,
            struck=item.struck,
            answered=checked,
        ),
        "navigator": exam_selectors.navigator(attempt),
        "save_url": reverse("quiz:attempt_save", kwargs={"pk": attempt.pk, "position": position}),
        "strike_url": reverse(
            "quiz:attempt_strike", kwargs={"pk": attempt.pk, "position": position}
        ),
        "previous": position - 1 if position > 1 else None,
        "next": position + 1 if position < attempt.total else None,
        **_clock(attempt),
        **extra,
    }


@require_POST
@login_required
def attempt_save(request, pk, position):
    """Autosave (htmx, on every change) and the no-JS "save and go" buttons."""
    attempt = found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    item = found(
        exam_selectors.attempt_item(attempt, position, shown=False),
        "No such question in this attempt.",
    )
    raw_ids = request.POST.getlist("choice")
    go = request.POST.get("go", "")
    if attempt.is_review and go != "check":
        # Review mode records an answer only when it is checked: moving on skips it.
        return _go(attempt, position, go)
    try:
        services.answer_save(item=item, raw_choice_ids=raw_ids)
    except services.ChoiceCountError as error:
        # More ticks than the question takes (only without JavaScript, or crafted): the same
        # question again with the ticks and the message; the last saved answer stands.
        message = " ".join(error.messages)
        if request.htmx:
            return bad_request(request, message)
        shown = found(
            exam_selectors.attempt_item(attempt, position), "No such question in this attempt."
        )
        ticked = services.choice_labels_from_ids(question=shown.question, raw_ids=raw_ids)
        context = _question_context(attempt, shown, ticked=ticked, choose_error=message)
        return render(request, PAGE, context, status=422)
    except ValidationError as error:
        services.attempt_touch(attempt=attempt)  # past the grace: score what was saved
        return refusal(request, error)
    if request.htmx:
        context = {
            "attempt": attempt,
            "item": item,
            "saved": True,
            **_clock(attempt),
        }
        return render(request, f"{PAGE}#saved", context)
    if attempt.is_review:  # checked: the same question, now with its answer and why
        return redirect(f"{_question_url(attempt, position)}#feedback")
    return _go(attempt, position, go)


def _go(attempt, position: int, go: str):
    """Where the exam screen's buttons lead: the review screen, another question, or back."""
    if go == "review":
        return redirect("quiz:attempt_review", pk=attempt.pk)
    target = parse_id(go)
    if target is not None and target <= attempt.total:
        return redirect(_question_url(attempt, target))
    return redirect(_question_url(attempt, position))


@require_POST
@login_required
@refusals
def attempt_flag(request, pk, position):
    attempt = services.attempt_touch(
        attempt=found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    )
    item = found(
        exam_selectors.attempt_item(attempt, position, shown=False),
        "No such question in this attempt.",
    )
    services.flag_set(item=item, flagged=not item.flagged)
    if request.htmx:
        context = {"attempt": attempt, "item": item, "flag_toggled": True}
        return render(request, f"{PAGE}#flag", context)
    return redirect(_question_url(attempt, position))


@require_POST
@login_required
@refusals
def attempt_strike(request, pk, position):
    """Rule a choice out or back in (strike-through), saved like an answer."""
    attempt = services.attempt_touch(
        attempt=found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    )
    item = found(
        exam_selectors.attempt_item(attempt, position, shown=False),
        "No such question in this attempt.",
    )
    toggle = strike_toggle(request)
    if toggle is None:
        return bad_request(request, STRIKE_MISSING)
    raw_id, struck = toggle
    services.strike_set(item=item, raw_choice_id=raw_id, struck=struck)
    if request.htmx:
        url = reverse("quiz:attempt_strike", kwargs={"pk": attempt.pk, "position": position})
        return render_strike(request, item, raw_id, url)
    return redirect(_question_url(attempt, position))


@require_safe
@login_required
def attempt_review(request, pk):
    attempt = services.attempt_touch(
        attempt=found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    )
    if attempt.is_finished:
        return redirect(_results_url(attempt))
    show = request.GET.get("show", "all")
    if show not in REVIEW_FILTERS:
        return bad_request(
            request,
            f"Cannot show {show!r}: choose all, unanswered or flagged.",
            back_url=reverse("quiz:attempt_review", kwargs={"pk": attempt.pk}),
            back_label="Back to the review",
        )
    items = exam_selectors.navigator(attempt)
    groups = {
        "all": items,
        "unanswered": [i for i in items if not i.is_answered],
        "flagged": [i for i in items if i.flagged],
    }
    context = {
        "attempt": attempt,
        "navigator": groups[show],
        "show": show,
        "filters": [(key, label, len(groups[key])) for key, label in REVIEW_FILTERS.items()],
        "unanswered": groups["unanswered"],
        "flagged": groups["flagged"],
        "struck": [
            (i, letters_on_screen(i.order_labels, i.struck)) for i in items if i.struck_labels
        ],
        **_clock(attempt),
    }
    return render(request, "quiz/exam_review.html", context)


@require_POST
@login_required
def attempt_submit(request, pk):
    attempt = found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    if not attempt.is_finished:
        services.attempt_touch(attempt=attempt)
        services.attempt_finalize(attempt=attempt, reason=Attempt.FinishReason.SUBMITTED)
        population_refit_task.enqueue()  # the readiness model learns from every finished exam
    url = _results_url(attempt)
    return redirect_after_post(request, url)


RESULT_FILTERS = {"all", "incorrect", "unanswered", "flagged"}


@require_safe
@login_required
def attempt_results(request, pk):
    attempt = services.attempt_touch(
        attempt=found(exam_selectors.attempt_for(request.user, pk), "No such attempt of yours.")
    )
    if not attempt.is_finished:
        return redirect(_question_url(attempt, attempt.current_position))
    data = exam_selectors.results(attempt)
    shown = request.GET.get("show", "all")
    shown = shown if shown in RESULT_FILTERS else "all"
    keep = {
        "all": lambda i: True,
        "incorrect": lambda i: not i.is_correct,
        "unanswered": lambda i: not i.is_answered,
        "flagged": lambda i: i.flagged,
    }[shown]
    # Ten questions with their feedback per page: a full-length exam's 65 would make the
    # page several times slower to render and to read on a phone.
    page = Paginator(
        [item for item in data.items if keep(item)], exam_selectors.REVIEW_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    shown_items = exam_selectors.review_page_items(attempt, [row.position for row in page])
    reviewed = []
    for item in shown_items:
        view = present(
            item.question,
            order=item.order_labels,
            chosen=item.chosen,
            struck=item.struck,
            answered=True,
        )
        view.id_suffix = f"-{item.position}"  # ten questions on one page
        reviewed.append((item, view))
    context = {
        "results": data,
        "attempt": attempt,
        "reviewed": reviewed,
        "shown": shown,
        "page": page,
        "filters": ["all", "incorrect", "unanswered", "flagged"],
        "review_days": exam_rules.REVIEW_MODE_DAYS,
        **score_trend(data.trend, current_pk=attempt.pk, passing_score=attempt.passing_score),
    }
    return render(request, "quiz/exam_results.html", context)


@require_safe
@login_required
def exam_history(request):
    return render(
        request, "quiz/exam_history.html", {"attempts": exam_selectors.history(request.user)}
    )
