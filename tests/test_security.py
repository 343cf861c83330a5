"""Security sweeps: CSRF on every POST, per-learner isolation, throttling, headers, XSS."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from quiz.models import Blueprint, ReviewLog
from quiz.services import answer_record, attempt_start, comment_post, practice_start
from study.markdown import render_markdown
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

PLACEHOLDERS = {"pk": "1", "position": "1", "slug": "x", "ext_id": "x"}


def site_paths():
    """Every URL of the site (admin excluded), with placeholder arguments."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith("admin"):
                    continue
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                path = re.sub(
                    r"<(?:\w+:)?(\w+)>", lambda m: PLACEHOLDERS.get(m.group(1), "1"), route
                )
                if "^" in path or "(?P" in path:
                    continue
                yield "/" + path

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_post_endpoint_rejects_a_missing_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    paths = site_paths()
    assert len(paths) > 30
    for path in paths:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(path, {"body": "x"}, headers=headers)
            assert response.status_code == 403, path


@pytest.fixture
def owner_objects():
    owner = UserFactory()
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic)
    session = practice_start(user=owner, scope="topics", topics=[topic], size=2)
    blueprint = Blueprint.objects.create(
        slug="b",
        name="B",
        certification=topic.certification,
        question_count=2,
        time_limit_minutes=10,
        passing_score=720,
    )
    attempt = attempt_start(user=owner, blueprint=blueprint)
    question = session.items.first().question
    record = answer_record(
        user=owner, question=question, labels=[question.key_labels.split(",")[0]]
    )
    log = ReviewLog.objects.get(record=record)
    comment = comment_post(user=owner, question=question, body="mine")
    return {"owner": owner, "session": session, "attempt": attempt, "log": log, "comment": comment}


def per_learner_urls(objects):
    s, a = objects["session"].pk, objects["attempt"].pk
    gets = [
        reverse("quiz:practice_resume", kwargs={"pk": s}),
        reverse("quiz:practice_question", kwargs={"pk": s, "position": 1}),
        reverse("quiz:practice_summary", kwargs={"pk": s}),
        reverse("quiz:attempt_resume", kwargs={"pk": a}),
        reverse("quiz:attempt_question", kwargs={"pk": a, "position": 1}),
        reverse("quiz:attempt_review", kwargs={"pk": a}),
        reverse("quiz:attempt_results", kwargs={"pk": a}),
        reverse("quiz:comment_edit", kwargs={"pk": objects["comment"].pk}),
    ]
    posts = [
        reverse("quiz:practice_answer", kwargs={"pk": s, "position": 1}),
        reverse("quiz:practice_flag", kwargs={"pk": s, "position": 1}),
        reverse("quiz:practice_finish", kwargs={"pk": s}),
        reverse("quiz:practice_retry", kwargs={"pk": s}),
        reverse("quiz:attempt_save", kwargs={"pk": a, "position": 1}),
        reverse("quiz:attempt_flag", kwargs={"pk": a, "position": 1}),
        reverse("quiz:attempt_submit", kwargs={"pk": a}),
        reverse("quiz:review_rate", kwargs={"pk": objects["log"].pk}),
        reverse("quiz:comment_edit", kwargs={"pk": objects["comment"].pk}),
        reverse("quiz:comment_delete", kwargs={"pk": objects["comment"].pk}),
    ]
    return gets, posts


def test_another_learner_gets_404_on_every_per_learner_url(client, owner_objects):
    gets, posts = per_learner_urls(owner_objects)
    client.force_login(UserFactory())
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"choice": ["1"], "rating": "3", "body": "x"}).status_code == 404, (
            url
        )
    owner_objects["comment"].refresh_from_db()
    assert owner_objects["comment"].body == "mine"


