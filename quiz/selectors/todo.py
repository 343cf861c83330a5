"""The editors' to-do: what in the bank needs an editor, counted in a few queries (the
admin's first page for them)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Q

from quiz.models import Blueprint, DuplicateSuspect, Question, Report
from quiz.selectors.exams import BlueprintFill, blueprint_fills


@dataclass(frozen=True)
class EditorTodo:
    open_reports: int
    suspected_duplicates: int
    drafts: int
    never_verified: int
    stale_verified: int  # last verified before `stale_before`
    stale_before: date
    needs_checking: int
    statistics_at: datetime | None
    blueprints: list[BlueprintFill]

    @property
    def nothing(self) -> bool:
        return not (
            self.open_reports
            or self.suspected_duplicates
            or self.drafts
            or self.never_verified
            or self.stale_verified
            or self.needs_checking
        )


def editor_todo(*, stale_before: date) -> EditorTodo:
    """Counts of what needs an editor (live questions for verification and statistics), and
    each offered mock exam's fill status: four queries, plus three for the blueprints."""
    bank = Question.objects.aggregate(
        drafts=Count("pk", filter=Q(status=Question.Status.DRAFT)),
        statistics_at=Max("statistics_at"),
    )
    live = Question.objects.live().aggregate(
        never=Count("pk", filter=Q(last_verified__isnull=True)),
        stale=Count("pk", filter=Q(last_verified__lt=stale_before)),
        checking=Count("pk", filter=Q(needs_checking=True)),
    )
    blueprints = list(Blueprint.objects.offered().select_related("certification").order_by("name"))
    fills = blueprint_fills(blueprints)
    return EditorTodo(
        open_reports=Report.objects.open().count(),
        suspected_duplicates=DuplicateSuspect.objects.filter(
            status=DuplicateSuspect.Status.OPEN
        ).count(),
        drafts=bank["drafts"],
        never_verified=live["never"],
        stale_verified=live["stale"],
        stale_before=stale_before,
        needs_checking=live["checking"],
        statistics_at=bank["statistics_at"],
        blueprints=[fills[blueprint.pk] for blueprint in blueprints],
    )
