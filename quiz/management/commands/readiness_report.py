from django.core.management.base import BaseCommand

from quiz.selectors.readiness import calibration


class Command(BaseCommand):
    help = (
        "How well the shown readiness predictions (next mock exam, real exam) matched "
        "mock-exam outcomes: Brier score, log-loss, score error and counts per decile."
    )

    def handle(self, *args, **options):
        for kind in calibration():
            self.stdout.write(f"== {kind.name}")
            if kind.note:
                self.stdout.write(kind.note)
            if not kind.attempts:
                self.stdout.write(
                    "No finished mock exam has a shown prediction of this kind yet.\n"
                )
                continue
            self.stdout.write(f"Finished attempts with a shown prediction: {kind.attempts}")
            self.stdout.write(f"Brier score: {kind.brier:.3f} (always 50%: 0.250)")
            self.stdout.write(f"Log-loss:    {kind.log_loss:.3f} (always 50%: 0.693)")
            if kind.score_mae is not None:
                self.stdout.write(
                    f"Mean absolute error of the expected score: {kind.score_mae:.1f}"
                )
            self.stdout.write("\npredicted   attempts  mean predicted  observed pass rate")
            for b in kind.bins:
                mean = f"{b.mean_predicted:.0%}" if b.count else "-"
                observed = f"{b.observed_rate:.0%}" if b.count else "-"
                self.stdout.write(
                    f"{b.low:>4.0%}-{b.high:<4.0%}  {b.count:>8}  {mean:>14}  {observed:>18}"
                )
            self.stdout.write("")
