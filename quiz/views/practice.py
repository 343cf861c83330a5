"""The practice loop. Same URL answers htmx with a partial and a plain request with a page."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from quiz import services
from quiz.forms import PracticeStartForm
from quiz.models import PracticeSession
from quiz.presentation import present
from quiz.selectors import practice as practice_selectors
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
from study import selectors as study_selectors

QUESTION_PAGE = "quiz/practice_question.html"
TOPIC_SESSION_SIZE = 10  # the notes page's "Practise <topic>"


def _item_url(session, position: int) -> str:
    return reverse("quiz:practice_question", kwargs={"pk": session.pk, "position": position})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def practice_home(request):
    form = PracticeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.practice_start(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect_after_post(request, _item_url(session, 1))
    context = {
        "form": form,
        "unfinished": practice_selectors.unfinished_sessions(request.user),
    }
    return render(request, "quiz/practice_home.html", context, status=422 if form.errors else 200)


@require_POST
def practice_topic(request, slug):
    """The notes page's "Practise <topic>" button: ten of the topic's questions in random
    order, from question 1. Signed out: sign in, then back to the notes (a sign-in cannot
    replay this post)."""
    topic = found(study_selectors.topic_for_page(slug), "No such topic.")
    if not request.user.is_authenticated:
        return redirect_to_login(topic.get_absolute_url())
    try:
        session = services.practice_start(
            user=request.user,
            scope=PracticeSession.Scope.TOPICS,
            topics=[topic],
            size=TOPIC_SESSION_SIZE,
            order=PracticeSession.Order.RANDOM,
        )
    except ValidationError as error:
        return bad_request(
            request,
            " ".join(error.messages),
            back_url=topic.get_absolute_url(),
            back_label=f"Back to {topic.title}",
        )
    return redirect_after_post(request, _item_url(session, 1))


@require_safe
@login_required
def practice_resume(request, pk):
    session = found(
        practice_selectors.session_for(request.user, pk), "No such practice session of yours."
    )
    progress = practice_selectors.session_progress(session)
    if session.is_finished or progress.next_position is None:
        if session.is_finished:
            return redirect("quiz:practice_summary", pk=session.pk)
        return redirect(_item_url(session, progress.total))
    return redirect(_item_url(session, progress.next_position))


def _question_context(
    item, *, just_answered: bool = False, ticked: list[str] | None = None, **extra
) -> dict:
    """The practice page of an item from practice_selectors.item_for_page; ticked: labels
    the learner ticked in a post that was refused (shown ticked again)."""
    session, question = item.session, item.question
    progress = practice_selectors.item_progress(item)
    review_log = practice_selectors.item_rating_log(item, just_answered=just_answered)
    card = None if item.is_answered else item.card
    view = present(
        question,
        order=item.order_labels,
        chosen=item.chosen if ticked is None else ticked,
        struck=item.struck,
        answered=item.is_answered,
        vote=practice_selectors.item_vote(item) if item.is_answered else None,
        key_revisions=item.key_revisions,
    )
    # Before answering only that it changed (the note would give the answer away); after,
    # what changed, in the letters on this learner's screen.
    if item.is_answered:
        log = getattr(item.record, "review_log", None) if item.record_id else None
        key_changed = log.key_changed if log else None
    else:
        key_changed = card.key_changed if card else None
    return {
        "review_log": review_log,
        "can_rate": review_log is not None,
        "rating_previews": services.rating_previews(review_log, services.profile_for(session.user))
        if review_log
        else [],
        "key_changed": key_changed,
        "key_changed_note": view.relabel(key_changed.note_html)
        if key_changed and item.is_answered
        else "",
        "session": session,
        "item": item,
        "view": view,
        "progress": progress,
        "flagged": item.flagged,
        "answer_url": reverse(
            "quiz:practice_answer", kwargs={"pk": session.pk, "position": item.position}
        ),
        "strike_url": _strike_url(session, item.position),
        "next_url": _item_url(session, item.position + 1) if item.position < progress.total else "",
        "previous_url": _item_url(session, item.position - 1) if item.position > 1 else "",
        "just_answered": just_answered,
        **extra,
    }


@require_safe
@vary_on_headers("HX-Request")
@login_required
def practice_question(request, pk, position):
    item = found(
        practice_selectors.item_for_page(request.user, pk, position),
        "No such question in your practice sessions.",
    )
    if not item.session.is_finished and request.method == "GET":
        # Starts the answer's clock; a HEAD (a link checker, a prefetch) shows nothing.
        services.item_mark_shown(item=item)
    template = f"{QUESTION_PAGE}#panel" if request.htmx else QUESTION_PAGE
    return render(request, template, _question_context(item))


@require_POST
@login_required
def practice_answer(request, pk, position):
    # Only htmx posts show the page again; a plain post is redirected.
    item = found(
        practice_selectors.item_for_page(
            request.user, pk, position, answering=True, shown=request.htmx
        ),
        "No such question in your practice sessions.",
    )
    raw_ids = request.POST.getlist("choice")
    try:
        item = services.practice_answer(
            item=item, raw_choice_ids=raw_ids, snapshot=item.card_snapshot
        )
    except services.ChoiceCountError as error:
        # A learner's slip (one tick of two): the same question again, their ticks kept and
        # the message by the choices; nothing is recorded. With or without JavaScript.
        ticked = services.choice_labels_from_ids(question=item.question, raw_ids=raw_ids)
        context = _question_context(item, ticked=ticked, choose_error=" ".join(error.messages))
        template = f"{QUESTION_PAGE}#panel" if request.htmx else QUESTION_PAGE
        return render(request, template, context, status=422)
    except ValidationError as error:
        return refusal(request, error)
    if request.htmx:
        context = _question_context(item, just_answered=True)
        return render(request, f"{QUESTION_PAGE}#panel", context)
    return redirect(f"{_item_url(item.session, position)}#feedback")


@require_POST
@login_required
def practice_flag(request, pk, position):
    item = found(
        practice_selectors.item_of(request.user, pk, position),
        "No such question in your practice sessions.",
    )
    flagged = services.flag_toggle(user=request.user, question=item.question)
    if request.htmx:
        context = {"session": item.session, "item": item, "flagged": flagged}
        return render(request, f"{QUESTION_PAGE}#flag", context)
    return redirect(_item_url(item.session, position))


def _strike_url(session, position: int) -> str:
    return reverse("quiz:practice_strike", kwargs={"pk": session.pk, "position": position})


@require_POST
@login_required
@refusals
def practice_strike(request, pk, position):
    """Rule a choice out or back in while the question waits for its answer."""
    item = found(
        practice_selectors.item_of(request.user, pk, position),
        "No such question in your practice sessions.",
    )
    toggle = strike_toggle(request)
    if toggle is None:
        return bad_request(request, STRIKE_MISSING)
    raw_id, struck = toggle
    services.practice_strike(item=item, raw_choice_id=raw_id, struck=struck)
    if request.htmx:
        return render_strike(request, item, raw_id, _strike_url(item.session, position))
    return redirect(_item_url(item.session, position))


@require_POST
@login_required
def practice_finish(request, pk):
    session = found(
        practice_selectors.session_for(request.user, pk), "No such practice session of yours."
    )
    services.practice_finish(session=session)
    summary_url = reverse("quiz:practice_summary", kwargs={"pk": session.pk})
    if request.htmx:
        context = {"summary": practice_selectors.session_summary(session)}
        return push_url(render(request, "quiz/practice_summary.html#summary", context), summary_url)
    return redirect(summary_url)


@require_safe
@login_required
def practice_summary(request, pk):
    session = found(
        practice_selectors.session_for(request.user, pk), "No such practice session of yours."
    )
    if not session.is_finished:
        return redirect("quiz:practice_resume", pk=session.pk)
    context = {"summary": practice_selectors.session_summary(session)}
    return render(request, "quiz/practice_summary.html", context)


@require_POST
@login_required
@refusals
def practice_retry(request, pk):
    session = found(
        practice_selectors.session_for(request.user, pk), "No such practice session of yours."
    )
    retry = services.practice_retry(session=session)
    return redirect_after_post(request, _item_url(retry, 1))


@require_safe
@login_required
def flagged_list(request):
    return render(
        request,
        "quiz/flagged_list.html",
        {"flags": practice_selectors.flagged_questions(request.user)},
    )
