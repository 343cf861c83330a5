"""A learner's study settings."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from quiz.models import Profile
from study.models import Certification


def profile_for(user: AbstractBaseUser) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: AbstractBaseUser,
    target_certification: Certification | None,
    exam_date,
    daily_goal: int,
) -> Profile:
    profile = profile_for(user)
    profile.target_certification = target_certification
    profile.exam_date = exam_date
    profile.daily_goal = daily_goal
    profile.full_clean()
    profile.save()
    return profile
