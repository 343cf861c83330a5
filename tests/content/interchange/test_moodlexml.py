"""Moodle XML: what a Moodle export gives us, what we refuse, and what we write back."""

import base64
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from content.interchange.formats import parse_bytes
from content.interchange.model import (
    HTML,
    MARKDOWN,
    PLAIN,
    ImportedChoice,
    ImportedQuestion,
)
from content.interchange.moodlexml import parse_moodle_xml, write_moodle_xml

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def problems(parsed) -> list[tuple[int, str]]:
    return sorted((problem.line, problem.message) for problem in parsed.problems)


@pytest.fixture(scope="module")
def supported():
    parsed = parse_moodle_xml(fixture("moodle_supported.xml"))
    # The one image of the file is a PNG it holds: kept in the text (see the next tests).
    assert parsed.problems == []
    return {question.name: question for question in parsed.questions}


def test_every_supported_question_is_read_in_file_order_with_its_line(supported):
    assert [(q.line, q.name) for q in supported.values()] == [
        (13, "EC2 credentials & roles"),
        (55, "Least privilege (three)"),
        (82, "Two of four"),
        (96, "S3 buckets are regional"),
        (121, "Glacier is instant"),
    ]


def test_html_question_keeps_cdata_html_decodes_entities_and_its_embedded_image(supported):
    question = supported["EC2 credentials & roles"]
    assert question.text_format == HTML
    assert question.stem == (
        "<p>How should an app on <b>EC2</b> get AWS credentials?</p><p><img "
        'src="data:image/png;base64,iVBORw0KGgo=" alt="diagram" width="300"></p>'
    )
    assert question.explanation == "<p>Roles give <em>temporary</em> credentials.</p>"
    assert question.choices == [
        ImportedChoice(
            "<p>Attach an IAM <b>role</b> to the instance</p>",
            True,
            "<p>Credentials rotate automatically.</p>",
        ),
        ImportedChoice(
            "<b>Store access keys</b> in the AMI", False, "Keys in an image leak with it."
        ),
        ImportedChoice("Put keys in user data & rotate them", False, ""),
    ]


def test_categories_apply_to_the_questions_that_follow_them(supported):
    assert supported["EC2 credentials & roles"].category == "AWS Solutions Architect/IAM"
    assert supported["Two of four"].category == "AWS Solutions Architect/IAM"
    # Moodle writes a "/" inside a category name as "//"; the path keeps it that way.
    assert supported["Glacier is instant"].category == "AWS Solutions Architect/S3 // Glacier"


def test_multiple_response_marks_every_answer_with_a_positive_fraction_correct(supported):
    three = supported["Least privilege (three)"]
    assert three.text_format == MARKDOWN
    assert three.stem == "Which **three** follow least privilege?"
    assert [(c.text, c.is_correct, c.feedback) for c in three.choices] == [
        ("Scope policies to resources", True, "Yes."),
        ("Use the root user daily", False, "Never."),
        ("Use roles for workloads", True, ""),
        ("Review access with IAM Access Analyzer", True, ""),
    ]
    assert three.correct_count == 3
    two = supported["Two of four"]
    assert [c.is_correct for c in two.choices] == [True, False, True, False]


def test_plain_text_question_stays_plain_with_entities_decoded(supported):
    question = supported["Two of four"]
    assert question.text_format == PLAIN
    assert question.stem == "Which two are regional? (a < b)"


def test_truefalse_becomes_true_and_false_choices_with_their_feedback(supported):
    regional = supported["S3 buckets are regional"]
    assert [(c.text, c.is_correct, c.feedback) for c in regional.choices] == [
        ("True", True, "Right: you choose the region."),
        ("False", False, "Names are global, data is not."),
    ]
    instant = supported["Glacier is instant"]
    assert instant.text_format == MARKDOWN
    assert [(c.text, c.is_correct, c.feedback) for c in instant.choices] == [
        ("True", False, ""),
        ("False", True, "Restores take hours."),
    ]


def test_moodle_auto_format_becomes_html_keeping_its_line_breaks(supported):
    question = supported["S3 buckets are regional"]
    assert question.text_format == HTML
    assert question.stem == "S3 bucket names are global,<br>\nbut are buckets created in a region?"
    assert question.explanation == "Each bucket lives in one region."


