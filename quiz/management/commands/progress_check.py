from django.core.management.base import BaseCommand, CommandError

from quiz.services.exams import domain_tallies_check
from quiz.services.progress import (
    card_counts_check,
    progress_check,
    question_counts_check,
    usual_times_check,
)


class Command(BaseCommand):
    help = (
        "Recount every learner's per-topic progress (the dashboard's mastery rows, kept by "
        "the database as answers arrive) from the answer history, and each topic's live "
        "question count from the bank, and each learner's count of cards on live questions per "
        "topic from their cards, and each learner's usual response times from their answers, "
        "and each finished exam's tallies by domain from its questions, and report what "
        "differs. Exit status 1 when something does; --fix rewrites it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the rows that drifted.")
        parser.add_argument("--show", type=int, default=20, help="Rows to list (default 20).")

    def handle(self, *args, fix=False, show=20, **options):
        drift = progress_check(fix=fix)
        for row in drift[:show]:
            self.stdout.write(
                f"learner {row.user_id}, topic {row.topic_id}: stored {_said(row.stored)}, "
                f"history says {_said(row.expected)}"
            )
        if len(drift) > show:
            self.stdout.write(f"… and {len(drift) - show} more")
        counts = question_counts_check(fix=fix)
        for topic_id, stored, counted in counts[:show]:
            self.stdout.write(
                f"topic {topic_id}: stored {stored} live questions, the bank has {counted}"
            )
        cards = card_counts_check(fix=fix)
        for user_id, topic_id, stored, counted in cards[:show]:
            self.stdout.write(
                f"learner {user_id}, topic {topic_id}: stored {stored} cards on live "
                f"questions, the cards say {counted}"
            )
        times = usual_times_check(fix=fix)
        for user_id, multi, stored, counted in times[:show]:
            kind = "multiple" if multi else "single"
            self.stdout.write(
                f"learner {user_id}, {kind}-answer questions: stored {len(stored)} usual "
                f"time(s), their answers give {len(counted)} (latest {counted[:3]})"
            )
        tallies = domain_tallies_check(fix=fix)
        for attempt_id, stored, recounted in tallies[:show]:
            self.stdout.write(
                f"exam attempt {attempt_id}: stored {_tallied(stored)} by domain, its "
                f"questions give {_tallied(recounted)}"
            )
        if not drift and not counts and not cards and not times and not tallies:
            self.stdout.write(
                "Every progress row matches the answer history, every topic's live count "
                "the bank, every learner's card count their cards, their usual response "
                "times their answers and every finished exam's domain tallies its questions."
            )
            return
        said = (
            f"{len(drift)} progress row(s), {len(counts)} topic count(s), {len(cards)} "
            f"card count(s), {len(times)} set(s) of usual times and {len(tallies)} exam "
            "attempt(s)' domain tallies"
        )
        if fix:
            self.stdout.write(f"{said} rewritten.")
        else:
            raise CommandError(f"{said} differ; run with --fix to rewrite them.")


def _said(counted) -> str:
    if counted is None:
        return "no row"
    return (
        f"{counted.answered} answered, {counted.answers} answers, last "
        f"{counted.last_answered_at:%Y-%m-%d %H:%M:%S}, recent {counted.recent or '-'}"
    )


def _tallied(tallies) -> str:
    if tallies is None:
        return "nothing"
    right = sum(t["right"] for t in tallies)
    return f"{right}/{sum(t['total'] for t in tallies)} right"
