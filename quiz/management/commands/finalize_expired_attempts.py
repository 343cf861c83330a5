from django.core.management.base import BaseCommand

from quiz.services import finalize_expired_attempts


class Command(BaseCommand):
    help = "Score every mock-exam attempt whose time (plus grace) is over. Idempotent; cron-safe."

    def handle(self, *args, **options):
        self.stdout.write(f"{finalize_expired_attempts()} attempt(s) finalized.")
