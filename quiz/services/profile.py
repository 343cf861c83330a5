"""A learner's study settings."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from quiz.models import Profile


def profile_for(user: AbstractBaseUser) -> Profile:
    """The learner's settings, created on first use; kept on the user object for the request."""
    profile = getattr(user, "_study_profile", None)
    if profile is None:
        profile, _ = Profile.objects.get_or_create(user=user)
        user._study_profile = profile
    return profile


PROFILE_FIELDS = {
    "target_certification",
    "exam_date",
    "time_zone",
    "daily_goal",
    "desired_retention",
    "new_per_day",
    "max_reviews_per_day",
    "fsrs_parameters",
}


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, **settings) -> Profile:
    """Save study settings; unknown names are a programming error, not silently ignored."""
    unknown = set(settings) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"Not profile settings: {', '.join(sorted(unknown))}")
    profile = profile_for(user)
    for name, value in settings.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    user._study_profile = profile
    return profile
