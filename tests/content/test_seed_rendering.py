"""The seed library renders exactly as a fresh Markdown instance per text renders it, also
when one reused instance per thread renders the texts in another order or in threads."""

import random
from concurrent.futures import ThreadPoolExecutor

import markdown
import pytest

from quiz import choice_refs
from quiz.models import AnswerKeyRevision, Choice, Comment, Question
from study.markdown import _CLEANER, _EXTENSION_CONFIGS, _EXTENSIONS, render_markdown
from study.models import Certification, Note

pytestmark = pytest.mark.django_db


def fresh_render(source: str, hard_breaks: bool, *, refs: bool = True) -> str:
    """How every text was rendered before instances were reused. (Question texts also have
    their choice references marked; other texts have none to mark.)"""
    if not source or not source.strip():
        return ""
    extensions = [*_EXTENSIONS, "nl2br"] if hard_breaks else _EXTENSIONS
    html = markdown.markdown(
        source, extensions=extensions, extension_configs=_EXTENSION_CONFIGS, output_format="html"
    )
    html = _CLEANER.clean(html)
    return choice_refs.mark_html(html) if refs else html


def seed_texts() -> list[tuple[str, bool, str]]:
    """(markdown, hard_breaks, the HTML the import stored) for every rendered text."""
    texts = [(c.description, False, c.description_html) for c in Certification.objects.all()]
    texts += [(note.body, False, note.body_html) for note in Note.objects.all()]
    for question in Question.objects.all():
        texts += [
            (question.stem, False, question.stem_html),
            (question.explanation, False, question.explanation_html),
        ]
    for choice in Choice.objects.all():
        texts += [
            (choice.text, False, choice.text_html),
            (choice.explanation, False, choice.explanation_html),
            (choice.source_note, False, choice.source_note_html),
        ]
    texts += [(r.note, False, r.note_html) for r in AnswerKeyRevision.objects.all()]
    texts += [(comment.body, True, comment.body_html) for comment in Comment.objects.all()]
    return texts


def test_seed_library_html_is_what_a_fresh_renderer_makes(library):
    texts = seed_texts()
    assert len(texts) > 150 and any("<li>" in html for _source, _hard, html in texts)
    for source, hard_breaks, stored in texts:
        assert stored == fresh_render(source, hard_breaks), source[:80]


def test_reused_renderers_keep_no_state_between_texts(library):
    texts = seed_texts()
    expected = [fresh_render(source, hard_breaks) for source, hard_breaks, _html in texts]
    # Longest texts (footnotes, headings) right before and after short ones.
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i][0]) % 7, -i))
    for i in order:
        source, hard_breaks, _html = texts[i]
        assert (
            choice_refs.mark_html(render_markdown(source, hard_breaks=hard_breaks)) == expected[i]
        )


def test_threads_render_alike(library):
    texts = [(source, hard_breaks) for source, hard_breaks, _html in seed_texts()] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        rendered = list(
            pool.map(
                lambda text: choice_refs.mark_html(render_markdown(text[0], hard_breaks=text[1])),
                texts,
            )
        )
    assert rendered == [fresh_render(source, hard_breaks) for source, hard_breaks in texts]


@pytest.mark.parametrize("hard_breaks", [False, True])
def test_plain_sentences_render_as_markdown_renders_them(hard_breaks):
    rng = random.Random(7)
    alphabet = "abXYZ09 ,.;:!?'\"()/%+=@$-*_`#>|[]{}<>&\\~^\n\t" + "  --==::.."
    texts = [
        "Use an IAM role (not access keys).",
        "1. Not a sentence",
        "a - b -- c --- d",
        "Q: what? A: this.",
        "e.g. 3. items",
        "x=1, y=2; 50% of $10 @ 5/s",
        "A)",
        "Done  ",
        "Tab\there",
        "- a list",
        "Emphasis *here*",
        "Snake_case_name",
        "Heading\n===",
        "AT&T",
        "non-breaking\u00a0space",
    ]
    texts += [
        rng.choice("aZ1 -*#") + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for _ in range(1000)
    ]
    for text in texts:
        assert render_markdown(text, hard_breaks=hard_breaks) == fresh_render(
            text, hard_breaks, refs=False
        )
