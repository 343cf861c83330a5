from django.contrib import admin

from config.admin_inlines import LabelledTabularInline
from config.ids import parse_id
from quiz.admin.limits import BoundedInline
from quiz.models import Attempt, Blueprint, BlueprintDomain, BlueprintTopic
from quiz.selectors.exams import blueprint_fills
from study.models import ExamDomain


class BlueprintTopicInline(BoundedInline, LabelledTabularInline):
    model = BlueprintTopic
    extra = 1
    verbose_name_plural = "Topic weights (none: every topic of the exam weighs the same)"


class BlueprintDomainInline(BoundedInline, LabelledTabularInline):
    model = BlueprintDomain
    extra = 0
    verbose_name_plural = (
        "Exam domain weights (used when no topic weights are set: each domain's share is split "
        "evenly among its topics)"
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The domains of the blueprint's certification (all of them on the add page).
        blueprint_id = parse_id(request.resolver_match.kwargs.get("object_id") or "")
        if db_field.name == "domain" and blueprint_id:
            kwargs["queryset"] = ExamDomain.objects.filter(
                certification__blueprints__pk=blueprint_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Blueprint)
class BlueprintAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "certification",
        "question_count",
        "time_limit_minutes",
        "passing_score",
        "scale",
        "is_active",
        "can_start",
    ]
    list_filter = ["certification", "is_active"]
    list_select_related = ["certification"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BlueprintTopicInline, BlueprintDomainInline]

    def get_changelist_instance(self, request):
        """The page's blueprints with their fill status, read for all of them at once."""
        changelist = super().get_changelist_instance(request)
        shown = list(changelist.result_list)  # evaluated here, and kept for the table
        fills = blueprint_fills(shown)
        for blueprint in shown:
            blueprint.fill = fills[blueprint.pk]
        return changelist

    @admin.display(description="Can start")
    def can_start(self, blueprint):
        """Whether the bank can fill it now, by the rule an attempt's start applies."""
        fill = getattr(blueprint, "fill", None) or blueprint_fills([blueprint])[blueprint.pk]
        if fill.can_start:
            return "yes"
        return f"no — needs {fill.needed}, bank has {fill.in_bank}"


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "blueprint",
        "started_at",
        "finished_at",
        "finish_reason",
        "score",
        "passed",
    ]
    list_filter = ["blueprint", "finish_reason", "passed"]
    list_select_related = ["user", "blueprint"]
    readonly_fields = [f.name for f in Attempt._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
