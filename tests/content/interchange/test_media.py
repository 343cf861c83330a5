"""Images a Moodle XML file holds are kept in the question as data: images; what cannot be
kept (an SVG, a PDF, an image too large or missing) is taken out and named, never broken."""

import base64

import pytest

from content.interchange import media
from content.interchange.formats import parse_bytes
from content.interchange.plan import import_apply, import_plan
from quiz.models import Question
from study.markdown import render_markdown
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24
SVG = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def moodle(stem: str, files: dict[str, bytes], feedback: str = "") -> bytes:
    embedded = "".join(
        f'<file name="{name}" path="/" encoding="base64">{b64(data)}</file>'
        for name, data in files.items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Diagram</text></name>
    <questiontext format="html">
      <text><![CDATA[{stem}]]></text>
      {embedded}
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[{feedback}]]></text></generalfeedback>
    <answer fraction="100"><text>A role</text></answer>
    <answer fraction="0"><text>Keys</text></answer>
  </question>
</quiz>
""".encode()


def test_an_embedded_image_is_kept_and_shown_to_learners():
    topic = TopicFactory(slug="media")
    data = moodle(
        '<p>Look at the diagram:</p><p><img src="@@PLUGINFILE@@/my%20vpc.png" alt="VPC"></p>',
        {"my vpc.png": PNG},
    )
    plan = import_plan(parse_bytes(data, "moodlexml"), topic=topic, file_name="q.xml")
    assert plan.ok and plan.warnings == []
    import_apply(plan)
    html = Question.objects.get().stem_html
    assert f'<img src="data:image/png;base64,{b64(PNG)}" alt="VPC">' in html


def test_what_cannot_be_kept_is_taken_out_and_named_per_question():
    big = PNG + b"\x00" * media.MAX_IMAGE_BYTES
    stem = (
        '<p>See <img src="@@PLUGINFILE@@/ok.jpg" alt="ok"> <img src="@@PLUGINFILE@@/evil.svg">'
        ' <img src="@@PLUGINFILE@@/huge.png"> <img src="@@PLUGINFILE@@/gone.png"> and '
        '<a href="@@PLUGINFILE@@/guide.pdf">the guide</a>.</p><p><audio src="x"></audio></p>'
    )
    files = {"ok.jpg": JPEG, "evil.svg": SVG, "huge.png": big, "guide.pdf": b"%PDF-1.4"}
    parsed = parse_bytes(moodle(stem, files), "moodlexml")
    [question] = parsed.questions
    assert f'<img src="data:image/jpeg;base64,{b64(JPEG)}" alt="ok">' in question.stem
    assert "@@PLUGINFILE@@" not in question.stem and "the guide" in question.stem
    [warning] = parsed.problems
    assert warning.warning and warning.line == 5
    assert warning.message == (
        'the text of question "Diagram" refers to files of its Moodle course that are not '
        "imported: evil.svg (is not a PNG, JPEG, GIF or WebP image), huge.png (is 257 KB, "
        "over the 256 KB kept), gone.png (not in the file), guide.pdf (a file, not an image)"
    )


def test_a_file_the_text_does_not_show_is_named():
    parsed = parse_bytes(moodle("<p>Which?</p>", {"unused.png": PNG}), "moodlexml")
    assert [p.message for p in parsed.problems] == [
        'the text of question "Diagram" comes with file(s) its text does not show, not '
        "imported: unused.png"
    ]


def test_a_markdown_image_with_a_title_is_kept():
    result = media.resolve('![chart](@@PLUGINFILE@@/c.png "Sales") end', {"c.png": PNG})
    assert result.text == f"![chart](data:image/png;base64,{b64(PNG)}) end"
    assert result.kept == ["c.png"] and result.left_out == []


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        (f'<img src="data:image/png;base64,{b64(PNG)}" alt="x">', True),
        (f"![x](data:image/gif;base64,{b64(b'GIF89a')})", True),
        (f'<img src="data:image/svg+xml;base64,{b64(SVG)}">', False),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', False),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', False),
        ('<a href=" da&#9;ta:text/html;base64,PHNjcmlwdD4=">x</a>', False),
        ('<a href="DATA:image/png;base64,iVBORw0KGgo=">x</a>', False),  # only images, only src
    ],
)
def test_the_sanitizer_lets_data_urls_through_only_as_raster_images(source, kept):
    html = render_markdown(source)
    assert ("data:" in html) is kept, html


def test_image_types_are_recognised_by_their_bytes_not_their_name():
    assert media.image_type(PNG) == "image/png"
    assert media.image_type(JPEG) == "image/jpeg"
    assert media.image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert media.image_type(SVG) == "" and media.image_type(b"%PDF") == ""
