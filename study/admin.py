from django import forms
from django.contrib import admin

from config.admin_inlines import LabelledTabularInline
from config.ids import parse_ids
from study.domains import weights_problem
from study.models import Certification, ExamDomain, Note, WhatsNewItem
from study.services import (
    certification_save,
    domains_sync,
    note_anchor,
    note_write,
    notes_delete,
)


class DomainFormSet(forms.BaseInlineFormSet):
    """The exam guide's domains: slugs once each, weights adding up to 100."""

    def clean(self):
        super().clean()
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        slugs = [row["slug"] for row in rows if row.get("slug")]
        if len(slugs) != len(set(slugs)):
            raise forms.ValidationError("Each domain needs its own slug.")
        problem = weights_problem([row.get("weight") or 0 for row in rows])
        if problem:
            raise forms.ValidationError(f"{problem[0].upper()}{problem[1:]}.")


class ExamDomainInline(LabelledTabularInline):
    model = ExamDomain
    formset = DomainFormSet
    extra = 0
    fields = ["slug", "name", "weight", "position"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    inlines = [ExamDomainInline]
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "code"]

    def _get_list_editable_queryset(self, request, prefix):
        # Django looks the posted row ids up with pk__in once each passes the field's
        # to_python: one past the database's range raised OverflowError. Like Django with
        # an id it cannot read, fall back to every row; the formset then refuses the id.
        if parse_ids(self._get_edited_object_pks(request, prefix)) is None:
            return self.get_queryset(request)
        return super()._get_list_editable_queryset(request, prefix)

    def save_model(self, request, obj, form, change):
        # The change form and the list's editable column both save here: through the service,
        # which renders the description's HTML (the home page's) with every save.
        certification_save(certification=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ExamDomain:
            return super().save_formset(request, form, formset, change)
        # Through the importer's service: the domains exactly as listed, in position order.
        formset.save(commit=False)  # only what changed, for the admin's history message
        rows = sorted(
            (
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ),
            key=lambda row: (row.get("position") or 0, row["slug"]),
        )
        domains_sync(
            certification=form.instance,
            domains=[(row["slug"], row["name"], row["weight"]) for row in rows],
        )


class TopicAdmin(admin.ModelAdmin):
    """Registered by content.admin, which adds the topic's question exports."""

    list_display = ["title", "certification", "position", "is_active"]
    list_filter = ["certification", "is_active"]
    list_select_related = ["certification"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "summary"]


class WhatsNewInline(LabelledTabularInline):
    model = WhatsNewItem
    extra = 0
    can_delete = False
    fields = ["date", "text", "is_heading"]
    readonly_fields = fields
    verbose_name_plural = "What's new (derived from dates in the text)"

    def has_add_permission(self, request, obj=None):
        return False


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["topic", "heading", "position", "body"]

    def clean(self):
        cleaned = super().clean()
        topic, heading = cleaned.get("topic"), cleaned.get("heading")
        if topic and heading:
            anchor = note_anchor(heading)
            clash = Note.objects.filter(topic=topic, anchor=anchor).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "heading",
                    f"Another section of this topic already has the anchor '{anchor}' "
                    "(same heading without its date). Choose a different heading.",
                )
        return cleaned


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    form = NoteForm
    list_display = ["heading", "topic", "position", "dated"]
    list_filter = ["topic"]
    list_select_related = ["topic"]
    search_fields = ["heading", "body"]
    fields = ["topic", "heading", "position", "body", "anchor", "dated"]
    readonly_fields = ["anchor", "dated"]
    inlines = [WhatsNewInline]

    def save_model(self, request, obj, form, change):
        # The one writer of notes renders sanitized HTML and rebuilds "what's new". It gets the
        # stored row, so it can tell what the form changed.
        note = Note.objects.get(pk=obj.pk) if change else Note()
        note_write(
            note=note, heading=obj.heading, body=obj.body, position=obj.position, topic=obj.topic
        )
        obj.pk = note.pk

    def delete_model(self, request, obj):
        notes_delete(notes=[obj])

    def delete_queryset(self, request, queryset):
        notes_delete(notes=queryset)
