"""Question files from the real world: any name becomes an id the same way every time, a
question is updated only from the file (and under the name) it came from, repeats are
forgiven as Moodle forgives them, and line endings are all one."""

import pytest
from django.core.management import call_command

from content.interchange.formats import parse_bytes
from content.interchange.identity import name_slug
from content.interchange.model import Parsed
from content.interchange.plan import CREATE, UNCHANGED, UPDATE, import_apply, import_plan
from quiz.models import Question
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def gift(text: str) -> Parsed:
    return parse_bytes(text.encode(), "gift")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("EE_mod_05_T39_P079", "ee-mod-05-t39-p079"),
        ("my_q1", "my-q1"),
        ("Jesus' hometown", "jesus-hometown"),
        ("Grant's Tomb", "grants-tomb"),
        ("  Kanji  Origins ", "kanji-origins"),
    ],
)
def test_any_name_becomes_id_letters(name, slug):
    assert name_slug(name) == slug


def test_names_with_letters_beyond_ascii_keep_apart():
    assert name_slug("Straße 1") != name_slug("Strasse 1")
    assert name_slug("漢字") and name_slug("漢字") != name_slug("仮名")
    assert name_slug("Straße 1") == name_slug("Straße 1")  # the same every time


def test_an_underscored_name_is_imported_not_refused():
    topic = TopicFactory(slug="moodle")
    plan = import_plan(gift("::my_q1:: Pick one?{=a ~b}"), topic=topic, file_name="a.gift")
    assert plan.ok, plan.errors
    assert [(i.ext_id, i.action) for i in plan.items] == [("moodle-my-q1", CREATE)]


def test_a_generic_name_from_another_file_is_a_new_question():
    topic = TopicFactory(slug="t")
    import_apply(import_plan(gift("::Q1:: The sky is blue.{T}"), topic=topic, file_name="tf.gift"))
    other = gift("::Q1:: What is 2+2?{=4 ~5 ~22}")
    plan = import_plan(other, topic=topic, file_name="sums.gift")
    assert [(i.ext_id, i.action) for i in plan.items] == [("t-q1-2", CREATE)]
    import_apply(plan)
    assert Question.objects.get(ext_id="t-q1").stem == "The sky is blue."
    # Each file's Q1 is then found again, by file and name.
    again = import_plan(gift("::Q1:: What is 2+2?{=4 ~5 ~22}"), topic=topic, file_name="sums.gift")
    assert [(i.ext_id, i.action) for i in again.items] == [("t-q1-2", UNCHANGED)]
    fixed = import_plan(
        gift("::Q1:: The sky is blue at noon.{T}"), topic=topic, file_name="tf.gift"
    )
    assert [(i.ext_id, i.action) for i in fixed.items] == [("t-q1", UPDATE)]
    stored = Question.objects.get(ext_id="t-q1-2")
    assert (stored.import_name, stored.import_file) == ("Q1", "sums.gift")


def test_the_librarys_question_is_never_taken_by_a_files_name():
    topic = TopicFactory(slug="ec2")
    library = QuestionFactory(topic=topic, ext_id="ec2-q01", stem="The library's own")
    plan = import_plan(gift("::q01:: Pick one?{=a ~b}"), topic=topic, file_name="x.gift")
    assert [(i.ext_id, i.action) for i in plan.items] == [("ec2-q01-2", CREATE)]
    library.refresh_from_db()
    assert library.stem == "The library's own"


def test_our_own_export_ids_update_whatever_the_file_is_called():
    topic = TopicFactory(slug="ec2")
    QuestionFactory(topic=topic, ext_id="ec2-q01", stem="Old text?")
    plan = import_plan(gift("::ec2-q01:: New text?{=a ~b}"), topic=topic, file_name="any.gift")
    assert [(i.ext_id, i.action) for i in plan.items] == [("ec2-q01", UPDATE)]


def test_questions_imported_before_files_were_recorded_are_still_updated():
    topic = TopicFactory(slug="t")
    QuestionFactory(topic=topic, ext_id="t-q1", stem="Old?", source="Imported")
    plan = import_plan(gift("::Q1:: New?{=a ~b}"), topic=topic, file_name="tf.gift")
    assert [(i.ext_id, i.action) for i in plan.items] == [("t-q1", UPDATE)]


