import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from study.models import Certification, ExamDomain, Note, Topic
from tests.factories import CertificationFactory, ExamDomainFactory, NoteFactory, TopicFactory

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


def test_admin_pages_render(admin_client, bank):
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


def certification_form(certification, **changes):
    return {
        "slug": certification.slug,
        "name": certification.name,
        "code": certification.code,
        "description": certification.description,
        "position": certification.position,
        "is_active": "on" if certification.is_active else "",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
        **changes,
    }


def domain_rows(*rows) -> dict:
    """The exam-domain inline's fields for these (slug, name, weight) rows, all new."""
    data = {"domains-TOTAL_FORMS": str(len(rows)), "domains-INITIAL_FORMS": "0"}
    for index, (slug, name, weight) in enumerate(rows):
        data |= {
            f"domains-{index}-slug": slug,
            f"domains-{index}-name": name,
            f"domains-{index}-weight": str(weight),
            f"domains-{index}-position": str(index),
        }
    return data


def test_editors_set_a_certifications_exam_domains_through_the_importers_service(
    editor_client,
):
    certification = CertificationFactory()
    url = reverse("admin:study_certification_change", args=[certification.pk])
    rows = [("secure", "Design Secure Architectures", 30), ("other", "Everything else", 60)]
    refused = editor_client.post(url, certification_form(certification) | domain_rows(*rows))
    assertContains(refused, "add up to 90, not 100")
    assert not ExamDomain.objects.exists()
    rows[1] = ("other", "Everything else", 70)
    saved = editor_client.post(url, certification_form(certification) | domain_rows(*rows))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert [(d.slug, d.weight) for d in certification.domains.all()] == [
        ("secure", 30),
        ("other", 70),
    ]


def test_a_topic_cannot_take_another_certifications_domain(editor_client):
    topic = TopicFactory()
    elsewhere = ExamDomainFactory()
    data = {
        "certification": topic.certification.pk,
        "slug": topic.slug,
        "title": topic.title,
        "summary": topic.summary,
        "domain": elsewhere.pk,
        "position": 0,
        "is_active": "on",
    }
    response = editor_client.post(reverse("admin:study_topic_change", args=[topic.pk]), data)
    assertContains(response, "Choose a domain of this topic")
    assert Topic.objects.get(pk=topic.pk).domain is None


def test_editing_a_certification_description_changes_the_home_page_sanitized(editor_client):
    certification = TopicFactory(certification__description="The old description.").certification
    assertContains(editor_client.get(reverse("study:home")), "The old description.")

    description = "Now **130 minutes**.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
    response = editor_client.post(
        reverse("admin:study_certification_change", args=[certification.pk]),
        certification_form(certification, description=description),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    home = editor_client.get(reverse("study:home"))
    assertContains(home, "Now <strong>130 minutes</strong>.")
    assertNotContains(home, "The old description.")
    assertNotContains(home, "alert(1)</script>")
    assertNotContains(home, "onerror")
    stored = Certification.objects.get(pk=certification.pk).description_html
    assert "<script" not in stored and "onerror" not in stored


def test_a_certification_added_in_the_admin_has_its_description_rendered(editor_client):
    data = certification_form(
        Certification(slug="aws-dva", name="AWS Developer", code="DVA-C02", position=2),
        description="*Code* on AWS.",
    )
    assert editor_client.post(reverse("admin:study_certification_add"), data).status_code == 302
    assert Certification.objects.get(slug="aws-dva").description_html == (
        "<p><em>Code</em> on AWS.</p>"
    )


def test_a_certification_saved_from_the_list_goes_through_the_same_service(editor_client):
    # A row whose HTML is out of date with its text (as edits before this fix left them): the
    # list's editable column saves through save_model too, so the HTML is rendered again.
    certification = CertificationFactory(description="*Current*", description_html="<p>stale</p>")
    response = editor_client.post(
        reverse("admin:study_certification_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": certification.pk,
            "form-0-position": "7",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certification.refresh_from_db()
    assert certification.position == 7
    assert certification.description_html == "<p><em>Current</em></p>"
