"""The topic page caches its rendered notes, and every way of changing notes shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from study.models import Note, Topic
from study.sections import NoteSection
from study.services import note_write, topic_notes_sync
from tests.factories import NoteFactory, TopicFactory

pytestmark = pytest.mark.django_db


def page(client, topic):
    return client.get(reverse("study:topic_detail", kwargs={"slug": topic.slug}))


def queries_for(client, topic) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        html = page(client, topic).content.decode()
    return html, [query["sql"] for query in captured.captured_queries]


def test_a_second_view_reads_neither_notes_nor_whats_new_and_shows_the_same_notes(client):
    topic = TopicFactory()
    note_write(note=Note(topic=topic), heading="Key pairs (Sep 2024)", body="- RSA keys")

    first, first_sql = queries_for(client, topic)
    second, second_sql = queries_for(client, topic)

    assert len(second_sql) == len(first_sql) - 2
    assert not any("study_note" in sql or "study_whatsnewitem" in sql for sql in second_sql)
    assert "RSA keys" in second and 'href="#key-pairs"' in second
    assert second.count("Key pairs") == first.count("Key pairs")


def test_an_edited_section_shows_on_the_next_view(client):
    topic = TopicFactory()
    note = Note(topic=topic)
    note_write(note=note, heading="Key pairs", body="Old text.")
    assertContains(page(client, topic), "Old text.")

    note_write(note=note, heading="Key pairs", body="New text (added Oct 2025).")

    response = page(client, topic)
    assertContains(response, "New text")
    assertNotContains(response, "Old text.")
    assertContains(response, "Oct 2025")  # the what's new panel was rebuilt too


def test_an_unchanged_write_keeps_the_cached_rendering(client):
    topic = TopicFactory()
    note = Note(topic=topic)
    note_write(note=note, heading="Key pairs", body="Text.")
    token = Topic.objects.get(pk=topic.pk).notes_token

    note_write(note=note, heading="Key pairs", body="Text.")
    topic_notes_sync(topic=topic, sections=[NoteSection("Key pairs", "Text.")])

    assert Topic.objects.get(pk=topic.pk).notes_token == token


def test_a_reimport_that_removes_a_section_shows_without_it(client):
    topic = TopicFactory()
    topic_notes_sync(
        topic=topic, sections=[NoteSection("Kept", "Stays."), NoteSection("Gone", "Goes.")]
    )
    assertContains(page(client, topic), "Goes.")

    topic_notes_sync(topic=topic, sections=[NoteSection("Kept", "Stays.")])

    response = page(client, topic)
    assertContains(response, "Stays.")
    assertNotContains(response, "Goes.")


def test_admin_edit_move_and_delete_show_on_both_topics_pages(client, editor_client):
    first = TopicFactory()
    second = TopicFactory(certification=first.certification)
    note = NoteFactory(topic=first, heading="Moving section", body="Moves between topics.")
    assertContains(page(client, first), "Moves between topics.")
    assertNotContains(page(client, second), "Moves between topics.")
    change_url = reverse("admin:study_note_change", args=[note.pk])

    form = {
        "topic": second.pk,
        "heading": "Moving section",
        "position": note.position,  # only the topic changes
        "whats_new-TOTAL_FORMS": "0",
        "whats_new-INITIAL_FORMS": "0",
    }
    response = editor_client.post(change_url, {**form, "body": "Moves between topics."})

    assert response.status_code == 302
    assertNotContains(page(client, first), "Moves between topics.")
    assertContains(page(client, second), "Moves between topics.")

    editor_client.post(change_url, {**form, "body": "Edited by an editor."})
    assertContains(page(client, second), "Edited by an editor.")

    editor_client.post(reverse("admin:study_note_delete", args=[note.pk]), {"post": "yes"})
    assertNotContains(page(client, second), "Edited by an editor.")
    assert not Note.objects.exists()


def test_admin_bulk_delete_shows_at_once(client, editor_client):
    topic = TopicFactory()
    notes = [NoteFactory(topic=topic, body=f"Section body {i}.") for i in range(2)]
    assertContains(page(client, topic), "Section body 1.")

    editor_client.post(
        reverse("admin:study_note_changelist"),
        {"action": "delete_selected", "_selected_action": [n.pk for n in notes], "post": "yes"},
    )

    assertNotContains(page(client, topic), "Section body")
    assertContains(page(client, topic), "This topic has no notes yet.")
