from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from quiz.services.time_travel import srs_time_travel


class Command(BaseCommand):
    help = (
        "Development aid: pretend DAYS passed for a learner. Moves their history back in time "
        "(cards, reviews, answers, practice sessions, mock attempts, flags, votes, reports, "
        "comments) and their exam date closer by the whole days travelled, to see what comes "
        "due and how the exam countdown reads. Refused when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username.")
        parser.add_argument(
            "--days", type=float, default=1.0, help="How far to travel (default 1)."
        )
        parser.add_argument(
            "--keep-exam-date",
            action="store_true",
            help="Leave the exam date where it is (by default it comes closer with the days).",
        )

    def handle(self, *args, user, days, keep_exam_date, **options):
        if not settings.DEBUG:
            raise CommandError("srs_time_travel rewrites history: only with DEBUG=true.")
        learner = get_user_model().objects.filter(username=user).first()
        if learner is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            journey = srs_time_travel(user=learner, days=days, keep_exam_date=keep_exam_date)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"{user}: {journey.cards} card(s), {journey.reviews} review(s), "
            f"{journey.answers} answer(s), {journey.sessions} practice session(s) and "
            f"{journey.attempts} mock attempt(s) are now {days:g} day(s) older."
        )
        if journey.exam_date is None:
            self.stdout.write("No exam date is set.")
        elif journey.exam_moved_days:
            self.stdout.write(
                f"The exam date moved {journey.exam_moved_days} day(s) closer: "
                f"{journey.exam_date:%-d %b %Y}."
            )
        else:
            self.stdout.write(f"The exam date stays {journey.exam_date:%-d %b %Y}.")
