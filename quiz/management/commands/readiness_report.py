from django.core.management.base import BaseCommand

from quiz.selectors.readiness import calibration


class Command(BaseCommand):
    help = "How well readiness predictions matched mock-exam outcomes (Brier, log-loss, bins)."

    def handle(self, *args, **options):
        result = calibration()
        if not result.attempts:
            self.stdout.write("No finished mock exam has a stored prediction yet.")
            return
        self.stdout.write(f"Finished attempts with a prediction: {result.attempts}")
        self.stdout.write(f"Brier score: {result.brier:.3f} (always 50%: 0.250)")
        self.stdout.write(f"Log-loss:    {result.log_loss:.3f} (always 50%: 0.693)")
        if result.score_mae is not None:
            self.stdout.write(f"Mean absolute error of the expected score: {result.score_mae:.1f}")
        self.stdout.write("\npredicted   attempts  mean predicted  observed pass rate")
        for b in result.bins:
            mean = f"{b.mean_predicted:.0%}" if b.count else "-"
            observed = f"{b.observed_rate:.0%}" if b.count else "-"
            self.stdout.write(
                f"{b.low:>4.0%}-{b.high:<4.0%}  {b.count:>8}  {mean:>14}  {observed:>18}"
            )
