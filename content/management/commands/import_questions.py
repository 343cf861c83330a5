from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from content.interchange.formats import EXTENSIONS, FORMATS
from content.interchange.plan import CREATE, SKIP, ImportPlan
from content.services import upload_apply, upload_check, upload_create, upload_plan
from quiz.models import Question
from quiz.services import questions_set_status
from study.models import Topic


class Command(BaseCommand):
    help = (
        "Import questions from a GIFT, Moodle XML or CSV file into a topic: all of them or, "
        "when anything is wrong, none (every problem is listed with its line). The import is "
        "recorded as an upload, listed with the admin's (Question uploads)."
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
            "--publish",
            action="store_true",
            help="Publish the new questions at once (otherwise they come in as drafts).",
        )
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
        file_options = {
            "file_format": file_format,
            "data": data,
            "topic": target,
            "skip_unsupported": options["skip_unsupported"],
            "skip_duplicates": options["skip_duplicates"],
            "file_name": path.name,
        }
        if options["dry_run"]:
            plan = upload_check(**file_options)  # writes nothing, not even the upload
            self._report(path, plan)
            self.stdout.write(f"Dry run, nothing written: {plan.summary}")
            return
        try:
            # One transaction: a file with errors leaves no upload behind either.
            with transaction.atomic():
                upload = upload_create(
                    **file_options,
                    user=None,
                    preview=False,  # applied at once, which finds what each question does
                )
                self._report(path, upload_plan(upload=upload))
                plan = upload_apply(upload=upload)
                created = [item.ext_id for item in plan.items if item.action == CREATE]
                if options["publish"]:
                    questions_set_status(
                        question_ids=list(
                            Question.objects.filter(ext_id__in=created).values_list("pk", flat=True)
                        ),
                        status=Question.Status.PUBLISHED,
                    )
        except ValueError as error:  # an id went to another topic while this one ran
            raise CommandError(f"{error}; nothing was imported.") from None
        self.stdout.write(f"Imported into {target.title}: {plan.summary}")
        if created and not options["publish"]:
            self.stdout.write(
                f"{len(created)} new question(s) are drafts: publish them in the admin, or "
                "import with --publish."
            )

    def _report(self, path: Path, plan: ImportPlan) -> None:
        """Every error with its line on stderr (then CommandError), skips and notes on stdout."""
        for error in plan.errors:
            self.stderr.write(f"{path}:{error.line}: {error.message}")
        if plan.unlisted:
            self.stderr.write(f"{path}: … and {plan.unlisted} more problem(s), not listed")
        if not plan.ok:
            raise CommandError(f"{plan.error_count} problem(s) in {path}; nothing was imported.")
        for warning in plan.warnings:
            self.stdout.write(f"{path}:{warning.line}: warning: {warning.message}")
        for item in plan.items:
            if item.action == SKIP or item.note:
                self.stdout.write(f"{path}:{item.line}: {item.action}: {item.note}")