def test_anonymous_visitors_are_sent_to_sign_in(client, owner_objects):
    gets, posts = per_learner_urls(owner_objects)
    extra = [
        reverse(name)
        for name in [
            "quiz:practice_home",
            "quiz:review_home",
            "quiz:exam_list",
            "quiz:exam_history",
            "quiz:flagged_list",
            "quiz:profile",
            "quiz:progress",
        ]
    ]
    for url in gets + extra:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/?next="), (
            url
        )
    for url in posts:
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_refuses_off_site_urls(client, target):
    user = UserFactory()
    response = client.post(
        reverse("login") + f"?next={target}",
        {"username": user.username, "password": "correct horse battery staple", "next": target},
    )
    assert response.status_code == 302 and response.url == reverse("quiz:home")


def test_login_throttling_locks_out_and_recovers(client):
    cache.clear()
    user = UserFactory()
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": user.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(
        url, {"username": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 200
    assert (
        "Too many failed sign-ins for this account. Try again in 15 minutes"
        in response.content.decode()
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(
            url, {"username": user.username, "password": "correct horse battery staple"}
        )
    assert response.status_code == 302


# Pages anyone can open: each must send the headers and carry no inline script or handler.
PUBLIC_PAGES = {
    "home": lambda bank: reverse("quiz:home"),
    "notes page": lambda bank: bank.topic.get_absolute_url(),
    "question page": lambda bank: bank.role.get_absolute_url(),
    "sign-in": lambda bank: reverse("login"),
}


@pytest.mark.parametrize("url", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_security_headers_and_no_inline_script(client, bank, url):
    path = url(bank)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {path}"
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.IGNORECASE), f"inline handler on {path}"


def test_error_pages_use_the_site_layout(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "site-header" in response.content.decode()
    topic = TopicFactory()
    QuestionFactory(topic=topic)
    session = practice_start(user=user, scope="topics", topics=[topic], size=1)
    response = client.post(
        reverse("quiz:practice_answer", kwargs={"pk": session.pk, "position": 1}),
        {"choice": ["nope"]},
    )
    assert response.status_code == 400
    assert (
        "site-header" in response.content.decode()
        and "That answer is not a choice id." in response.content.decode()
    )
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {})
    assert response.status_code == 403 and "This form has expired" in response.content.decode()


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=javascript:alert('XSS')>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<video><source onerror="alert(1)"></video>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>`\n\n<script>alert(2)</script>",
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "meta",
    "base",
    "link",
    "style",
    "svg",
    "math",
    "marquee",
    "video",
    "audio",
    "source",
    "frame",
    "frameset",
    "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}


class _MarkupScan(HTMLParser):
    """Collects what a browser would execute: dangerous tags, handlers, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")
            if name in URL_ATTRIBUTES and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower().split(":", 1)
                if len(scheme) == 2 and scheme[0] in {"javascript", "vbscript", "data"}:
                    self.problems.append(f"{tag}[{name}={value}]")


def executable_markup(html: str) -> list[str]:
    scan = _MarkupScan()
    scan.feed(html)
    return scan.problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("hard_breaks", [False, True], ids=["notes-stems-choices", "comments"])
def test_xss_corpus_is_inert_in_every_renderer(payload, hard_breaks):
    html = render_markdown(f"Before\n\n{payload}\n\nAfter", hard_breaks=hard_breaks)
    assert executable_markup(html) == [], html


def test_xss_corpus_in_stored_fields_is_inert():
    from quiz.services import question_save

    question = QuestionFactory()
    question.stem = "\n\n".join(XSS_PAYLOADS)
    question.explanation = question.stem
    choices = list(question.choices.all())
    choice = choices[0]
    choice.text = choice.explanation = question.stem
    # As an editor's save in the admin: the one write path renders the stored HTML.
    question_save(question=question, choices=choices)
    question.refresh_from_db()
    choice.refresh_from_db()
    for html in [
        question.stem_html,
        question.explanation_html,
        choice.text_html,
        choice.explanation_html,
    ]:
        assert executable_markup(html) == []
    assert len(XSS_PAYLOADS) >= 30
