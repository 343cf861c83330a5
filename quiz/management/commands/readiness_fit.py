from django.core.management.base import BaseCommand

from quiz.services.population import population_refit, population_refit_if_stale


class Command(BaseCommand):
    help = (
        "Refit the readiness model on every learner's first-sight answers (question "
        "difficulties, topic easiness, how learners differ) and store it for the readiness page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale", action="store_true", help="Only when the stored fit is old (timers)."
        )

    def handle(self, *args, if_stale, **options):
        fit = population_refit_if_stale() if if_stale else population_refit()
        if fit is None:
            self.stdout.write("The stored fit is recent; nothing to do.")
            return
        self.stdout.write(
            f"Fitted on {fit.answers} first-sight answers of {fit.learners} learner(s)."
        )
