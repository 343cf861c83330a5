import pytest
from django.urls import reverse

from study.models import Note
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


def test_admin_note_edit_rerenders_html_and_whats_new(admin_client):
    note = NoteFactory(body="old")
    url = reverse("admin:study_note_change", args=[note.pk])
    response = admin_client.post(
        url,
        {
            "topic": note.topic.pk,
            "heading": "Keys (Mar 2026)",
            "position": 0,
            "body": "- **bold** (added Apr 2026)\n<img src=x onerror=alert(1)>",
            "whats_new-TOTAL_FORMS": "0",
            "whats_new-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    note = Note.objects.get(pk=note.pk)
    assert "<strong>bold</strong>" in note.body_html and "onerror" not in note.body_html
    assert note.anchor == "keys"
    assert note.whats_new.count() == 2


def test_admin_note_move_is_saved(admin_client):
    note = NoteFactory(body="same", position=0)
    other = NoteFactory(position=9)
    url = reverse("admin:study_note_change", args=[note.pk])
    data = {
        "topic": other.topic.pk,
        "heading": note.heading,
        "position": 3,
        "body": "same",
        "whats_new-TOTAL_FORMS": "0",
        "whats_new-INITIAL_FORMS": "0",
    }
    assert admin_client.post(url, data).status_code == 302
    note.refresh_from_db()
    assert (note.topic, note.position) == (other.topic, 3)


def test_admin_note_add_renders_html(admin_client):
    topic = NoteFactory().topic
    data = {
        "topic": topic.pk,
        "heading": "New section",
        "position": 5,
        "body": "*hi*",
        "whats_new-TOTAL_FORMS": "0",
        "whats_new-INITIAL_FORMS": "0",
    }
    assert admin_client.post(reverse("admin:study_note_add"), data).status_code == 302
    assert Note.objects.get(anchor="new-section").body_html == "<p><em>hi</em></p>"


def test_admin_pages_render(admin_client, library):
    for name in [
        "study_note_changelist",
        "study_topic_changelist",
        "study_certification_changelist",
    ]:
        assert admin_client.get(reverse(f"admin:{name}")).status_code == 200


def test_admin_rejects_a_heading_that_clashes_with_another_section(admin_client):
    existing = NoteFactory(heading="Key Pairs", anchor="key-pairs")
    data = {
        "topic": existing.topic.pk,
        "heading": "Key Pairs (Jan 2026)",
        "position": 1,
        "body": "x",
        "whats_new-TOTAL_FORMS": "0",
        "whats_new-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:study_note_add"), data)
    assert response.status_code == 200
    assert "already has the anchor" in response.content.decode()
    assert Note.objects.count() == 1
