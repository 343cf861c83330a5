"""The question list's rows, written by QuestionChangeList: the page Django's own row
writer gives, byte for byte, for every kind of cell the list shows."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.template import engines
from django.urls import reverse

from quiz.admin.question import QuestionAdmin
from quiz.admin.question_list import QuestionChangeList
from quiz.models import Question
from tests.factories import QuestionFactory, ReportFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_bank():
    """Questions whose cells take every form: empty and set dates, statistics missing, set
    and flagged, reports or none, each status, texts with markup characters and spaces."""
    topic = TopicFactory(title='Security & "IAM" <roles>')
    questions = [
        QuestionFactory(
            topic=topic,
            ext_id="sec-<1>&",
            stem="  Which <b>role</b> & policy?\nSecond line  ",
            status=Question.Status.DRAFT,
        ),
        QuestionFactory(
            topic=topic,
            stem="x" * 120,
            last_verified=date(2026, 3, 4),
            status=Question.Status.RETIRED,
        ),
        QuestionFactory(choose=2, last_verified=date(2025, 12, 31)),
        QuestionFactory(),
    ]
    Question.objects.filter(pk=questions[1].pk).update(
        facility=0.625, first_attempts=40, discrimination=0.12, needs_checking=True
    )
    Question.objects.filter(pk=questions[2].pk).update(
        facility=1.0, first_attempts=3, discrimination=-0.5
    )
    for _ in range(3):
        ReportFactory(question=questions[0])
    return questions


def pages(client, params, monkeypatch):
    """The list page with our rows, then with Django's."""
    url = reverse("admin:quiz_question_changelist")
    ours = client.get(url, params)
    assert ours.status_code == 200
    assert ours.context["cl"].results_context is not None
    monkeypatch.setattr(QuestionChangeList, "writes_rows", lambda self: False)
    django = client.get(url, params)
    assert django.context["cl"].results_context is None
    return same_per_request(ours), same_per_request(django)


def same_per_request(response) -> str:
    """The page without what differs on every request (CSP nonces, CSRF tokens)."""
    page = response.content.decode()
    page = re.sub(r'(nonce="|Nonce": ")[^"]*"', r'\1"', page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", page)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"o": "-2.5"},  # sorted by two columns: sort priorities shown
        {"status__exact": "draft", "q": "role"},  # the filters in every row's link
        {"verified": "never", "p": "1"},
    ],
)
def test_the_written_rows_are_the_rows_django_writes(
    editor_client, varied_bank, monkeypatch, params
):
    ours, django = pages(editor_client, params, monkeypatch)
    assert ours == django
    assert 'id="result_list"' in ours


def test_the_written_rows_show_each_cell(editor_client, varied_bank, monkeypatch):
    ours, _django = pages(editor_client, {}, monkeypatch)
    first = varied_bank[0]
    assert "sec-&lt;1&gt;&amp;" in ours
    assert "Which &lt;b&gt;role&lt;/b&gt; &amp; policy? Second line" in ours
    assert "Security &amp; &quot;IAM&quot; &lt;roles&gt;" in ours
    assert '<td class="field-open_reports">3</td>' in ours
    assert '<span class="needs-checking">0.12 ⚠</span>' in ours
    assert "62% of 40" in ours
    assert '<td class="field-status">Draft</td>' in ours
    assert '<td class="field-last_verified nowrap">-</td>' in ours
    change = reverse("admin:quiz_question_change", args=[first.pk])
    assert ours.count(f'href="{change}?_changelist_filters=') == 0  # no filters: bare link
    assert ours.count(f'href="{change}"') == 2


def test_an_other_column_set_is_left_to_django(editor_client, varied_bank, monkeypatch):
    monkeypatch.setattr(QuestionAdmin, "list_display", ["ext_id", "stem_excerpt", "status"])
    response = editor_client.get(reverse("admin:quiz_question_changelist"))
    assert response.context["cl"].results_context is None
    assert '<td class="field-status">Draft</td>' in response.content.decode()


def nav_sidebar(page: str) -> str:
    start = page.index('<nav class="sticky" id="nav-sidebar"')
    return page[start : page.index("</nav>", start)]


def test_the_kept_sidebar_follows_permissions_and_the_current_page(editor_client, editor):
    """The navigation sidebar is rendered once per what it shows (templates/admin/
    nav_sidebar.html): a permission given shows at once, and each page marks itself."""
    questions = reverse("admin:quiz_question_changelist")
    sidebar = nav_sidebar(editor_client.get(questions).content.decode())
    assert 'class="model-question current-model"' in sidebar
    assert "/admin/auth/user/" not in sidebar
    assert nav_sidebar(editor_client.get(questions).content.decode()) == sidebar

    editor.user_permissions.add(Permission.objects.get(codename="view_user"))
    sidebar = nav_sidebar(editor_client.get(questions).content.decode())
    assert "/admin/auth/user/" in sidebar

    topics = editor_client.get(reverse("admin:study_topic_changelist")).content.decode()
    assert 'class="model-topic current-model"' in nav_sidebar(topics)
    assert 'class="model-question current-model"' not in nav_sidebar(topics)


def test_the_kept_sidebar_is_the_sidebar_django_renders(editor_client):
    url = reverse("admin:quiz_question_changelist")
    response = editor_client.get(url)
    django = django_sidebar(response)
    assert nav_sidebar(response.content.decode()) == nav_sidebar(django)
    assert nav_sidebar(django).count("<tr class=") > 5


def django_sidebar(response) -> str:
    """Django's own nav_sidebar.html rendered for the page of this response."""
    own = Path(admin.__file__).parent / "templates" / "admin" / "nav_sidebar.html"
    context = {
        "available_apps": response.context["available_apps"],
        "request": response.wsgi_request,
    }
    return engines["django"].from_string(own.read_text()).render(context)


def test_a_questions_change_page_shares_the_lists_kept_sidebar(editor_client):
    """The key holds the links the page marks as current, not its path: every question's
    change page reads the list page's entry, and each is what Django renders for it."""
    fragments = caches["fragments"]
    fragments.clear()
    editor_client.get(reverse("admin:quiz_question_changelist"))
    entries = len(fragments._cache)
    for question in (QuestionFactory(), QuestionFactory()):
        response = editor_client.get(reverse("admin:quiz_question_change", args=[question.pk]))
        assert len(fragments._cache) == entries
        assert nav_sidebar(response.content.decode()) == nav_sidebar(django_sidebar(response))
        assert 'class="model-question current-model"' in nav_sidebar(response.content.decode())
    editor_client.get(reverse("admin:study_topic_changelist"))  # another section
    assert len(fragments._cache) == entries + 1
