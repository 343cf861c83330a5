from django.core.management.base import BaseCommand, CommandError

from quiz.services.progress import progress_check, question_counts_check


class Command(BaseCommand):
    help = (
        "Recount every learner's per-topic progress (the dashboard's mastery rows, kept by "
        "the database as answers arrive) from the answer history, and each topic's live "
        "question count from the bank, and report what differs. Exit status 1 when "
        "something does; --fix rewrites it."
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
        if not drift and not counts:
            self.stdout.write(
                "Every progress row matches the answer history and every topic's live count "
                "the bank."
            )
        elif fix:
            self.stdout.write(
                f"{len(drift)} progress row(s) and {len(counts)} topic count(s) rewritten."
            )
        else:
            raise CommandError(
                f"{len(drift)} progress row(s) and {len(counts)} topic count(s) differ; run "
                "with --fix to rewrite them."
            )


def _said(counted) -> str:
    if counted is None:
        return "no row"
    return (
        f"{counted.answered} answered, {counted.answers} answers, last "
        f"{counted.last_answered_at:%Y-%m-%d %H:%M:%S}, recent {counted.recent or '-'}"
    )
