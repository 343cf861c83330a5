"""The review page, starting a review session, and re-rating a review."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from config.ids import parse_id
from quiz import services
from quiz.models import ReviewLog
from quiz.selectors import review as review_selectors
from quiz.views.common import bad_request, login_required, redirect_after_post

FORECAST_BAR_WIDTH = 24


@require_safe
@login_required
def review_home(request):
    now = timezone.now()
    profile = services.profile_for(request.user)
    counts, days = review_selectors.review_overview(request.user, profile, now=now)
    tallest = max([n for _day, n in days] + [1])
    bars = [
        {
            "day": day,
            "count": n,
            "x": i * (FORECAST_BAR_WIDTH + 4),
            "height": round(100 * n / tallest),
            "y": 100 - round(100 * n / tallest),
        }
        for i, (day, n) in enumerate(days)
    ]
    passed, total = review_selectors.retention(request.user, profile, now=now)
    recall = review_selectors.exam_day_recall(request.user, profile)
    context = {
        "profile": profile,
        "counts": counts,
        "bars": bars,
        "chart_width": len(bars) * (FORECAST_BAR_WIDTH + 4),
        "bar_width": FORECAST_BAR_WIDTH,
        "retention": round(100 * passed / total) if total else None,
        "reviews_30d": total,
        "exam_recall": round(100 * recall) if recall is not None else None,
        "leeches": review_selectors.leeches(request.user),
    }
    return render(request, "quiz/review_home.html", context)


@require_POST
@login_required
def review_start(request):
    size = parse_id(request.POST.get("size", "20"))  # a count: read like an id, 1 and up
    if size is None:
        return bad_request(request, "The number of questions must be a whole number.")
    try:
        session = services.review_start(user=request.user, size=min(size, 100))
    except ValidationError as error:
        return bad_request(request, " ".join(error.messages))
    url = reverse("quiz:practice_question", kwargs={"pk": session.pk, "position": 1})
    return redirect_after_post(request, url)


@require_POST
@login_required
def review_rate(request, pk):
    log = get_object_or_404(ReviewLog.objects.select_related("card"), pk=pk, user=request.user)
    rating = parse_id(request.POST.get("rating", ""))
    if rating is None:
        return bad_request(request, "Rate with Again, Hard, Good or Easy.")
    try:
        services.srs_rate(log=log, user=request.user, rating=rating)
    except ValidationError as error:
        return bad_request(request, " ".join(error.messages))
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
