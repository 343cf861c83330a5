from zoneinfo import available_timezones

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from quiz import services
from quiz.forms import ProfileForm
from quiz.selectors import dashboard as dashboard_selectors
from quiz.selectors import review as review_selectors
from quiz.views.common import login_required
from study.views import home as study_home


@require_safe
def home(request):
    """Signed in: the learner's dashboard. Otherwise: the certifications and their notes."""
    if not request.user.is_authenticated:
        return study_home(request)
    profile = services.profile_for(request.user)
    context = {
        "profile": profile,
        "dashboard": dashboard_selectors.dashboard(
            request.user, daily_goal=profile.daily_goal, time_zone=profile.time_zone
        ),
        "review": review_selectors.review_counts(request.user, profile, now=timezone.now()),
    }
    return render(request, "quiz/dashboard.html", context)


@require_safe
@login_required
def progress(request):
    """Every topic the learner has answered in, with its mastery (the dashboard lists the
    latest few)."""
    topics = dashboard_selectors.progress_topics(request.user)
    return render(request, "quiz/progress.html", {"topics": topics})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile(request):
    instance = services.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your study settings are saved.")
        return redirect("quiz:profile")
    context = {"form": form, "time_zones": sorted(available_timezones())}
    return render(request, "quiz/profile.html", context, status=422 if form.errors else 200)