def test_bare_carriage_returns_are_line_breaks():
    parsed = parse_bytes(b"::a:: One?\r{=x ~y}\r\r::b:: Two\rlines?{=x ~y}\r\n", "gift")
    assert [(q.name, q.stem) for q in parsed.questions] == [("a", "One?"), ("b", "Two\nlines?")]
    assert not parsed.problems


def test_moodle_style_examples_come_in_with_every_skip_and_warning_named(tmp_path, capsys):
    """Our own file with what Moodle's examples.txt does: repeats, partial credit beside =,
    a name reused by a short-answer question, kinds we do not import."""
    text = "\n\n".join(
        [
            "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
            "Grant is buried in Grant's tomb.{FALSE}",
            "Who's buried in Grant's tomb?{=no one =nobody}",
            "Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}",
            "Grant is buried in Grant's tomb.{F}",
            "Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}",
            "::Hometown::Jesus Christ was from {~Jerusalem ~%50%Galilee =Nazareth}.",
            "::Hometown:: Jesus Christ was from {=Nazareth =%75%Nazereth}.",
            "When was Ulysses S. Grant born?{#1822:1}",
        ]
    )
    path = tmp_path / "examples.txt"
    path.write_text(text)
    topic = TopicFactory(slug="moodle")
    call_command("import_questions", str(path), "--topic", topic.slug, "--skip-unsupported")
    out = capsys.readouterr().out
    assert "Imported into" in out and "4 create" in out
    for expected in [
        "examples.txt:7: warning: repeats the question of line 1: imported once",
        "examples.txt:9: warning: repeats the question of line 3: imported once",
        'examples.txt:11: warning: question "Difficult question.{~wrong answer ~%50%h…" gives partial credit (50%)',
        'examples.txt:13: warning: question "Hometown" gives partial credit (50%)',
        "examples.txt:5: skip: short-answer question",
        'examples.txt:15: skip: short-answer question "Hometown"',
        "examples.txt:17: skip: numerical question",
    ]:
        assert expected in out, expected
    assert Question.objects.filter(topic=topic).count() == 4


@pytest.mark.parametrize(
    ("gift_text", "shown"),
    [
        (r"\# of instances: which is right?", "<p># of instances: which is right?</p>"),
        ("Order them:\n1. first\n2. second", "<p>Order them:<br>\n1. first<br>\n2. second</p>"),
        ("Is **this** bold? Use <b>tags</b>", "<p>Is **this** bold? Use <b>tags</b></p>"),
        ("- not a list\n> not a quote", "<p>- not a list<br>\n&gt; not a quote</p>"),
        ("Which is 2 * 3_4?", "<p>Which is 2 * 3_4?</p>"),
    ],
)
def test_untagged_gift_text_reads_as_moodles_auto_format(gift_text, shown):
    """Moodle reads untagged GIFT as plain text with its line breaks, HTML allowed: no
    heading from a "#", no list from "1.", no bold from "**"."""
    topic = TopicFactory(slug="auto")
    import_apply(import_plan(gift(f"::a:: {gift_text}{{=yes ~no}}"), topic=topic))
    assert Question.objects.get().stem_html == shown


def test_a_markdown_tagged_gift_text_is_still_markdown():
    topic = TopicFactory(slug="md")
    import_apply(import_plan(gift("::a:: [markdown]Is **this** bold?{=yes ~no}"), topic=topic))
    assert Question.objects.get().stem_html == "<p>Is <strong>this</strong> bold?</p>"


def test_finding_which_question_each_is_takes_one_query_for_a_whole_file(
    django_assert_num_queries,
):
    from content.interchange.identity import identify

    topic = TopicFactory(slug="t")
    QuestionFactory(topic=topic, ext_id="t-q1", stem="Stored", source="Imported")
    wanted = [(f"t-q{n}", f"Q{n}", False) for n in range(1, 51)]
    with django_assert_num_queries(1):
        ids = identify(wanted, topic, "f.gift")
    # t-q1 was imported before files were recorded: it is the file's Q1
    assert ids[0] == "t-q1" and ids[1] == "t-q2"


