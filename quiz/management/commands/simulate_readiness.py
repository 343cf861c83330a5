from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from quiz.management.simulation import figures, load_figures, simulate_rolled_back


def at_least(minimum: int):
    def count(value: str) -> int:
        number = int(value)
        if number < minimum:
            raise ArgumentTypeError(f"must be {minimum} or more, not {number}")
        return number

    return count


class Command(BaseCommand):
    help = (
        "Check readiness predictions against simulated learners with known truth (see "
        "quiz/management/simulation.py): Brier score, log-loss and reliability by decile for "
        "the real-exam and next-mock predictions, beside an oracle and the base rate, and the "
        "daily review load of the exam-date scheduling. Everything it writes is rolled back; run "
        "it on a development database, as the population fit reads every answer there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=at_least(1), default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--truth", choices=["static", "memory"], default="static")
        parser.add_argument("--topics", type=at_least(1), default=4)
        parser.add_argument("--per-topic", type=at_least(1), default=60)
        parser.add_argument("--exam-questions", type=at_least(1), default=40)
        parser.add_argument("--max-new", type=at_least(0), default=90)
        parser.add_argument(
            "--scheduling",
            choices=["spread", "cap", "both"],
            default="spread",
            help="Exam-date scheduling to use; both: run twice and compare the daily loads.",
        )

    def handle(self, *args, scheduling, **options):
        strategies = ["spread", "cap"] if scheduling == "both" else [scheduling]
        for strategy in strategies:
            report = self._run(strategy, options)
            self._print(strategy, report, predictions=strategy == strategies[0])

    def _run(self, strategy, options):
        names = ("learners", "seed", "truth", "topics", "per_topic", "exam_questions", "max_new")
        with override_settings(SRS_EXAM_SCHEDULING=strategy):
            return simulate_rolled_back(**{name: options[name] for name in names})

    def _print(self, strategy, report, *, predictions):
        out = self.stdout.write
        if predictions:
            out(f"Truth: {report.truth}; {report.learners} learners")
            for name, results in (("Real exam", report.real), ("Next mock exam", report.mock)):
                table = figures(results)
                ours = table["ours"]
                out(f"\n== {name}: {ours.count if ours else 0} shown predictions")
                for who, scores in table.items():
                    if scores:
                        out(
                            f"{who:>10}: Brier {scores.brier:.3f}  log-loss {scores.log_loss:.3f}"
                            f"  expected Brier {scores.expected_brier:.3f}"
                        )
                if ours:
                    out("predicted   count  mean predicted  observed")
                    for b in ours.bins:
                        if b.count:
                            out(
                                f"{b.low:>4.0%}-{b.high:<4.0%}  {b.count:>5}  "
                                f"{b.mean_predicted:>14.0%}  {b.observed_rate:>8.0%}"
                            )
                    sure = [r.passed for r in results if r.shown and (r.ours or 0) >= 0.95]
                    if sure:
                        out(
                            f"predicted 95% or more: {len(sure)}, of whom "
                            f"{sum(sure) / len(sure):.0%} passed"
                        )
        loads = load_figures(report)
        out(f"\n== Scheduling ({strategy}): reviews per learner per day")
        out(
            f"largest day {loads['largest day']}, mean {loads['mean day']:.1f}, "
            f"sd {loads['spread (sd)']:.1f}; {loads['total reviews']} reviews"
        )
        out(
            f"recall on exam day (FSRS, whole days): mean {loads['mean recall on exam day']:.3f}, "
            f"cards at the 0.9 target {loads['cards at the target on exam day']:.1%}"
        )
        out(
            f"recall on exam day (continuous): mean {loads['mean continuous recall']:.3f}, "
            f"cards at the 0.9 target {loads['cards at the target, continuous']:.1%}"
        )
        out(
            "true chance of a right answer on exam day (the simulated truth): "
            f"mean {loads['mean true chance on exam day']:.3f}"
        )
