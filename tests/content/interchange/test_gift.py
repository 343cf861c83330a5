"""GIFT: what Moodle's text format reads into, what the bank writes out, and back again."""

import re
from pathlib import Path

import pytest

from content.interchange.gift import parse_gift, write_gift
from content.interchange.model import AUTO, HTML, MARKDOWN, PLAIN, ImportedChoice, ImportedQuestion
from quiz.duplicates import Fingerprint, find_duplicates

FIXTURES = Path(__file__).parent / "fixtures"
UNSUPPORTED_TAIL = " is not supported; only multiple-choice and true/false questions are imported"


def parse_fixture(name):
    return parse_gift((FIXTURES / name).read_text(encoding="utf-8"))


def choices(question):
    return [(c.text, c.is_correct, c.feedback) for c in question.choices]


def errors(parsed):
    return [(p.line, p.message) for p in parsed.problems if not p.warning]


def warnings(parsed):
    return [(p.line, p.message) for p in parsed.problems if p.warning]


def test_multiple_choice_reads_answers_feedback_names_and_lines():
    parsed = parse_fixture("gift_multiple_choice.gift")
    assert parsed.problems == []
    purchase, storage, root, _missing_word = parsed.questions

    assert (purchase.line, purchase.name, purchase.text_format) == (3, "ec2-purchase", AUTO)
    assert purchase.stem == "Which EC2 purchase option fits a steady 24/7 workload for three years?"
    assert choices(purchase) == [
        ("Reserved Instances", True, ""),
        ("Spot Instances", False, ""),
        ("On-Demand Instances", False, ""),
    ]
    assert purchase.explanation == "" and purchase.category == ""

    assert (storage.line, storage.name) == (5, "")
    assert storage.stem == "Which service stores objects?"
    assert choices(storage) == [
        ("Amazon S3", True, "Object storage, built for eleven nines of durability."),
        ("Amazon EBS", False, "Block storage attached to one instance."),
        ("Amazon EFS", False, "A shared file system."),
    ]
    assert storage.explanation == "S3 is the object store; EBS and EFS are block and file storage."

    assert (root.line, root.name) == (12, "iam-root")
    assert root.stem == (
        "What should you do with the root user's access keys\nafter creating an admin IAM user?"
    )
    assert [c.text for c in root.choices if c.is_correct] == ["Delete them"]
    assert len(root.choices) == 3


def test_answer_block_inside_the_text_becomes_a_blank_in_the_stem():
    subnet = parse_fixture("gift_multiple_choice.gift").questions[3]
    assert (subnet.line, subnet.name) == (17, "vpc-missing-word")
    assert subnet.stem == (
        "A subnet whose route table sends 0.0.0.0/0 to an internet gateway is a _____ subnet."
    )
    assert choices(subnet) == [
        ("public", True, ""),
        ("private", False, ""),
        ("isolated", False, ""),
    ]


def test_multiple_answers_are_the_answers_with_positive_weights():
    parsed = parse_fixture("gift_multiple_answers.gift")
    assert parsed.problems == []
    one_zone, three, weight_only = parsed.questions

    assert (one_zone.line, one_zone.name) == (3, "s3-one-zone")
    assert choices(one_zone) == [
        ("S3 One Zone-IA", True, "Single AZ, lower price."),
        ("S3 Express One Zone", True, ""),
        ("S3 Standard", False, "Spans at least three AZs."),
        ("S3 Glacier Flexible Retrieval", False, ""),
    ]
    assert one_zone.explanation == "Only the One Zone classes keep data in one AZ."

    assert (three.line, three.correct_count) == (11, 3)
    assert [c.is_correct for c in three.choices] == [True, True, True, False, False]
    assert three.choices[4].text == "Network ACL"  # ~%0% is a wrong answer

    assert (weight_only.line, weight_only.correct_count) == (14, 1)
    assert weight_only.choices[0] == ImportedChoice("An IAM role", True)