@pytest.mark.parametrize(
    ("html_text", "shown"),
    [
        (r"\# of instances: which is right?", "# of instances: which is right?"),
        ("Order them:\n1. first\n2. second", "Order them:\n1. first\n2. second"),
        ("Is 2 * 3 * 4 <b>24</b>?", "Is 2 * 3 * 4 <b>24</b>?"),
        ("    indented, not code", "indented, not code"),
    ],
)
def test_html_gift_text_is_html_not_markdown(html_text, shown):
    """Moodle reads [html] text as HTML: a "#" is no heading, "1." no list, "*" no emphasis."""
    topic = TopicFactory(slug="html")
    import_apply(import_plan(gift(f"::a:: [html]{html_text}{{=yes ~no}}"), topic=topic))
    html = Question.objects.get().stem_html
    assert html == f"<div>\n{shown}\n</div>"


def _moodle_named(name: str, stem: str, idnumber: str = "") -> bytes:
    number = f"<idnumber>{idnumber}</idnumber>" if idnumber else ""
    return f"""<quiz><question type="multichoice">
  <name><text>{name}</text></name>{number}
  <questiontext format="html"><text>{stem}</text></questiontext>
  <answer fraction="100"><text>Yes</text></answer>
  <answer fraction="0"><text>No</text></answer>
</question></quiz>""".encode()


def test_a_question_keeps_its_moodle_name_and_our_export_brings_it_back_to_itself(tmp_path):
    from content.interchange.export import export_queryset, export_questions

    topic = TopicFactory(slug="mods")
    data = _moodle_named("EE_mod_05_T39_P079", "Is it?")
    import_apply(import_plan(parse_bytes(data, "moodlexml"), topic=topic, file_name="ee.xml"))
    stored = Question.objects.get()
    assert (stored.ext_id, stored.import_name) == ("mods-ee-mod-05-t39-p079", "EE_mod_05_T39_P079")
    for file_format in ("gift", "moodlexml", "csv"):
        exported = export_questions(
            export_queryset(Question.objects.all()), file_format, name="E", key="e"
        )
        assert "EE_mod_05_T39_P079" in exported.data.decode()  # its name, as Moodle had it
        plan = import_plan(parse_bytes(exported.data, file_format), topic=topic, file_name="e.x")
        assert [(i.ext_id, i.action) for i in plan.items] == [(stored.ext_id, UNCHANGED)]


def test_moodles_idnumber_names_the_question_it_was_exported_as():
    """Our export writes our id in <idnumber>, which Moodle keeps: a question that went to
    Moodle and back (Moodle drops our own element) is still the same question."""
    topic = TopicFactory(slug="ee")
    QuestionFactory(topic=topic, ext_id="ee-roles", stem="Old text")
    plan = import_plan(
        parse_bytes(_moodle_named("Roles", "New text", idnumber="ee-roles"), "moodlexml"),
        topic=topic,
        file_name="from-moodle.xml",
    )
    assert [(i.ext_id, i.action) for i in plan.items] == [("ee-roles", UPDATE)]


def test_the_banks_data_in_a_file_is_checked_like_the_rest(tmp_path):
    bad = '// exam-prep: {"number": "three", "set": "S"}\n::a:: Which?{=a ~b}\n'
    parsed = parse_bytes(bad.encode(), "gift")
    assert parsed.questions == []
    assert [(p.line, p.message) for p in parsed.problems] == [
        (1, "the bank's data field number must be a whole number")
    ]
    broken = '// exam-prep: {"number": 3,\n::a:: Which?{=a ~b}\n'
    assert "not valid JSON" in parse_bytes(broken.encode(), "gift").problems[0].message
    unknown = '// exam-prep: {"owner": "x"}\n::a:: Which?{=a ~b}\n'
    assert "unknown field(s) owner" in parse_bytes(unknown.encode(), "gift").problems[0].message