def test_unsupported_types_are_reported_with_their_line_and_skipped():
    parsed = parse_moodle_xml(fixture("moodle_unsupported.xml"))
    assert [(q.line, q.name) for q in parsed.questions] == [(13, "Kept")]
    assert all(problem.unsupported for problem in parsed.problems)
    assert problems(parsed) == [
        (3, 'question type shortanswer ("Capital") is not supported'),
        (8, 'question type numerical ("Ports") is not supported'),
        (19, 'question type matching ("Match services") is not supported'),
        (24, 'question type essay ("Design") is not supported'),
        (28, 'question type cloze ("Gaps") is not supported'),
        (32, 'question type description ("Intro") is not supported'),
        (36, 'question type ddwtos ("Drag words") is not supported'),
        (39, 'question type gapselect ("Select gaps") is not supported'),
        (42, 'question type calculatedsimple ("Sum") is not supported'),
        (45, 'question type randomsamatch ("Random match") is not supported'),
        (48, "question type random is not supported"),
    ]


def test_broken_questions_are_all_reported_with_lines_and_left_out():
    parsed = parse_moodle_xml(fixture("moodle_broken.xml"))
    assert [(q.line, q.name) for q in parsed.questions] == [(36, "Fine")]
    assert not any(problem.unsupported for problem in parsed.problems)
    found = problems(parsed)
    assert [line for line, _ in found] == [3, 8, 14, 22, 30, 45, 46, 52, 54, 62, 66]
    messages = dict(found)
    assert messages[3] == 'question "One answer" has 1 <answer>; it needs at least two'
    assert messages[8] == 'question "No key" has no right answer: give the right one fraction="100"'
    assert messages[14].startswith(
        'single-answer question "Two full marks" has 2 answers with fraction="100"'
    )
    assert messages[22].startswith(
        'the right answers of multiple-answer question "Short total" add up to 90%'
    )
    assert messages[30].startswith('question "No text" has no question text')
    assert messages[45].startswith('answer 1 of question "Bad fraction" has fraction="full"')
    assert messages[46] == 'answer 2 of question "Bad fraction" has no text'
    assert messages[52].startswith(
        'answer 2 of question "Partial" gives partial credit (fraction="50")'
    )
    assert (
        messages[54]
        == 'question "TF without key": give exactly one of true and false fraction="100"'
    )
    assert messages[62].startswith('the text of question "Raw HTML" has a <p> tag inside <text>')
    assert messages[66] == '<question> has no type; add type="multichoice"'


def test_xml_that_is_not_well_formed_is_one_error_with_its_line_and_column():
    parsed = parse_moodle_xml(fixture("moodle_not_wellformed.xml"))
    assert parsed.questions == []
    assert problems(parsed) == [
        (
            6,
            "the XML is not well-formed (column 37: mismatched tag). Check that every tag is "
            "closed in order and that & and < in text are written &amp; and &lt; (or inside "
            "<![CDATA[ ... ]]>)",
        )
    ]


def test_billion_laughs_is_refused_before_anything_expands():
    started = time.monotonic()
    parsed = parse_moodle_xml(fixture("moodle_billion_laughs.xml"))
    assert time.monotonic() - started < 1
    assert parsed.questions == []
    [(line, message)] = problems(parsed)
    assert line == 3  # the first <!ENTITY
    assert message.startswith("the file declares XML entities (<!ENTITY ...>), which are refused")


def test_external_entities_are_refused():
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.com/quiz.dtd">\n'
        "<quiz></quiz>\n"
    )
    parsed = parse_moodle_xml(text)
    assert parsed.questions == []
    [(line, message)] = problems(parsed)
    assert line == 2 and "refers to an outside document" in message


def test_other_root_elements_and_stray_elements_are_errors():
    wrong_root = parse_moodle_xml('<?xml version="1.0"?>\n<questions>\n</questions>\n')
    assert problems(wrong_root) == [
        (
            2,
            "the file's outer element is <questions>, not <quiz>: this is not a Moodle XML question file",
        )
    ]
    stray = parse_moodle_xml("<quiz>\n  <questoin/>\n</quiz>")
    assert problems(stray) == [(2, "unexpected <questoin> in <quiz>: only <question> is read")]