def test_true_false_becomes_two_choices_with_each_feedback_on_its_choice():
    parsed = parse_fixture("gift_true_false.gift")
    assert parsed.problems == []
    unique, stop, free, span = parsed.questions

    assert (unique.line, unique.stem) == (3, "S3 bucket names are unique across all AWS accounts.")
    assert choices(unique) == [("True", True, ""), ("False", False, "")]
    # {FALSE#shown to who answers True (wrong)#shown to who answers False (right)}
    assert (stop.line, choices(stop)) == (
        5,
        [
            ("True", False, "No: the root volume stays; only instance store data is lost."),
            ("False", True, "Right: EBS volumes persist when the instance stops."),
        ],
    )
    assert choices(free) == [("True", False, ""), ("False", True, "")]
    assert free.explanation == "IAM itself is free."
    assert choices(span) == [
        ("True", True, ""),
        ("False", False, "Subnets are per AZ, but the VPC is Regional."),
    ]


@pytest.mark.parametrize("value, true_is_right", [("true", True), ("f", False)])
def test_true_false_keywords_are_read_in_any_case(value, true_is_right):
    (question,) = parse_gift(f"Lambda is serverless.{{{value}}}").questions
    assert [c.is_correct for c in question.choices] == [true_is_right, not true_is_right]


def test_category_applies_to_the_questions_after_it_and_comments_are_ignored():
    parsed = parse_fixture("gift_categories.gift")
    assert parsed.problems == []
    assert [(q.line, q.name, q.category) for q in parsed.questions] == [
        (2, "no-category", ""),
        (7, "ec2-ami", "AWS Solutions Architect/EC2"),
        (9, "ec2-placement", "AWS Solutions Architect/EC2"),
        (14, "iam-policy", "AWS Solutions Architect/IAM"),
    ]
    assert choices(parsed.questions[2]) == [("Spread", True, ""), ("Cluster", False, "")]


def test_escaped_characters_and_newlines_are_read_as_text():
    parsed = parse_fixture("gift_escapes.gift")
    assert parsed.problems == []
    policy, windows, markdown = parsed.questions

    assert (policy.line, policy.name) == (3, "esc:colon")
    assert policy.stem == 'In a policy, what does "Effect": "Deny" do in { "Effect": "Deny" }?'
    assert choices(policy) == [
        (
            "It overrides any Allow = explicit deny wins",
            True,
            "Deny #1 rule: explicit deny always wins.",
        ),
        ("It is ignored\nunless MFA is present", False, ""),
        ("It allows ~ everything", False, ""),
    ]
    assert windows.stem == "Which separator does a Windows AMI use, as in C:\\Windows?"
    assert choices(windows) == [("\\ (backslash)", True, ""), ("/ (slash)", False, "")]
    assert markdown.stem == "Which text stays \\*literal\\* in markdown?"
    assert markdown.choices[0].text == "\\*stars\\*"


def test_format_tag_sets_the_text_format_and_untagged_text_is_moodles_auto_format():
    parsed = parse_fixture("gift_formats.gift")
    assert parsed.problems == []
    assert [(q.line, q.name, q.text_format) for q in parsed.questions] == [
        (3, "fmt-md", MARKDOWN),
        (5, "fmt-html", HTML),
        (7, "fmt-plain", PLAIN),
        (9, "fmt-moodle", AUTO),
        (11, "fmt-none", AUTO),
    ]
    html = parsed.questions[1]
    assert html.stem == "<p>Which <b>VPC</b> component is stateful?</p>"
    assert html.choices[0].text == "<i>Security group</i>"  # an answer's own tag is dropped
    assert parsed.questions[0].stem == "Which **S3** feature keeps old versions?"
    assert parsed.questions[3].stem == "Which EC2 family bursts?<br>Pick one."


