from django.contrib import admin

from config.admin_inlines import LabelledTabularInline
from quiz.admin.limits import BoundedInline
from quiz.models import Attempt, Blueprint, BlueprintTopic
from quiz.selectors.exams import blueprint_fills


class BlueprintTopicInline(BoundedInline, LabelledTabularInline):
    model = BlueprintTopic
    extra = 1
    verbose_name_plural = "Topic weights (none: every topic of the exam weighs the same)"


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
    inlines = [BlueprintTopicInline]

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
