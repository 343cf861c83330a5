from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.interchange.formats import EXTENSIONS, FORMATS, parse_bytes
from content.interchange.plan import SKIP, import_apply, import_plan
from study.models import Topic


class Command(BaseCommand):
    help = (
        "Import questions from a GIFT, Moodle XML or CSV file into a topic: all of them or, "
        "when anything is wrong, none (every problem is listed with its line)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="File format (default: from the extension: .gift/.txt, .xml, .csv).",
        )
        parser.add_argument("--topic", required=True, help="Slug of the topic to import into.")
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Skip question kinds we don't support (short answer, essay...) instead of "
            "refusing the file.",
        )
        parser.add_argument(
            "--skip-duplicates",
            action="store_true",
            help="Skip new questions that look like one already in the bank.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; write nothing."
        )

    def handle(self, *args, file, topic, **options):
        path = Path(file)
        file_format = options["format"] or EXTENSIONS.get(path.suffix.lower())
        if not file_format:
            raise CommandError(f"cannot tell the format of {path.name}: pass --format")
        try:
            target = Topic.objects.get(slug=topic)
        except Topic.DoesNotExist:
            raise CommandError(f"no topic with slug {topic!r}") from None
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        plan = import_plan(
            parse_bytes(data, file_format),
            topic=target,
            skip_unsupported=options["skip_unsupported"],
            skip_duplicates=options["skip_duplicates"],
            preview=options["dry_run"],  # otherwise applied below, which writes once
        )
        for line, message in plan.errors:
            self.stderr.write(f"{path}:{line}: {message}")
        if plan.unlisted:
            self.stderr.write(f"{path}: … and {plan.unlisted} more problem(s), not listed")
        if not plan.ok:
            raise CommandError(f"{plan.error_count} problem(s) in {path}; nothing was imported.")
        for item in plan.items:
            if item.action == SKIP or item.note:
                self.stdout.write(f"{path}:{item.line}: {item.action}: {item.note}")
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing written: {plan.summary}")
            return
        import_apply(plan)
        self.stdout.write(f"Imported into {target.title}: {plan.summary}")
