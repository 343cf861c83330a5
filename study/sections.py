"""A topic's notes as sections: what the content files and the admin give the services.

Pure (no database), so the file readers in content.reading use it without reaching into
study's services."""

from dataclasses import dataclass

from django.utils.text import slugify

from study.markdown import strip_heading_date


@dataclass(frozen=True)
class NoteSection:
    heading: str
    body: str


def note_anchor(heading: str) -> str:
    """The section's anchor in the topic page: its heading without a trailing date."""
    return slugify(strip_heading_date(heading)) or "section"