def test_a_question_whose_text_was_only_an_image_is_an_error():
    text = """<quiz>
<question type="multichoice">
  <questiontext format="html"><text><![CDATA[<p><img src="@@PLUGINFILE@@/a.png"></p>]]></text></questiontext>
  <answer fraction="100"><text>A</text></answer>
  <answer fraction="0"><text>B</text></answer>
</question>
</quiz>"""
    parsed = parse_moodle_xml(text)
    assert parsed.questions == []
    assert problems(parsed) == [
        (
            2,
            "the question has only an image as its text, which cannot be imported: "
            "a.png (not in the file)",
        )
    ]


def test_an_upload_with_a_byte_order_mark_reaches_the_parser():
    data = "\ufeff".encode() + fixture("moodle_supported.xml").encode()
    parsed = parse_bytes(data, "moodlexml")
    assert not [p for p in parsed.problems if not p.warning] and len(parsed.questions) == 5


def bank_questions() -> list[ImportedQuestion]:
    """Questions as the bank exports them: markdown, our id as the name."""
    return [
        ImportedQuestion(
            line=0,
            name="iam-ec2-credentials",
            category="AWS Solutions Architect/IAM",
            stem="How should an app on **EC2** get credentials?\n\n```\naws sts get-caller-identity\n```",
            choices=[
                ImportedChoice("Attach an IAM role", True, "Roles rotate credentials."),
                ImportedChoice("Keys in `~/.aws` & the AMI", False, "They leak with the image."),
                ImportedChoice("A CDATA end ]]> in text", False),
            ],
            explanation="Use roles. <b>Always</b>.",
            outdated=["B was correct until Feb 2017: instance profiles were optional then"],
        ),
        ImportedQuestion(
            line=0,
            name="iam-three",
            category="AWS Solutions Architect/IAM",
            stem="Which **three**? (Choose three.)",
            choices=[
                ImportedChoice("One", True),
                ImportedChoice("Two", False, "Not this."),
                ImportedChoice("Three", True),
                ImportedChoice("Four", True),
            ],
        ),
        ImportedQuestion(
            line=0,
            name="s3-two",
            category="AWS Solutions Architect/S3",
            stem="Which two?",
            choices=[ImportedChoice("A", True), ImportedChoice("B", True), ImportedChoice("C")],
            explanation="Because.",
        ),
    ]


def without_lines(questions):
    return [replace(question, line=0) for question in questions]


def test_written_file_parses_back_to_the_same_questions():
    questions = bank_questions()
    parsed = parse_moodle_xml(write_moodle_xml(questions))
    assert parsed.problems == []
    assert without_lines(parsed.questions) == questions


def test_a_question_that_keeps_its_order_says_so_to_moodle_and_back():
    fixed = replace(bank_questions()[2], shuffle=False)
    xml = write_moodle_xml([fixed, bank_questions()[1]])
    assert xml.count("<shuffleanswers>false</shuffleanswers>") == 1
    assert xml.count("<shuffleanswers>true</shuffleanswers>") == 1
    parsed = parse_moodle_xml(xml)
    assert [question.shuffle for question in parsed.questions] == [False, True]


def test_written_file_is_what_moodle_imports():
    root = ET.fromstring(write_moodle_xml(bank_questions()).encode())
    assert root.tag == "quiz"
    kinds = [q.get("type") for q in root.iter("question")]
    assert kinds == ["category", "multichoice", "multichoice", "category", "multichoice"]
    categories = [
        q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"
    ]
    assert categories == [
        "$course$/top/AWS Solutions Architect/IAM",
        "$course$/top/AWS Solutions Architect/S3",
    ]
    first, three, two = (q for q in root.iter("question") if q.get("type") == "multichoice")
    assert first.findtext("name/text") == "iam-ec2-credentials"
    assert first.find("questiontext").get("format") == "markdown"
    assert first.findtext("generalfeedback/text") == (
        "Use roles. <b>Always</b>.\n\n**Answer key history**\n\n"
        "- B was correct until Feb 2017: instance profiles were optional then"
    )
    assert first.findtext("defaultgrade") == "1"
    assert first.findtext("single") == "true"
    assert first.findtext("shuffleanswers") == "true"
    assert first.findtext("answernumbering") == "abc"
    assert [a.get("fraction") for a in first.iter("answer")] == ["100", "0", "0"]
    assert [a.findtext("text") for a in first.iter("answer")][2] == "A CDATA end ]]> in text"
    assert first.findtext("answer/feedback/text") == "Roles rotate credentials."
    assert three.findtext("single") == "false"
    # Moodle only accepts its own grade steps; 33.33333 is its 1/3.
    assert [a.get("fraction") for a in three.iter("answer")] == [
        "33.33333",
        "-100",
        "33.33333",
        "33.33333",
    ]
    assert [a.get("fraction") for a in two.iter("answer")] == ["50", "50", "-100"]


