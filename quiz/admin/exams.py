from django.contrib import admin

from quiz.models import Attempt, Blueprint, BlueprintTopic


class BlueprintTopicInline(admin.TabularInline):
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
    ]
    list_filter = ["certification", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BlueprintTopicInline]


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