def test_every_unsupported_kind_is_reported_with_its_line_and_skipped():
    parsed = parse_fixture("gift_unsupported.gift")
    assert all(problem.unsupported for problem in parsed.problems)
    assert errors(parsed) == [
        (3, 'short-answer question "Capital"' + UNSUPPORTED_TAIL),
        (5, 'numerical question "Numerical"' + UNSUPPORTED_TAIL),
        (7, 'matching question "Matching"' + UNSUPPORTED_TAIL),
        (12, 'essay question "Essay"' + UNSUPPORTED_TAIL),
        (14, 'description "Description" (text with no answer block in braces)' + UNSUPPORTED_TAIL),
        (16, 'essay question "Essay with feedback"' + UNSUPPORTED_TAIL),
    ]
    assert [(q.line, q.name) for q in parsed.questions] == [(18, "still-read")]


def test_malformed_file_reports_every_error_with_its_line_and_keeps_the_good_questions():
    parsed = parse_fixture("gift_malformed.gift")
    assert not any(problem.unsupported for problem in parsed.problems)
    assert errors(parsed) == [
        (3, 'the answer block "{=Lambda ~EC2" is never closed: add "}" after its last answer (before the blank line that ends the question)'),
        (7, 'a "}" with no "{" before it in question "stray": remove it, or write \\} for a literal brace'),
        (9, 'the answer block of question "empty-block" has no answers'),
        (11, 'answer 2 of question "empty-choice" is empty ("~"): write its text after the ~, or remove it'),
        (13, 'question "one-choice" has one answer; a multiple-choice question needs two'),
        (15, 'bad weight "%abc%" in question "bad-weight": write a percentage between -100 and 100 between two % signs, like ~%50%right or ~%-100%wrong'),
        (17, 'the weights of the correct answers of question "bad-sum" add up to 90%, not 100%: split 100 among them (~%50% each for two, ~%33.33333% for three)'),
        (19, 'question "no-right" has no correct answer: mark the right one with = instead of ~ (or, for several, give each a positive weight like ~%50%)'),
        (21, 'question "two-equals" marks 2 answers with =: a question with several correct answers gives each a weight instead, like ~%50%A ~%50%B ~%-100%C'),
        (25, '"CloudFront" comes before the first answer of question "lead": start every answer with = (right) or ~ (wrong)'),
        (27, 'the name of question "::no-name-end Which is a firewall? {=AWS…" has no closing "::"'),
        (29, 'the answer block "{is a {=VPC ~EC2} network?" is not closed before the next "{": end the answers with "}", or write \\{ for a literal brace'),
        # A multi-line question: reported where its "{" is, not where it starts (31).
        (32, 'the answer block "{ =Secrets Manager ~CloudTrail" is never closed: add "}" after its last answer (before the blank line that ends the question)'),
    ]  # fmt: skip
    # Partial credit beside an = answer is read as Moodle reads it, the = answer the key.
    assert warnings(parsed) == [
        (23, 'question "partial" gives partial credit (50%) beside its = answer; imported with the = answer as the key, the partly right answers as wrong (answers here are right or wrong)'),
    ]  # fmt: skip
    assert [(q.line, q.name) for q in parsed.questions] == [
        (5, "fine-1"),
        (23, "partial"),
        (36, "fine-2"),
    ]
    partial = parsed.questions[1]
    assert [(c.text, c.is_correct) for c in partial.choices] == [
        ("Glacier Deep Archive", True),
        ("Glacier Flexible Retrieval", False),
        ("S3 Standard", False),
    ]


@pytest.mark.parametrize(
    "answers, shown",
    [
        ("~%150%EC2 ~%50%S3 ~%50%EBS", "%150%"),
        ("~%fifty%EC2 ~%50%S3 ~%50%EBS", "%fifty%"),
        ("~%50EC2 ~%50%S3 ~%50%EBS", "%50EC2"),
    ],
)
def test_bad_weight_is_one_error_quoting_it(answers, shown):
    parsed = parse_gift(f"::w::Which two?{{{answers}}}")
    assert parsed.questions == []
    assert [(p.line, p.message.split(" in ")[0]) for p in parsed.problems] == [
        (1, f'bad weight "{shown}"')
    ]


def test_weight_after_an_equals_sign_is_reported():
    parsed = parse_gift("Which?{=%50%EC2 ~S3}")
    assert parsed.questions == []
    assert "an = answer is fully right and takes no weight" in parsed.problems[0].message


