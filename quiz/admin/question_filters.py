"""The question list's filters: certification and topic, answer type, outdated, disputed,
suspected duplicate, last verified."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from quiz import selectors
from quiz.models import (
    AnswerKeyRevision,
    DuplicateSuspect,
)
from study.models import Topic


class AnswerTypeFilter(admin.SimpleListFilter):
    title = "answer type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("single", "Single answer"), ("multi", "Multiple answers")]

    def queryset(self, request, queryset):
        if self.value() == "single":
            return queryset.filter(choose=1)
        if self.value() == "multi":
            return queryset.filter(choose__gt=1)
        return queryset


class OutdatedFilter(admin.SimpleListFilter):
    title = "answer key changed"
    parameter_name = "outdated"

    def lookups(self, request, model_admin):
        return [("yes", "Has an outdated key"), ("no", "Never changed")]

    def queryset(self, request, queryset):
        revisions = Exists(AnswerKeyRevision.objects.filter(question=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(revisions)
        if self.value() == "no":
            return queryset.exclude(revisions)
        return queryset


class DisputedFilter(admin.SimpleListFilter):
    title = "disputed"
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", "Disputed (readers, votes or open reports)"), ("no", "Not disputed")]

    def queryset(self, request, queryset):
        disputed = selectors.disputed_questions().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=disputed)
        if self.value() == "no":
            return queryset.exclude(pk__in=disputed)
        return queryset


class SuspectedDuplicateFilter(admin.SimpleListFilter):
    title = "suspected duplicate"
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", "Suspected duplicate"), ("linked", "Recorded duplicate")]

    def queryset(self, request, queryset):
        suspects = DuplicateSuspect.objects.filter(status=DuplicateSuspect.Status.OPEN)
        if self.value() == "yes":
            return queryset.filter(
                Exists(suspects.filter(question=OuterRef("pk")))
                | Exists(suspects.filter(other=OuterRef("pk")))
            )
        if self.value() == "linked":
            return queryset.filter(duplicate_of__isnull=False)
        return queryset


def stale_verification_cutoff():
    """Verified before this day: more than six months ago (the editors' to-do)."""
    return timezone.localdate() - timedelta(days=6 * 365 // 12)


class LastVerifiedFilter(admin.SimpleListFilter):
    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("6", "More than 6 months ago or never"),
            ("12", "More than 12 months ago or never"),
            ("24", "More than 24 months ago or never"),
            ("stale", "More than 6 months ago"),
            ("never", "Never"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "never":
            return queryset.filter(last_verified__isnull=True)
        if value == "stale":
            return queryset.filter(last_verified__lt=stale_verification_cutoff())
        if value in {"6", "12", "24"}:
            cutoff = timezone.localdate() - timedelta(days=int(value) * 365 // 12)
            return queryset.filter(Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True))
        return queryset


# Up to this many topics the topic filter lists them all; above, those of the chosen
# certification (or of the chosen topic's).
ALL_TOPICS_UP_TO = 40
CERTIFICATION_PARAMETER = "topic__certification__id__exact"


class TopicListFilter(admin.RelatedFieldListFilter):
    """Topics by their certification. A bank of 1,000 topics made a sidebar of 1,000 links
    on every list page, which cost more than the 50 rows (and no editor scrolls it): once a
    bank has more than ALL_TOPICS_UP_TO topics, the list shows those of the certification
    chosen in the filter above it. The parameter stays Django's (?topic__id__exact=)."""

    def field_choices(self, field, request, model_admin):
        topics = Topic.objects.select_related("certification").order_by(
            "certification__position", "position", "title"
        )
        certification = request.GET.get(CERTIFICATION_PARAMETER, "")
        chosen = self.lookup_val[0] if self.lookup_val else ""
        if certification.isdigit():
            topics = topics.filter(certification_id=certification)
        elif chosen.isdigit():
            topics = topics.filter(certification__topics=chosen)
        elif Topic.objects.count() > ALL_TOPICS_UP_TO:
            return []
        return [(topic.pk, str(topic)) for topic in topics]
