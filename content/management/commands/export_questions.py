import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.interchange.export import EXPORT_FORMATS, export_queryset, export_questions
from quiz.models import Question
from study.models import Certification, Topic


class Command(BaseCommand):
    help = "Export a topic's or a certification's questions as GIFT, Moodle XML, CSV or Anki."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--topic", help="Topic slug.")
        scope.add_argument("--certification", help="Certification slug.")
        parser.add_argument("--out", help="Output file (default: <slug>.<ext> here; - for stdout).")
        parser.add_argument(
            "--all", action="store_true", help="Include retired and merged-away questions."
        )

    def handle(self, *args, **options):
        questions = Question.objects.all() if options["all"] else Question.objects.live()
        try:
            if options["topic"]:
                scope = Topic.objects.select_related("certification").get(slug=options["topic"])
                questions = questions.filter(topic=scope)
                name = f"{scope.certification.name} - {scope.title}"
            else:
                scope = Certification.objects.get(slug=options["certification"])
                questions = questions.filter(topic__certification=scope)
                name = scope.name
        except (Topic.DoesNotExist, Certification.DoesNotExist):
            raise CommandError("no such topic or certification") from None
        rows = export_queryset(questions)
        if not rows:
            raise CommandError(f"{name} has no questions to export")
        try:
            exported = export_questions(rows, options["format"], name=name, key=scope.slug)
        except ValueError as error:
            raise CommandError(f"not exported: {error}") from None
        out = options["out"] or exported.filename
        if out == "-":
            if options["format"] == "anki":
                raise CommandError("an Anki deck is binary: give --out FILE")
            sys.stdout.buffer.write(exported.data)
            return
        Path(out).write_bytes(exported.data)
        self.stdout.write(f"Wrote {len(rows)} question(s) to {out}")
