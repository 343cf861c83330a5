"""Fit FSRS parameters to each learner's own review history (the optional optimizer extra).

Install the optimizer only where you run this command (it pulls torch, several GB):
    .venv/bin/pip install -e ".[optimizer]"
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quiz.models import ReviewLog
from quiz.services import profile_update

# py-fsrs's optimizer needs at least one mini-batch (512) of reviews; below it, it returns
# the defaults, so we say so instead of pretending to have fitted anything.
MIN_REVIEWS = 512


class Command(BaseCommand):
    help = "Fit FSRS parameters from learners' review logs (needs: pip install 'fsrs[optimizer]')."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this username (default: every learner).")

    def handle(self, *args, user=None, **options):
        users = get_user_model().objects.all()
        if user:
            users = users.filter(username=user)
            if not users.exists():
                raise CommandError(f"No user named {user!r}.")
        for learner in users.order_by("username"):
            self._optimize(learner)

    def _optimize(self, learner):
        logs = list(
            ReviewLog.objects.filter(user=learner)
            .order_by("reviewed_at")
            .values_list("card_id", "rating", "reviewed_at", "response_ms")
        )
        name = learner.get_username()
        if len(logs) < MIN_REVIEWS:
            self.stdout.write(
                f"{name}: {len(logs)} reviews, fewer than the {MIN_REVIEWS} the optimizer needs; "
                "keeping FSRS's default parameters."
            )
            return
        from fsrs import Optimizer, Rating
        from fsrs import ReviewLog as FsrsReviewLog

        from quiz.srs import utc

        fsrs_logs = [
            FsrsReviewLog(
                card_id=card, rating=Rating(rating), review_datetime=utc(at), review_duration=ms
            )
            for card, rating, at, ms in logs
        ]
        try:
            parameters = Optimizer(fsrs_logs).compute_optimal_parameters()
        except ImportError:
            raise CommandError(
                "The FSRS optimizer is not installed. Install it with: "
                '.venv/bin/pip install -e ".[optimizer]" (it pulls torch).'
            ) from None
        profile_update(user=learner, fsrs_parameters=[round(p, 6) for p in parameters])
        self.stdout.write(f"{name}: fitted FSRS parameters from {len(logs)} reviews.")
