"""Writes to the study notes. The content importer and the admin both come through here."""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction

from study.markdown import dated_list_items, find_month_date, render_markdown, strip_heading_date
from study.models import Certification, ExamDomain, Note, Topic, WhatsNewItem
from study.sections import NoteSection, note_anchor

CREATED, UPDATED, UNCHANGED, RETIRED = "created", "updated", "unchanged", "retired"


def assign_changed(obj: models.Model, values: dict[str, Any]) -> bool:
    """Set the fields whose value differs; True when any did (so callers save only then)."""
    changed = False
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


def save_if_changed(obj: models.Model, values: dict[str, Any]) -> str:
    created = obj.pk is None
    if not assign_changed(obj, values) and not created:
        return UNCHANGED
    obj.full_clean()
    obj.save()
    return CREATED if created else UPDATED


def _certification_rendered(description: str) -> dict[str, Any]:
    """What is rendered from a certification's description: the sanitized HTML the home page
    shows. Every write of a description (the content import, the admin) renders it here."""
    return {"description_html": render_markdown(description)}


@transaction.atomic
def certification_sync(
    *, slug: str, name: str, code: str = "", position: int = 0, description: str = ""
) -> tuple[Certification, str]:
    certification = Certification.objects.filter(slug=slug).first() or Certification(slug=slug)
    outcome = save_if_changed(
        certification,
        {
            "name": name,
            "code": code,
            "position": position,
            "description": description,
            **_certification_rendered(description),
            "is_active": True,
        },
    )
    return certification, outcome


@transaction.atomic
def certification_save(*, certification: Certification) -> Certification:
    """Save a certification as edited (the admin's form has put the new values on it), with
    its description rendered again: rendering always happens, as the edited text is already
    on the instance and comparing texts would miss the edit."""
    assign_changed(certification, _certification_rendered(certification.description))
    certification.full_clean()
    certification.save()
    return certification


@transaction.atomic
def domains_sync(
    *, certification: Certification, domains: Sequence[tuple[str, str, int]]
) -> dict[str, ExamDomain]:
    """Make the certification's exam domains exactly these (slug, name, weight), in this
    order; a domain no longer listed is deleted (its topics keep no domain). By slug."""
    existing = {d.slug: d for d in certification.domains.all()}
    kept = {}
    for position, (slug, name, weight) in enumerate(domains):
        domain = existing.get(slug) or ExamDomain(certification=certification, slug=slug)
        save_if_changed(domain, {"name": name, "weight": weight, "position": position})
        kept[slug] = domain
    certification.domains.exclude(slug__in=kept).delete()
    return kept


@transaction.atomic
def topic_sync(
    *,
    certification: Certification,
    slug: str,
    title: str,
    summary: str = "",
    position: int = 0,
    domain: ExamDomain | None = None,
) -> tuple[Topic, str]:
    topic = Topic.objects.filter(slug=slug).first() or Topic(slug=slug)
    outcome = save_if_changed(
        topic,
        {
            "certification_id": certification.pk,
            "title": title,
            "summary": summary,
            "position": position,
            "domain_id": domain.pk if domain else None,
            "is_active": True,
        },
    )
    return topic, outcome


def topic_retire(*, topic: Topic) -> bool:
    if not topic.is_active:
        return False
    topic.is_active = False
    topic.save(update_fields=["is_active"])
    return True


def topic_notes_touch(*, topic_ids: Iterable[int]) -> None:
    """Mark these topics' notes as changed, so their cached rendering is not used again."""
    Topic.objects.filter(pk__in=set(topic_ids)).update(notes_token=uuid.uuid4())


@transaction.atomic
def note_write(
    *,
    note: Note,
    heading: str,
    body: str,
    position: int | None = None,
    topic: Topic | None = None,
    touch: bool = True,
) -> str:
    """Create or change one notes section; renders its HTML and its "what's new" items.

    The one place notes are written, so every path (import, admin) stores sanitized HTML
    that matches the source. Rendering always happens: the caller may already have put
    the new text on the instance (a ModelForm does), so comparing texts would miss edits.
    A change marks the topic's notes as changed (touch=False: the caller does it once);
    moving the section to another topic (topic) marks both.
    """
    topics_before = {note.topic_id} if note.pk else set()
    values: dict[str, Any] = {
        "heading": heading,
        "body": body,
        "anchor": note_anchor(heading),
        "body_html": render_markdown(body),
        "dated": find_month_date(heading),
    }
    if position is not None:
        values["position"] = position
    if topic is not None:
        values["topic_id"] = topic.pk
    outcome = save_if_changed(note, values)

    wanted = [(when, text, False) for when, text in dated_list_items(body)]
    if note.dated:
        wanted.insert(0, (note.dated, strip_heading_date(heading), True))
    current = [
        (item.date, item.text, item.is_heading) for item in note.whats_new.order_by("position")
    ]
    if current != wanted:
        note.whats_new.all().delete()
        WhatsNewItem.objects.bulk_create(
            WhatsNewItem(note=note, date=when, text=text, is_heading=is_heading, position=index)
            for index, (when, text, is_heading) in enumerate(wanted)
        )
        if outcome == UNCHANGED:
            outcome = UPDATED
    if touch and outcome != UNCHANGED:
        topic_notes_touch(topic_ids=topics_before | {note.topic_id})
    return outcome


@transaction.atomic
def notes_delete(*, notes: Iterable[Note]) -> int:
    """Delete notes sections (their "what's new" items go with them)."""
    notes = list(notes)
    Note.objects.filter(pk__in=[note.pk for note in notes]).delete()
    topic_notes_touch(topic_ids=[note.topic_id for note in notes])
    return len(notes)


@transaction.atomic
def topic_notes_sync(*, topic: Topic, sections: Sequence[NoteSection]) -> Counter:
    """Make the topic's notes exactly these sections, matched by anchor."""
    outcomes: Counter = Counter()
    existing = {note.anchor: note for note in topic.notes.all()}
    wanted = set()
    for position, section in enumerate(sections):
        anchor = note_anchor(section.heading)
        wanted.add(anchor)
        note = existing.get(anchor) or Note(topic=topic)
        outcomes[
            note_write(
                note=note,
                heading=section.heading,
                body=section.body,
                position=position,
                touch=False,
            )
        ] += 1
    # Sections carry no learner history: a section removed from the files goes away.
    stale = [note for anchor, note in existing.items() if anchor not in wanted]
    if stale:
        outcomes["deleted"] += notes_delete(notes=stale)
    elif set(outcomes) - {UNCHANGED}:
        topic_notes_touch(topic_ids=[topic.pk])
    return outcomes


def certification_retire(*, certification: Certification) -> bool:
    if not certification.is_active:
        return False
    certification.is_active = False
    certification.save(update_fields=["is_active"])
    return True
