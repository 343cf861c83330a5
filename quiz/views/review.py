"""The review page, starting a review session, and re-rating a review."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from config.ids import parse_id
from quiz import services, srs
from quiz.charts import forecast_chart
from quiz.selectors import review as review_selectors
from quiz.views.common import bad_request, found, login_required, redirect_after_post, refusals


@require_safe
@login_required
def review_home(request):
    now = timezone.now()
    profile = services.profile_for(request.user)
    counts, days = review_selectors.review_overview(request.user, profile, now=now)
    passed, total = review_selectors.retention(request.user, profile, now=now)
    outlook = review_selectors.exam_outlook(request.user, profile, now=now, counts=counts)
    recall = outlook.recall if outlook else None
    context = {
        "profile": profile,
        "counts": counts,
        **forecast_chart(days),
        "retention": round(100 * passed / total) if total else None,
        "reviews_30d": total,
        "outlook": outlook,
        "exam_recall": round(100 * recall) if recall is not None else None,
        "leeches": review_selectors.leeches(request.user),
        "leech_lapses": srs.LEECH_LAPSES,
    }
    return render(request, "quiz/review_home.html", context)


@require_POST
@login_required
@refusals
def review_start(request):
    size = parse_id(request.POST.get("size", "20"))  # a count: read like an id, 1 and up
    if size is None:
        return bad_request(request, "The number of questions must be a whole number.")
    session = services.review_start(user=request.user, size=min(size, 100))
    url = reverse("quiz:practice_question", kwargs={"pk": session.pk, "position": 1})
    return redirect_after_post(request, url)


@require_POST
@login_required
@refusals
def review_rate(request, pk):
    log = found(review_selectors.own_log(request.user, pk), "No such review of yours.")
    rating = parse_id(request.POST.get("rating", ""))
    if rating is None:
        return bad_request(request, "Rate with Again, Hard, Good or Easy.")
    services.srs_rate(log=log, user=request.user, rating=rating)
    back = request.POST.get("back", "")
    if request.htmx:
        context = {
            "review_log": log,
            "rating_previews": services.rating_previews(log, services.profile_for(request.user)),
            "can_rate": True,
        }
        return render(request, "quiz/practice_question.html#rating", context)
    safe = back.startswith("/") and not back.startswith("//")
    return redirect(back if safe else reverse("quiz:review_home"))
