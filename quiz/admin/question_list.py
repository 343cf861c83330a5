"""The question list's page: its rows read and written for 50 questions at a time.

Django's ChangeList works out every cell of every row generically (`items_for_result`:
the column's field or method looked up, its display chosen, each cell through
format_html, each link's filters parsed and encoded again): about two fifths of the
list page's time at 50 rows. The rows here are written for the question list's own
columns, with exactly the HTML Django writes (tests/quiz/test_admin_list.py compares the
two); any other set of columns, a popup or an editable list is left to Django."""

from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from quiz.models import Question

# The list's columns (QuestionAdmin.list_display), which this writer knows, and the two
# that link to the question.
COLUMNS = (
    "ext_id",
    "stem_excerpt",
    "topic",
    "key",
    "facility_column",
    "discrimination_column",
    "open_reports",
    "status",
    "last_verified",
)
LINKS = ("ext_id", "stem_excerpt")
# What those columns read of a question (the rest, explanations and rendered texts, is
# most of a row's bytes).
FIELDS = (
    "ext_id",
    "stem",
    "topic__title",
    "key_labels",
    "facility",
    "first_attempts",
    "discrimination",
    "needs_checking",
    "status",
    "last_verified",
)
STATUS_LABELS = dict(Question.Status.choices)


class QuestionChangeList(ChangeList):
    """Each row's link from one URL built per page (Django resolves every row's URL again to
    add the list's filters to it), and the page's rows written by `rows_html`."""

    _PK = "0row0"  # where the row's id goes: unchanged by reverse(), before any query

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self._PK,),
            current_app=self.model_admin.admin_site.name,
        )
        context = {"preserved_filters": self.preserved_filters, "opts": self.opts}
        self._row_url = add_preserved_filters(context, change_url)
        # Already in each row's URL: the row template adds nothing more.
        self.preserved_filters = ""

    def get_results(self, request):
        """A page of the list: its ids first, sorted and cut on narrow rows, then those 50
        questions whole. Sorting whole rows (texts, and each row's open-report count worked
        out before the cut) cost PostgreSQL about 150 ms at 50,000 questions."""
        super().get_results(request)
        page = self.result_list
        if isinstance(page, QuerySet) and page.query.is_sliced:
            ids = list(page.values_list("pk", flat=True))
            rows = self.queryset.order_by()
            if tuple(self.list_display) == ("action_checkbox", *COLUMNS):
                rows = rows.only(*FIELDS)
            rows = rows.in_bulk(ids)
            self.result_list = [rows[pk] for pk in ids if pk in rows]

    def url_for_result(self, result):
        # A question's id is an integer: reverse() would leave admin's quote() of it as is.
        return self._row_url.replace(self._PK, str(quote(result.pk)), 1)

    def writes_rows(self) -> bool:
        """Whether `rows_html` knows this list: its columns, links and plain rows."""
        return (
            tuple(self.list_display) == ("action_checkbox", *COLUMNS)
            and tuple(self.list_display_links or ()) == LINKS
            and not self.formset
            and not self.is_popup
            and not self.to_field
        )

    @cached_property
    def results_context(self) -> dict | None:
        """What Django's `result_list` tag gives `change_list_results.html`, each row one
        written string; None where Django writes the rows (change_list.html)."""
        if not self.writes_rows():
            return None
        headers = list(result_headers(self))
        return {
            "result_headers": headers,
            "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
            "results": [[row] for row in self.rows_html()],
        }

    def rows_html(self) -> list[SafeString]:
        """Each row's cells, as Django's `items_for_result` writes them for these columns."""
        admin = self.model_admin
        empty = admin.get_empty_value_display()
        # add_preserved_filters() of a URL without preserved filters gives its query string
        # encoded again: done once here, as every row's URL differs only by its id.
        row_url = escape(add_preserved_filters({}, self._row_url))
        dates = {}
        rows = []
        for question in self.result_list:
            url = row_url.replace(self._PK, str(question.pk), 1)
            verified = question.last_verified
            if verified is None:
                verified_html = empty
            elif verified in dates:
                verified_html = dates[verified]
            else:
                verified_html = dates[verified] = escape(formats.localize(verified))
            topic = question.topic
            rows.append(
                mark_safe(
                    f'<td class="action-checkbox">{admin.action_checkbox(question)}</td>'
                    f'<th class="field-ext_id"><a href="{url}">'
                    f"{_text(question.ext_id, empty)}</a></th>"
                    f'<td class="field-stem_excerpt"><a href="{url}">'
                    f"{_text(admin.stem_excerpt(question), empty)}</a></td>"
                    f'<td class="field-topic nowrap">'
                    f"{empty if topic is None else escape(str(topic))}</td>"
                    f'<td class="field-key">{_text(admin.key(question), empty)}</td>'
                    f'<td class="field-facility_column">'
                    f"{_text(admin.facility_column(question), empty)}</td>"
                    f'<td class="field-discrimination_column">'
                    f"{_text(admin.discrimination_column(question), empty)}</td>"
                    f'<td class="field-open_reports">'
                    f"{_text(admin.open_reports(question), empty)}</td>"
                    f'<td class="field-status">'
                    f"{escape(STATUS_LABELS.get(question.status, empty))}</td>"
                    f'<td class="field-last_verified nowrap">{verified_html}</td>'
                )
            )
        return rows


def _text(value, empty) -> str:
    """A method column's value as Django's display_for_value shows it, escaped."""
    if isinstance(value, SafeString):
        return value if value else empty
    if isinstance(value, bool) or value is None:
        return empty if value is None else str(value)
    if isinstance(value, int):
        return escape(formats.number_format(value))
    value = str(value).strip()
    return escape(value) if value else empty
