from pathlib import Path

from django.core.management.base import BaseCommand

from content.exporter import content_export


class Command(BaseCommand):
    help = "Write the study library from the database as content files under OUTDIR."

    def add_arguments(self, parser):
        parser.add_argument("outdir", help="Folder to write (created if missing).")

    def handle(self, *args, outdir, **options):
        written = content_export(outdir=Path(outdir))
        self.stdout.write(f"{len(written)} file(s) written to {outdir}")