@pytest.mark.parametrize(
    "text",
    ["{", "}", "::", "::a::", "{~}", "\\", "$CATEGORY:", "", " \n\n ", "{T#", "x{~%%a ~b}", "{#}"],
)
def test_odd_input_never_raises_and_yields_no_question(text):
    assert parse_gift(text).questions == []


def test_one_category_line_followed_by_a_question_without_a_blank_line():
    parsed = parse_gift("$CATEGORY: $system$/AWS/S3\n::a::Which?{=S3 ~EBS}")
    assert [(q.line, q.category) for q in parsed.questions] == [(2, "AWS/S3")]


def bank_question(name, stem, *choices, category="AWS Solutions Architect/EC2", **kw):
    return ImportedQuestion(
        line=0, stem=stem, choices=list(choices), name=name, category=category, **kw
    )


def same(question):
    return (
        question.name,
        question.category,
        question.text_format,
        question.stem,
        choices(question),
        question.explanation,
    )


def test_writes_moodle_gift_with_category_names_markdown_and_feedback():
    questions = [
        bank_question(
            "aws-ec2-001",
            "Which option fits a steady workload?",
            ImportedChoice("Reserved Instances", True, "Cheapest for 24/7."),
            ImportedChoice("Spot Instances", False, "Can be interrupted."),
            explanation="Commit when usage is steady.",
        ),
        bank_question(
            "aws-s3-001",
            "Which two are S3 storage classes?",
            ImportedChoice("Standard-IA", True),
            ImportedChoice("One Zone-IA", True),
            ImportedChoice("gp3", False),
            category="AWS Solutions Architect/S3",
        ),
    ]
    assert write_gift(questions) == (
        "// 2 questions in GIFT format, for Moodle and for this app\n"
        "\n"
        "$CATEGORY: $course$/AWS Solutions Architect/EC2\n"
        "\n"
        "::aws-ec2-001::[markdown]Which option fits a steady workload?{\n"
        "\t=Reserved Instances#Cheapest for 24/7.\n"
        "\t~Spot Instances#Can be interrupted.\n"
        "\t####Commit when usage is steady.\n"
        "}\n"
        "\n"
        "$CATEGORY: $course$/AWS Solutions Architect/S3\n"
        "\n"
        "::aws-s3-001::[markdown]Which two are S3 storage classes?{\n"
        "\t~%50%Standard-IA\n"
        "\t~%50%One Zone-IA\n"
        "\t~%-100%gp3\n"
        "}\n"
    )


def test_special_characters_backslashes_and_newlines_survive_the_round_trip():
    nasty = "a {b} ~c = d # e: f :: g #### h \\ i \\n j \\{ k\n\nsecond paragraph\n    indented"
    original = [
        bank_question(
            "aws:odd{name}",
            f"What does `{nasty}` print?",
            ImportedChoice("{}", True, "because #1 \\ rule"),
            ImportedChoice("~tilde =equals", False, "line one\nline two"),
            ImportedChoice("%50% of it", False, "[html] not a tag"),
            ImportedChoice("[plain] not a tag either", False),
            explanation=f"Why: {nasty}",
        )
    ]
    written = write_gift(original)
    assert "\n\n::" in written and "second paragraph" in written.splitlines()[4]
    parsed = parse_gift(written)
    assert parsed.problems == []
    assert [same(q) for q in parsed.questions] == [same(q) for q in original]


def test_multi_answer_weights_split_one_hundred_as_moodle_accepts():
    question = bank_question(
        "three", "Pick three.", *(ImportedChoice(t, t in "ABC") for t in "ABCDE")
    )
    written = write_gift([question])
    assert written.count("~%33.33333%") == 3 and written.count("~%-100%") == 2
    (back,) = parse_gift(written).questions
    assert same(back) == same(question)


