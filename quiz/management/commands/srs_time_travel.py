from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quiz.services import srs_time_travel


class Command(BaseCommand):
    help = (
        "Development aid: pretend DAYS passed for a learner (moves their cards, reviews and "
        "answers back in time), to see what comes due. Refused when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username.")
        parser.add_argument(
            "--days", type=float, default=1.0, help="How far to travel (default 1)."
        )

    def handle(self, *args, user, days, **options):
        if not settings.DEBUG:
            raise CommandError("srs_time_travel rewrites history: only with DEBUG=true.")
        learner = get_user_model().objects.filter(username=user).first()
        if learner is None:
            raise CommandError(f"No user named {user!r}.")
        moved = srs_time_travel(user=learner, days=days)
        self.stdout.write(f"{user}: {moved} card(s) are now {days:g} day(s) older.")
