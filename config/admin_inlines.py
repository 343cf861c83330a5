"""Admin inlines shared by the apps."""

from django.contrib import admin
from django.utils.text import capfirst


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs have accessible names. Django labels a tabular row's
    fields only by the column headings, which assistive technology does not tie to the
    inputs (axe: "Form elements must have labels"): each input gets an aria-label with its
    field and row ("Text (row 2)")."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                row = "new row" if index is None else f"row {index + 1}"
                for name, field in form.fields.items():
                    label = capfirst(str(field.label or name.replace("_", " ")))
                    field.widget.attrs.setdefault("aria-label", f"{label} ({row})")

        Labelled.__name__ = formset.__name__
        return Labelled