def test_true_false_is_written_as_moodle_true_false_and_read_back():
    question = bank_question(
        "s3-durable",
        "S3 Standard stores data in one Availability Zone.",
        ImportedChoice("True", False, "No: at least three AZs."),
        ImportedChoice("False", True, "Right."),
        explanation="One Zone-IA is the single-AZ class.",
    )
    written = write_gift([question])
    assert (
        "::s3-durable::[markdown]S3 Standard stores data in one Availability Zone."
        "{FALSE#No\\: at least three AZs.#Right.####One Zone-IA is the single-AZ class.}"
    ) in written
    (back,) = parse_gift(written).questions
    assert same(back) == same(question)


def test_outdated_answer_notes_are_kept_in_the_general_feedback():
    question = bank_question(
        "old-key",
        "Which is the default storage class?",
        ImportedChoice("S3 Standard", True),
        ImportedChoice("S3 Glacier", False),
        explanation="Standard is the default.",
        outdated=["B was correct until Feb 2017: the exam guide changed."],
    )
    (back,) = parse_gift(write_gift([question])).questions
    assert back.explanation == (
        "Standard is the default.\n\nB was correct until Feb 2017: the exam guide changed."
    )


@pytest.mark.parametrize(
    "fixture",
    [
        "gift_multiple_choice.gift",
        "gift_multiple_answers.gift",
        "gift_true_false.gift",
        "gift_categories.gift",
        "gift_escapes.gift",
        "gift_formats.gift",
        "acceptance_40_fixed.gift",
    ],
)
def test_every_fixture_reads_the_same_after_writing_it_out(fixture):
    first = parse_fixture(fixture).questions
    again = parse_gift(write_gift(first))
    assert again.problems == []
    assert [same(q) for q in again.questions] == [same(q) for q in first]


def test_acceptance_file_reports_its_two_errors_at_the_lines_its_header_names():
    text = (FIXTURES / "acceptance_40.gift").read_text(encoding="utf-8")
    assert text.startswith("// Broken on purpose at lines ")
    expected_lines = [int(n) for n in re.findall(r"\d+", text.splitlines()[0])[:2]]
    parsed = parse_gift(text)
    assert [p.line for p in parsed.problems] == expected_lines
    assert not any(p.unsupported for p in parsed.problems)
    assert "never closed" in parsed.problems[0].message
    assert "no correct answer" in parsed.problems[1].message
    assert len(parsed.questions) == 38
    assert not {q.line for q in parsed.questions} & set(expected_lines)


def test_fixed_acceptance_file_has_forty_distinct_valid_questions():
    parsed = parse_fixture("acceptance_40_fixed.gift")
    assert parsed.problems == []
    questions = parsed.questions
    assert len(questions) == 40
    assert len({q.name for q in questions}) == 40
    assert {q.category.split("/")[-1] for q in questions} == {"EC2", "IAM", "S3", "VPC"}
    true_false = [q for q in questions if [c.text for c in q.choices] == ["True", "False"]]
    assert len(true_false) >= 5
    assert sum(q.correct_count == 2 for q in questions) >= 5
    assert sum(any(c.feedback for c in q.choices) for q in questions) >= 5
    fingerprints = [Fingerprint.of(q.name, q.stem, [c.text for c in q.choices]) for q in questions]
    assert find_duplicates(fingerprints) == []


def test_a_moodle_course_file_named_in_gift_is_taken_out_and_named_not_left_broken():
    parsed = parse_gift(
        '::pic:: Look: <img src="@@PLUGINFILE@@/vpc.png"> Which? '
        '<a href="@@PLUGINFILE@@/guide%20v2.pdf">the guide</a>{=a ~b#See ![m](@@PLUGINFILE@@/m.png)}'
    )
    [question] = parsed.questions
    assert question.stem == "Look:  Which? the guide</a>"  # the sanitizer drops the lone </a>
    assert question.choices[1].feedback == "See"
    assert warnings(parsed) == [
        (1, 'question "pic" refers to files of its Moodle course (@@PLUGINFILE@@), which a GIFT file does not hold: left out vpc.png (not in the file), guide v2.pdf (a file, not an image), m.png (not in the file)')
    ]  # fmt: skip
