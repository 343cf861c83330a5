"""A learner's study settings."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from quiz.models import Profile


def profile_for(user: AbstractBaseUser) -> Profile:
    """The learner's settings, created on first use; kept on the user object for the request.

    A user loaded with select_related("...user__profile") brings their profile (or the news
    that there is none yet) along, so this reads nothing.
    """
    profile = getattr(user, "_study_profile", None)
    if profile is None:
        try:
            profile = user.profile  # selected with the user: no query, even when missing
        except Profile.DoesNotExist:
            profile = None
        user._study_profile = profile or _profile_create(user)
    return user._study_profile


def profile_create_for_new_user(sender, instance, created: bool, raw: bool = False, **kwargs):
    """post_save of the user model: every account starts with its study settings, so a
    learner's first answer does not also have to insert them."""
    if created and not raw:
        _profile_create(instance)


def _profile_create(user: AbstractBaseUser) -> Profile:
    """Insert the default profile: one statement that also holds when a concurrent first
    request created it meanwhile (an upsert on the unique user, returning the row's id)."""
    (profile,) = Profile.objects.bulk_create(
        [Profile(user=user)], update_conflicts=True, unique_fields=["user"], update_fields=["user"]
    )
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
