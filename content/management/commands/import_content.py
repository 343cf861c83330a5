from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from content.importer import ContentInvalid, content_import


class Command(BaseCommand):
    help = "Validate the content library and load it into the database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=None,
            help="Library folder (default: the shipped content/library).",
        )
        parser.add_argument(
            "--require-explanations",
            action="store_true",
            help="Also list every question without an explanation of its key, or with a wrong "
            "choice that does not say why it is wrong, as a problem (nothing is imported then).",
        )

    def handle(self, *args, path=None, require_explanations=False, **options):
        root = Path(path) if path else Path(settings.CONTENT_LIBRARY_DIR)
        try:
            report = content_import(root=root, require_explanations=require_explanations)
        except ContentInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(invalid.errors)} problem(s) found in {root}; nothing was imported."
            ) from None
        self.stdout.write(report.summary())
