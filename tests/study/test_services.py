from datetime import date

import pytest

from study.models import Note
from study.sections import NoteSection
from study.services import note_write, topic_notes_sync
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_note_write_renders_sanitized_html_and_whats_new():
    topic = TopicFactory()
    note = Note(topic=topic)
    note_write(
        note=note, heading="Fresh (Jan 2026)", body="- safe (added Feb 2026)\n<script>x</script>"
    )
    note.refresh_from_db()
    assert "<script" not in note.body_html and "<li>safe" in note.body_html
    assert note.anchor == "fresh" and note.dated == date(2026, 1, 1)
    assert [(i.date, i.is_heading) for i in note.whats_new.order_by("position")] == [
        (date(2026, 1, 1), True),
        (date(2026, 2, 1), False),
    ]


def test_note_write_rerenders_when_body_changes():
    topic = TopicFactory()
    note = Note(topic=topic)
    note_write(note=note, heading="Keys", body="old")
    note_write(note=note, heading="Keys", body="**new**")
    note.refresh_from_db()
    assert note.body_html == "<p><strong>new</strong></p>"


def test_topic_notes_sync_removes_vanished_sections():
    topic = TopicFactory()
    topic_notes_sync(topic=topic, sections=[NoteSection("A", "a"), NoteSection("B", "b")])
    outcome = topic_notes_sync(topic=topic, sections=[NoteSection("B", "b2")])
    assert list(topic.notes.values_list("heading", "position")) == [("B", 0)]
    assert outcome["deleted"] == 1 and outcome["updated"] == 1
