"""A learner's study settings."""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quiz import srs
from quiz.models import Profile, ReviewCard
from quiz.selectors import review as review_selectors

EXAM_DATE_YEARS_AHEAD = 3


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


def learner_today(time_zone: str) -> date:
    return srs.local_day_start(timezone.now(), time_zone).date()


def exam_date_problem(value: date | None, *, today: date) -> str:
    """Why an exam date cannot be set ("" when it can): from today to three years ahead.
    The schedule and the study plan are worked out day by day up to it, so it is bounded."""
    if value is None:
        return ""
    if value < today:
        return "That day has passed: choose today or a later day."
    try:
        latest = today.replace(year=today.year + EXAM_DATE_YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + EXAM_DATE_YEARS_AHEAD, day=28)
    if value > latest:
        return f"Choose a day within {EXAM_DATE_YEARS_AHEAD} years, by {latest:%-d %b %Y}."
    return ""


# What the plan of a learner's reviews depends on besides the cards (quiz.srs.replan).
PLAN_FIELDS = ("exam_date", "time_zone", "desired_retention", "fsrs_parameters")

# Cards written per UPDATE when the plan changes: a few statements for thousands of cards.
REPLAN_BATCH = 500


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, **settings) -> Profile:
    """Save study settings; unknown names are a programming error, not silently ignored.
    A new exam date must be between today and three years ahead (one kept as it was may
    have passed). When the exam date is set, moved or removed (or, with an exam date, the
    time zone, retention or FSRS parameters change), every card is planned again."""
    unknown = set(settings) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"Not profile settings: {', '.join(sorted(unknown))}")
    profile = profile_for(user)
    # Read from the table, not the object: a ModelForm has already copied the new values
    # onto the learner's profile object before this runs.
    stored = Profile.objects.filter(pk=profile.pk).values(*PLAN_FIELDS).first() or {}
    if "exam_date" in settings and settings["exam_date"] != profile.exam_date:
        zone = settings.get("time_zone") or profile.time_zone
        problem = exam_date_problem(settings["exam_date"], today=learner_today(zone))
        if problem:
            raise ValidationError({"exam_date": problem})
    for name, value in settings.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    user._study_profile = profile
    plan = {name: getattr(profile, name) for name in PLAN_FIELDS}
    if plan["exam_date"] != stored.get("exam_date") or (
        plan["exam_date"] and plan != {name: stored.get(name) for name in PLAN_FIELDS}
    ):
        cards_replan(profile=profile)
    return profile


def cards_replan(*, profile: Profile, now: datetime | None = None) -> int:
    """Place every card of the learner again by the exam rule (quiz.srs.replan), from each
    card's current state: one read, and bulk updates of the cards whose due moved (one per
    REPLAN_BATCH cards). Returns how many moved."""
    now = now or timezone.now()
    exam = (
        srs.Exam(day=profile.exam_date, time_zone=profile.time_zone) if profile.exam_date else None
    )
    fields = ("state", "step", "stability", "difficulty", "due", "last_review")
    cards = list(ReviewCard.objects.filter(user_id=profile.user_id).only(*fields))
    dues = srs.replan(
        review_selectors.profile_scheduler(profile, fuzzing=False),
        [srs.card_of(card) for card in cards],
        now=now,
        exam=exam,
        mode=review_selectors.exam_scheduling(),
    )
    moved = []
    for card, due in zip(cards, dues, strict=True):
        if card.due != due:
            card.due = due
            moved.append(card)
    ReviewCard.objects.bulk_update(moved, ["due"], batch_size=REPLAN_BATCH)
    return len(moved)