def test_moodle_file_survives_a_trip_through_our_writer():
    original = parse_moodle_xml(fixture("moodle_supported.xml")).questions
    again = parse_moodle_xml(write_moodle_xml(original))
    assert again.problems == []
    assert without_lines(again.questions) == without_lines(original)


def test_a_question_mixing_formats_becomes_html_with_plain_text_escaped():
    text = """<quiz>
<question type="multichoice">
  <questiontext format="markdown"><text>Which tag makes text **bold**?</text></questiontext>
  <answer fraction="100" format="plain_text"><text>&lt;b&gt;</text></answer>
  <answer fraction="0" format="html"><text><![CDATA[<i>&lt;i&gt;</i>]]></text></answer>
</question>
</quiz>"""
    [question] = parse_moodle_xml(text).questions
    assert question.text_format == HTML
    assert question.stem == "Which tag makes text **bold**?"
    assert [c.text for c in question.choices] == ["&lt;b&gt;", "<i>&lt;i&gt;</i>"]


def test_combined_feedback_and_hints_are_kept_as_parts_and_an_old_image_in_the_text():
    xml = """<?xml version="1.0"?><quiz><question type="multichoice">
      <name><text>Roles</text></name>
      <questiontext format="html"><text><![CDATA[<p>Which gives an app credentials?</p>]]></text></questiontext>
      <generalfeedback format="html"><text><![CDATA[<p>Roles rotate.</p>]]></text></generalfeedback>
      <correctfeedback format="html"><text>Well done.</text></correctfeedback>
      <partiallycorrectfeedback format="html"><text></text></partiallycorrectfeedback>
      <incorrectfeedback format="html"><text>Your answer is incorrect.</text></incorrectfeedback>
      <hint format="html"><text>Think of what rotates by itself.</text></hint>
      <hint format="html"><text>Not keys.</text></hint>
      <image>roles.png</image>
      <image_base64>iVBORw0KGgo=</image_base64>
      <answer fraction="100"><text>An IAM role</text></answer>
      <answer fraction="0"><text>Keys in the code</text></answer>
    </question></quiz>"""
    parsed = parse_moodle_xml(xml)
    assert parsed.problems == []
    [question] = parsed.questions
    assert question.explanation == "<p>Roles rotate.</p>"
    # Moodle's own default text ("Your answer is incorrect.") and empty ones: nothing to keep
    assert question.feedback_parts == [
        ("For a right answer", "Well done."),
        ("Hint 1", "Think of what rotates by itself."),
        ("Hint 2", "Not keys."),
    ]
    assert question.stem.endswith('<p><img src="data:image/png;base64,iVBORw0KGgo=" alt=""></p>')


def test_an_old_image_that_is_not_a_picture_we_keep_is_named():
    svg = base64.b64encode(b"<svg onload='alert(1)'></svg>").decode()
    xml = f"""<quiz><question type="multichoice">
      <name><text>Pic</text></name>
      <questiontext format="plain_text"><text>Which?</text></questiontext>
      <image_base64>{svg}</image_base64>
      <answer fraction="100"><text>A</text></answer><answer fraction="0"><text>B</text></answer>
    </question></quiz>"""
    parsed = parse_moodle_xml(xml)
    assert parsed.questions[0].stem == "Which?"
    assert [(p.line, p.message, p.warning) for p in parsed.problems] == [
        (
            4,
            'the image of question "Pic" (<image_base64>) is not a PNG, JPEG, GIF or WebP '
            "image: not imported",
            True,
        )
    ]
