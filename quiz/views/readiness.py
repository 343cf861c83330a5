from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from quiz import planning, services
from quiz.selectors import exams as exam_selectors
from quiz.selectors import readiness as readiness_selectors
from quiz.views.common import found, login_required

PAGE = "quiz/readiness.html"


def _readiness(request, *, with_plan: bool):
    """The report for the exam asked for, else for the default exam (one that can start)."""
    profile = services.profile_for(request.user)
    exams = exam_selectors.offered_exams()
    slug = request.GET.get("blueprint")
    target = readiness_selectors.target_blueprint(profile, exams, slug)
    if slug:
        found(target, "No such mock exam.")
    report = readiness_selectors.readiness_for(
        user=request.user,
        profile=profile,
        blueprint=target.blueprint if target else None,
        topics=target.topics if target else None,
        with_plan=with_plan,
    )
    # The picker: exams that can start, and the one shown when it cannot (marked so).
    choices = [fill for fill in exams if fill.can_start or fill is target]
    return report, profile, choices


@require_safe
@vary_on_headers("HX-Request")
@login_required
def readiness_page(request):
    """Chance of passing the real exam and the next mock, the weakest topics, a plan to the exam."""
    report, profile, choices = _readiness(request, with_plan=True)
    plan = report.plan
    context = {
        "report": report,
        "profile": profile,
        "exam_choices": choices,
        # Each day for two weeks, then a row per week: an exam may be three years ahead.
        "plan_rows": planning.plan_rows(
            new_by_day=plan.new_by_day,
            reviews_by_day=plan.reviews_by_day,
            exam_date=report.exam_date,
        )
        if plan
        else [],
    }
    return render(request, PAGE, context)


@require_safe
@login_required
def readiness_card(request):
    """The dashboard's readiness card, loaded after the dashboard (it reads more history)."""
    report, profile, _choices = _readiness(request, with_plan=False)  # the card shows no plan
    context = {"report": report, "profile": profile, "card_only": True}
    return render(request, f"{PAGE}#card", context)


@require_safe
@login_required
def readiness_calibration(request):
    """Staff: how well the stored predictions matched the mock exams' outcomes."""
    if not request.user.is_staff:
        raise Http404  # the page is not there for learners
    return render(
        request,
        "quiz/readiness_calibration.html",
        {"calibrations": readiness_selectors.calibration()},
    )
