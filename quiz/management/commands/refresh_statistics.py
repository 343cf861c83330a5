from django.core.management.base import BaseCommand

from quiz.models import Question
from quiz.services import statistics_refresh


class Command(BaseCommand):
    help = (
        "Recompute every question's statistics (facility and discrimination on learners' "
        "first attempts) and which need checking. Run it from cron, e.g. nightly; the "
        "admin also queues it when an editor opens it and the figures are a day old."
    )

    def handle(self, *args, **options):
        changed = statistics_refresh()
        checking = Question.objects.live().filter(needs_checking=True).count()
        self.stdout.write(f"{changed} question(s) changed; {checking} need checking.")
