from django.core.management.base import BaseCommand, CommandError

from quiz.services.progress import card_counts_check, progress_check, question_counts_check


class Command(BaseCommand):
    help = (
        "Recount every learner's per-topic progress (the dashboard's mastery rows, kept by "
        "the database as answers arrive) from the answer history, and each topic's live "
        "question count from the bank, and each learner's count of cards on live questions per "
        "topic from their cards, and report what differs. Exit status 1 when "
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
        cards = card_counts_check(fix=fix)
        for user_id, topic_id, stored, counted in cards[:show]:
            self.stdout.write(
                f"learner {user_id}, topic {topic_id}: stored {stored} cards on live "
                f"questions, the cards say {counted}"
            )
        if not drift and not counts and not cards:
            self.stdout.write(
                "Every progress row matches the answer history, every topic's live count "
                "the bank and every learner's card count their cards."
            )
            return
        said = (
            f"{len(drift)} progress row(s), {len(counts)} topic count(s) and {len(cards)} "
            "card count(s)"
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
