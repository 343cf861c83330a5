from django.core.management.base import BaseCommand

from quiz.models import DuplicateSuspect
from quiz.services import duplicates_scan


class Command(BaseCommand):
    help = "Scan the whole bank for suspected duplicate questions and record new pairs."

    def handle(self, *args, **options):
        found = duplicates_scan()
        self.stdout.write(f"{found} new suspected pair(s).")
        for suspect in DuplicateSuspect.objects.filter(status="open").select_related(
            "question", "other"
        ):
            self.stdout.write(
                f"  {suspect.question.ext_id} ~ {suspect.other.ext_id}  {suspect.similarity:.2f}"
            )
