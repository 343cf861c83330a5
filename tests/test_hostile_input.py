"""No request answers 5xx, whatever it carries.

Two walks, each as a visitor, a learner and an editor (staff in the Editors group):

- The URL map (get_resolver): each path parameter in turn gets every hostile value while
  the others name real objects; the site's routes as the visitor and the learner, the
  admin's as the editor (a sample of values on the ModelAdmin pages every model shares,
  all of them on the question's and on our own pages).
- The forms: each page is fetched with real objects, its forms and the query parameters
  its links carry are read from the HTML; every form gets one value of each hostile kind
  in all its fields at once, then each field alone (the others as the page fills them)
  gets the values that matter for its kind, plainly and, where the page uses htmx, as
  htmx sends it. Query parameters get every value (the admin's, a sample).

Each request runs in a savepoint rolled back afterwards, so each starts from the same data
(an answer, a finished exam or a deleted object does not hide the next one's path). A
failure lists every 5xx with method, URL, field, value and the exception. About a minute,
on SQLite or PostgreSQL.
"""

import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from quiz.models import Blueprint, BlueprintTopic, ReviewLog
from quiz.services import (
    attempt_finalize,
    attempt_start,
    comment_post,
    flag_toggle,
    practice_answer,
    practice_finish,
    practice_start,
)
from tests.factories import (
    NoteFactory,
    QuestionFactory,
    ReportFactory,
    TopicFactory,
    UserFactory,
    WhatsNewItemFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # about a minute

HOSTILE = {
    "superscript-two": "²",  # str.isdigit() is true, int() fails
    "arabic-indic-one": "١",  # int() reads 1
    "fullwidth-seven": "７",  # int() reads 7
    "5000-digits": "9" * 5000,  # past int()'s 4,300-digit limit
    "2**63": str(2**63),  # one past the database's signed 64-bit integer
    "2**64": str(2**64),
    "23-digits": "9" * 23,
    "negative": "-1",
    "zero": "0",
    "empty": "",
    "sql": "1 OR 1=1; --",
    "nul": "\x00",
    "digit-nul": "1\x00",
    "10kB": "x" * 10_000,
    "emoji": "😀",
}

ROLES = ["visitor", "learner", "editor"]
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# Left as the page has it: the test client checks no CSRF token, a wrong one is a 403.
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


# ---- the data every screen shows ---------------------------------------------------------


@dataclass
class World:
    learner: object
    editor: object
    objects: dict = field(default_factory=dict)


@pytest.fixture
def world():
    learner = UserFactory(username="learner")
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    topic = TopicFactory(slug="ec2")
    note = NoteFactory(topic=topic)
    WhatsNewItemFactory(note=note)
    QuestionFactory.create_batch(4, topic=topic)
    QuestionFactory(topic=topic, choose=2)
    blueprint = Blueprint.objects.create(
        slug="mini",
        name="Mini mock",
        certification=topic.certification,
        question_count=3,
        time_limit_minutes=30,
        passing_score=720,
    )
    BlueprintTopic.objects.create(blueprint=blueprint, topic=topic, weight=1)

    session = practice_start(user=learner, scope="topics", topics=[topic], size=3, order="bank")
    done = practice_start(user=learner, scope="topics", topics=[topic], size=2)
    practice_finish(session=done)
    attempt = attempt_start(user=learner, blueprint=blueprint)
    # Question 1 answered in the session: its page offers the re-rating form.
    first = session.items.select_related("question").get(position=1)
    question = first.question
    right = [str(c.pk) for c in question.choices.all() if c.is_correct]
    practice_answer(item=first, raw_choice_ids=right)
    log = ReviewLog.objects.get(record__question=question, record__user=learner)
    comment = comment_post(user=learner, question=question, body="My **note**")
    comment_post(user=learner, question=question, body="A reply", parent=comment)
    flag_toggle(user=learner, question=question)
    ReportFactory(question=question, user=learner)

    # A finished attempt of another blueprint slug for the results page and the trend.
    finished_blueprint = Blueprint.objects.create(
        slug="done",
        name="Done mock",
        certification=topic.certification,
        question_count=3,
        time_limit_minutes=30,
        passing_score=720,
    )
    BlueprintTopic.objects.create(blueprint=finished_blueprint, topic=topic, weight=1)
    finished = attempt_start(user=learner, blueprint=finished_blueprint)
    attempt_finalize(attempt=finished, reason="submitted")

    # An upload waiting for its preview, made as the admin makes it.
    gift = "::Q1:: Which port does SSH use? {=22 ~80 ~443}\n"
    editor_client = Client()
    editor_client.force_login(editor)
    editor_client.post(
        reverse("admin:content_question_import"),
        {
            "file": SimpleUploadedFile("q.gift", gift.encode()),
            "file_format": "gift",
            "topic": topic.pk,
        },
    )

    return World(
        learner=learner,
        editor=editor,
        objects={
            "topic": topic,
            "question": question,
            "session": session,
            "done": done,
            "attempt": attempt,
            "finished": finished,
            "blueprint": blueprint,
            "log": log,
            "comment": comment,
        },
    )


@pytest.fixture(autouse=True)
def _quiet_request_log(caplog):
    """Thousands of 4xx would each log a line (with the 10 kB paths); the walk reports the
    5xx itself, with their exceptions."""
    for logger in ("django.request", "django.security"):
        caplog.set_level(logging.CRITICAL + 1, logger=logger)


def client_for(role: str, world: World) -> Client:
    client = Client(raise_request_exception=False)
    if role != "visitor":
        client.force_login(world.learner if role == "learner" else world.editor)
    return client


# ---- the URL map ---------------------------------------------------------------------------


@dataclass
class Route:
    route: str  # "practice/<id:pk>/q/<id:position>/"
    name: str  # "quiz:practice_question"
    parameters: list[str]


def routes() -> list[Route]:
    """Every URL pattern of the site written with path(); re_path ones (the admin's app
    index) are walked with their real values only."""

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                names = [m["name"] for m in PARAMETER.finditer(route)]
                if "^" in route or "(?P" in route:
                    continue
                assert isinstance(entry.pattern, RoutePattern) or not names, route
                yield Route(route, f"{namespace}{entry.name or ''}", names)

    return list(walk(get_resolver().url_patterns))


def admin_object_ids(world: World) -> dict[str, str]:
    """`app_model` -> the pk of one existing object, for the admin's object pages."""
    ids = {}
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            ids[f"{model._meta.app_label}_{model._meta.model_name}"] = str(obj.pk)
    return ids


def real_value(route: Route, parameter: str, world: World, admin_ids: dict) -> str | None:
    """A value naming a real object for this parameter of this route (None: none fits)."""
    o = world.objects
    name = route.name.split(":")[-1]
    if route.name.startswith("admin:"):
        model = next((key for key in admin_ids if name.startswith(f"{key}_")), None)
        if parameter == "object_id" and model:
            return admin_ids[model]
        if parameter == "version_id":
            return str(type(o["question"]).history.order_by("pk").first().pk)
        if parameter == "upload_id":
            from content.models import QuestionUpload

            upload = QuestionUpload.objects.first()
            return str(upload.pk) if upload else None
        if parameter == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            return str(ContentType.objects.get_for_model(type(o["question"])).pk)
        if parameter == "object_id":
            return str(o["question"].pk)
        return None
    if parameter == "position":
        return "1"
    if parameter == "slug":
        return o["blueprint"].slug if name.startswith("exam") else o["topic"].slug
    if parameter == "ext_id":
        return o["question"].ext_id
    if parameter == "pk":
        if name in {"practice_summary", "practice_retry"}:
            return str(o["done"].pk)
        if name.startswith("practice"):
            return str(o["session"].pk)
        if name.startswith("attempt"):
            return str((o["finished"] if name == "attempt_results" else o["attempt"]).pk)
        if name.startswith("review"):
            return str(o["log"].pk)
        if name.startswith("comment"):
            return str(o["comment"].pk)
    if parameter in {"uidb64", "token"}:
        return "x"
    return None


def build(route: Route, values: dict[str, str]) -> str:
    return "/" + PARAMETER.sub(lambda m: quote(values[m["name"]], safe=""), route.route)


def repeated_admin_page(name: str, admin_ids: dict) -> bool:
    """An admin page with no form of its own: the bare object URL (a redirect to its change
    page), "view on site" (a site page), an add page whose model has a change page."""
    if name in {"admin:", "admin:view_on_site"}:
        return True
    add = re.fullmatch(r"admin:(\w+)_add", name)
    return bool(add) and add.group(1) in admin_ids


def screens(world: World) -> list[str]:
    """Every page of the site with real objects in its path (the walk's starting points)."""
    admin_ids = admin_object_ids(world)
    urls = []
    for route in routes():
        if repeated_admin_page(route.name, admin_ids):
            continue
        values = {p: real_value(route, p, world, admin_ids) for p in route.parameters}
        if None not in values.values():
            urls.append(build(route, values))
    return sorted(set(urls))


# ---- forms read from the HTML ----------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]]  # the values the page would send
    names: list[str]  # every field name, including unticked boxes and named buttons
    kinds: dict[str, str] = field(default_factory=dict)
    htmx: bool = False  # the page sends it with htmx too


def is_flag(kind: str, value: str) -> bool:
    """A box or button read by whether it is sent (a BooleanField, the admin's "_save"),
    not by its value: ticked boxes of ids and "go to 3" buttons carry ids."""
    if kind == "checkbox":
        return value == "on"
    return kind == "submit" and not re.fullmatch(r"[0-9]+", value or "")


class FormParser(HTMLParser):
    """The forms of a page and the query parameters its links use."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.link_params: set[str] = set()
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            target = urlsplit(urljoin(self.page_url, a["href"]))
            if target.path == urlsplit(self.page_url).path:
                self.link_params.update(name for name, _ in parse_qsl(target.query, True))
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self._form = Form((a.get("method") or "get").lower(), action, {}, [])
            self._form.htmx = any(name.startswith("hx-") for name in a)
            return
        form = self._form
        if form is None:
            return
        if tag == "button" or a.get("type") == "submit":  # a button that posts with htmx
            form.htmx = form.htmx or any(name in a for name in ("hx-post", "hx-get"))
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            form.names.append(name)
            value = a.get("value", "on" if kind in {"checkbox", "radio"} else "")
            form.kinds[name] = "flag" if is_flag(kind, value) else kind
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    form.fields.setdefault(name, []).append(value)
            elif kind not in {"submit", "image", "button", "reset", "file"}:
                form.fields.setdefault(name, []).append(value)
        elif tag == "button" and name:
            form.names.append(name)
            form.kinds[name] = "flag" if is_flag("submit", a.get("value", "")) else "submit"
        elif tag == "select" and name:
            form.names.append(name)
            form.kinds[name] = "select"
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields.setdefault(self._select, []).append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            form.names.append(name)
            form.kinds[name] = "textarea"
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form" and form is not None:
            self.forms.append(form)
            self._form = None
        elif tag == "select" and form is not None and self._select:
            if not self._select_chosen and self._select_first:
                form.fields.setdefault(self._select, []).append(self._select_first)
            self._select = None
        elif tag == "textarea" and form is not None and self._textarea:
            form.fields[self._textarea] = [self._text.lstrip("\n")]
            self._textarea = None


def read_page(client: Client, url: str) -> FormParser | None:
    response = client.get(url, follow=True)
    assert response.status_code < 500, f"GET {url} -> {response.status_code}"
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    final = response.request["PATH_INFO"]
    query = response.request.get("QUERY_STRING")
    parser = FormParser(final + (f"?{query}" if query else ""))
    parser.feed(response.content.decode())
    return parser


def mutable_names(form: Form) -> list[str]:
    """The fields to send hostile values in, each once. An admin formset's forms share one
    form's code: its first form and its management fields (not the empty template row)."""
    seen = []
    for name in form.names:
        if name in SKIPPED_FIELDS or name in seen or "__prefix__" in name:
            continue
        index = re.search(r"-(\d+)-", name)
        if index and index.group(1) != "0":
            continue
        seen.append(name)
    return seen


# ---- sending -----------------------------------------------------------------------------------


class Walk:
    """Sends requests, each in a savepoint rolled back afterwards, and collects the 5xx."""

    def __init__(self, client: Client):
        self.client = client
        self.failures: list[str] = []
        self.count = 0

    def send(self, method: str, url: str, data=None, *, what: str = "", htmx: bool = False):
        cookies = self.client.cookies.copy()
        headers = {"HX-Request": "true"} if htmx else {}
        with transaction.atomic():
            response = getattr(self.client, method)(url, data or {}, headers=headers)
            transaction.set_rollback(True)
        self.client.cookies = cookies  # a sign-out, say, is undone for the next request
        self.count += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            detail = f"{exc[0].__name__}: {str(exc[1])[:160]}" if exc else ""
            self.failures.append(
                f"{method.upper()} {url[:120]} {what} -> {response.status_code} {detail}"
            )
        return response


def hostile_urls(route: Route, world: World, admin_ids: dict, labels: list[str]):
    """The route with each parameter in turn hostile, the others real."""
    for parameter in route.parameters:
        for label in labels:
            values = {}
            for other in route.parameters:
                real = real_value(route, other, world, admin_ids)
                values[other] = HOSTILE[label] if other == parameter else (real or "1")
            yield f"{parameter}={label}", build(route, values)


# The admin's own pages of a model (list, add, change, delete, history) run the same
# ModelAdmin code for every model: the question's get every value, the others a sample.
GENERATED_ADMIN_ROUTE = re.compile(r"admin:(\w+_(changelist|add|change|delete|history))?$")
SAMPLE_VALUES = ["superscript-two", "5000-digits", "2**63", "nul"]


def path_requests(role: str, route: Route) -> tuple[list[str], list[str]]:
    """(hostile values, methods) for this route and role."""
    if not route.name.startswith("admin:"):
        if role == "editor" and route.name != "quiz:readiness_calibration":
            return [], []  # the site's routes are the learner's and the visitor's walk
        return list(HOSTILE), ["get", "post"]
    if role != "editor":
        return SAMPLE_VALUES[:1], ["get"]  # signed out or not staff: the sign-in page
    generated = GENERATED_ADMIN_ROUTE.match(route.name)
    if generated and not route.name.startswith("admin:quiz_question_"):
        return SAMPLE_VALUES, ["get"]  # a POST looks the object up the same way
    return list(HOSTILE), ["get", "post"]


# ---- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_url_pattern_answers_5xx_to_hostile_path_values(role, world):
    walk = Walk(client_for(role, world))
    admin_ids = admin_object_ids(world)
    all_routes = routes()
    assert any(r.name == "quiz:practice_question" for r in all_routes)
    assert any(r.name == "admin:quiz_question_change_key" for r in all_routes)
    for route in all_routes:
        labels, methods = path_requests(role, route)
        for what, url in hostile_urls(route, world, admin_ids, labels):
            for method in methods:
                walk.send(method, url, {"choice": "1"} if method == "post" else None, what=what)
    assert walk.count > 300
    assert not walk.failures, f"{len(walk.failures)} of {walk.count}:\n" + "\n".join(walk.failures)


# Every form gets one value of each hostile kind in all its fields at once: each field's
# cleaning and the page shown again with them. Each field alone, the others valid, reaches
# the code after validation: ids, numbers and choices get the values that parse
# differently; free text the ones text handling trips on; a formset's counts the
# out-of-range ones. (The full corpus goes into every URL path and site query parameter.)
ID_VALUES = ["superscript-two", "arabic-indic-one", "5000-digits", "2**63", "nul"]
# A form's select and text fields refuse NUL themselves (Django's field validators): that
# one is in the all-at-once requests only.
SELECT_VALUES = ["superscript-two", "arabic-indic-one", "5000-digits", "2**63"]
TEXT_VALUES = ["5000-digits", "10kB", "emoji"]
COUNT_VALUES = ["superscript-two", "2**63"]
# Ticked or not, pressed or not: Django reads these by presence (any value is "on").
PRESENCE_VALUES = ["nul"]
# The admin's forms outside the question's are Django's plain model forms: fewer values.
ADMIN_QUERY_VALUES = ["superscript-two", "2**63", "nul", "10kB"]
ADMIN_TEXT_VALUES = ["10kB"]
ADMIN_ALL_AT_ONCE_VALUES = ["superscript-two", "5000-digits", "2**63", "nul", "10kB", "emoji"]
# One value of each kind for all fields at once (2**63: 19 digits, one past the range).
ALL_AT_ONCE_VALUES = [
    "superscript-two",
    "arabic-indic-one",
    "5000-digits",
    "2**63",
    "negative",
    "empty",
    "sql",
    "nul",
    "10kB",
    "emoji",
]
TEXT_KINDS = {"text", "textarea", "email", "password", "search", "url", "tel"}


def field_values(form: Form, name: str) -> list[str]:
    kind = form.kinds.get(name)
    if re.search(r"-(TOTAL|INITIAL)_FORMS$", name):
        return COUNT_VALUES
    if re.search(r"-(MIN_NUM|MAX_NUM)_FORMS$", name) or kind == "flag":
        return PRESENCE_VALUES
    if kind in TEXT_KINDS:
        return ADMIN_TEXT_VALUES if plain_admin(form) else TEXT_VALUES
    if kind == "select":
        return SELECT_VALUES
    return ID_VALUES


def plain_admin(form: Form) -> bool:
    return form.action.startswith("/admin/") and "/quiz/question/" not in form.action


def form_requests(form: Form):
    """(what, data): all fields at once, then each field alone, the others as the page has
    them."""
    names = mutable_names(form)
    for label in ADMIN_ALL_AT_ONCE_VALUES if plain_admin(form) else ALL_AT_ONCE_VALUES:
        yield f"all={label}", {**form.fields, **{name: [HOSTILE[label]] for name in names}}
    for name in names:
        for label in field_values(form, name):
            yield f"{name}={label}", {**form.fields, name: [HOSTILE[label]]}


def form_key(form: Form) -> tuple:
    """Forms that run the same code count once: the admin's add and change forms of a
    model, the same form on several pages."""
    view = resolve(urlsplit(form.action).path).view_name
    if re.search(r"^admin:\w+_(add|change)$", view):
        return form.method, re.sub(r"_(add|change)$", "_form", view)
    return form.method, view, tuple(mutable_names(form))


def role_pages(role: str, world: World) -> list[str]:
    """Visitors and learners: the site's pages; the editor: the admin, and the staff pages
    of the site (the editor's learner pages are a learner's, walked as the learner)."""
    pages = screens(world)
    if role == "editor":
        return [url for url in pages if url.startswith("/admin/") or url in STAFF_PAGES]
    return [url for url in pages if not url.startswith("/admin/")]


STAFF_PAGES = {"/readiness/calibration/"}


@pytest.mark.parametrize("role", ROLES)
def test_no_form_field_or_query_parameter_answers_5xx_to_hostile_values(role, world):
    client = client_for(role, world)
    walk = Walk(client)
    forms_seen: set = set()
    params_seen: set = set()
    for url in role_pages(role, world):
        page = read_page(client, url)
        path = urlsplit(page.page_url if page else url).path
        if role == "editor" and not path.startswith("/admin/") and path not in STAFF_PAGES:
            continue  # the admin's "view on site": a learner page, walked as the learner
        view = resolve(path).view_name
        base = EXTRA_QUERY_PARAMETERS.get(view, {})
        for name in sorted(set(base) | (page.link_params if page else set())):
            if (view, name) in params_seen:
                continue
            params_seen.add((view, name))
            for label in ADMIN_QUERY_VALUES if path.startswith("/admin/") else HOSTILE:
                query = urlencode({**base, name: HOSTILE[label]})
                walk.send("get", f"{path}?{query}", what=f"?{name}={label}")
        for form in page.forms if page else []:
            if form_key(form) in forms_seen:
                continue
            forms_seen.add(form_key(form))
            for what, data in form_requests(form):
                if form.method == "get":
                    target = urlsplit(form.action).path
                    query = urlencode([(k, v) for k, vs in data.items() for v in vs])
                    walk.send("get", f"{target}?{query}", what=what)
                    continue
                walk.send("post", form.action, data, what=what)
                if form.htmx:  # and as htmx sends it
                    walk.send("post", form.action, data, what=what, htmx=True)
    views = {key[1] for key in forms_seen}
    assert EXPECTED_FORMS[role] <= views, EXPECTED_FORMS[role] - views
    assert not walk.failures, f"{len(walk.failures)} of {walk.count}:\n" + "\n".join(walk.failures)


# Forms the walk must have found (it reads them from the pages: a page that stops showing
# one would otherwise go unwalked silently).
EXPECTED_FORMS = {
    "visitor": {"login", "quiz:signup", "quiz:search", "password_reset"},
    "learner": {
        "quiz:practice_home",
        "quiz:practice_answer",
        "quiz:practice_flag",
        "quiz:review_rate",
        "quiz:review_start",
        "quiz:attempt_save",
        "quiz:attempt_submit",
        "quiz:comment_create",
        "quiz:comment_edit",
        "quiz:vote_create",
        "quiz:report_create",
        "quiz:profile",
    },
    "editor": {
        "admin:quiz_question_form",
        "admin:quiz_question_change_key",
        "admin:content_question_import",
        "admin:quiz_question_changelist",
        "admin:study_certification_changelist",
        "admin:study_note_form",
    },
}

# Query parameters a screen reads that no link on it carries (set by script or by hand),
# with the real values the others take while one is hostile.
EXTRA_QUERY_PARAMETERS = {
    "login": {"next": "/"},
    "quiz:signup": {"next": "/"},
    "quiz:readiness": {"blueprint": "mini"},
    "quiz:readiness_card": {"blueprint": "mini"},
    "quiz:search": {"q": "port"},
    "quiz:question_detail": {"answer": "show"},
    "admin:autocomplete": {
        "app_label": "quiz",
        "model_name": "questionreference",
        "field_name": "note",
        "term": "a",
        "page": "1",
    },
    "admin:quiz_question_changelist": {"q": "a", "o": "1", "p": "1", "_to_field": "id"},
}
