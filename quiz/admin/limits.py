"""Bounds on what one admin request can make the server do, whatever it posts.

- Inline formsets: Django builds as many forms as the posted TOTAL_FORMS says, up to its
  default bound of 2,000 per inline; the question page's three inlines then took 11 s to
  refuse a TOTAL_FORMS of 2**63. A question has a handful of choices, references and key
  revisions, so an inline takes at most INLINE_MAX_FORMS.
- Autocomplete fields: re-showing a refused form looks the posted value up with
  ``pk__in``; a value past the database's integer range raised OverflowError (a 500).
  Values that are no id (config.ids) are not looked up.
"""

from django.contrib.admin.widgets import AutocompleteSelect

from config.ids import parse_id

INLINE_MAX_FORMS = 30


class BoundedInline:
    """An inline whose formset refuses (a normal form error) more than INLINE_MAX_FORMS."""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", INLINE_MAX_FORMS)
        kwargs.setdefault("max_num", INLINE_MAX_FORMS)
        return super().get_formset(request, obj, **kwargs)


class IdAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if parse_id(str(v)) is not None], attr)


class IdAutocomplete:
    """A ModelAdmin or inline whose autocomplete_fields look up only ids."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
