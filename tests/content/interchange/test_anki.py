"""Anki deck export: the deck opens in Anki, and re-importing it updates instead of duplicating."""

import json
import re
import sqlite3
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

import genanki
import time_machine

from content.interchange.anki import MODEL_NAME, build_apkg, question_note
from content.interchange.model import PLAIN, ImportedChoice, ImportedQuestion
from tests.content.interchange.anki_reader import collection_notes, import_apkg, read_apkg

DECK = "AWS Solutions Architect::EC2 security"
KEY = "aws-saa-ec2-security"
MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, 9, tzinfo=UTC)
WEDNESDAY = datetime(2026, 3, 4, 9, tzinfo=UTC)


def questions() -> list[ImportedQuestion]:
    return [
        ImportedQuestion(
            line=0,
            name="ec2-security-q01",
            category="AWS Solutions Architect/EC2 security",
            stem="Which command shows an instance's **security groups**?\n\n"
            "```bash\naws ec2 describe-instances --instance-ids i-0abc\n```",
            choices=[
                ImportedChoice("`aws ec2 describe-instances`", True, "It lists `SecurityGroups`."),
                ImportedChoice("`aws iam list-roles`", False, "Roles are not security groups."),
                ImportedChoice("`aws s3 ls`"),
                ImportedChoice("`aws ec2 describe-vpcs`"),
            ],
            explanation="Security groups are part of the instance description.",
        ),
        ImportedQuestion(
            line=0,
            name="ec2-security-q02",
            category="AWS Solutions Architect/EC2 security",
            stem="Which two controls filter traffic to an EC2 instance?",
            choices=[
                ImportedChoice("Security groups", True),
                ImportedChoice("Network ACLs", True),
                ImportedChoice("IAM policies"),
                ImportedChoice("S3 bucket policies"),
                ImportedChoice("CloudTrail"),
            ],
            explanation="Security groups act on the instance, network ACLs on the subnet.",
        ),
        ImportedQuestion(
            line=0,
            name="ec2-security-q03",
            category="AWS Solutions Architect/EC2 security",
            stem="How do you give a running instance access to S3?",
            choices=[
                ImportedChoice("Stop the instance and launch a new one with a role", label="A"),
                ImportedChoice("Attach an IAM role to the instance", True, label="B"),
                ImportedChoice("Put access keys in user data", label="C"),
                ImportedChoice("Open port 443 in the security group", label="D"),
            ],
            explanation="Roles can be attached to running instances, unlike [[C]].",
            # As from_question writes them: choice references by stable label.
            outdated=[
                "[[A]] was correct until Feb 2017: roles could only be set at launch before "
                "then, not as [[D]] says."
            ],
        ),
    ]


def export(tmp_path, name, items, when):
    with time_machine.travel(when, tick=False):
        data = build_apkg(deck_name=DECK, deck_key=KEY, questions=items)
    path = tmp_path / name
    path.write_bytes(data)
    return path


def by_id(notes):
    return {note["Id"]: note for note in notes}


def shown_letter(front: str, choice_text: str) -> str:
    """The letter the card shows in front of a choice."""
    letters = {
        text: letter
        for letter, text in re.findall(r'<span class="letter">([A-Z])\.</span> (.*?)</li>', front)
    }
    return letters[choice_text]


def test_exported_deck_opens_in_anki_with_one_note_per_question(tmp_path):
    deck = export(tmp_path, "deck.apkg", questions(), MONDAY)

    notes = by_id(read_apkg(deck, tmp_path / "collection"))

    assert sorted(notes) == ["ec2-security-q01", "ec2-security-q02", "ec2-security-q03"]
    first = notes["ec2-security-q01"]
    assert first["deck"] == DECK
    assert first["notetype"] == MODEL_NAME
    assert first["guid"] == genanki.guid_for("ec2-security-q01")
    assert first["tags"] == ["AWS_Solutions_Architect::EC2_security"]
    assert "Which command shows an instance's <strong>security groups</strong>?" in first["Front"]
    assert "<pre><code" in first["Front"]
    assert "aws ec2 describe-instances --instance-ids i-0abc" in first["Front"]
    letter = shown_letter(first["Front"], "<code>aws ec2 describe-instances</code>")
    assert f"<h4>Answer: {letter}</h4>" in first["Back"]
    assert "It lists <code>SecurityGroups</code>." in first["Back"]
    assert "Roles are not security groups." in first["Back"]
    assert "Security groups are part of the instance description." in first["Back"]
    assert "(Choose" not in first["Front"]
    assert "Outdated answers" not in first["Back"]


def test_multi_answer_question_says_how_many_to_choose_and_shows_both_answers(tmp_path):
    notes = by_id(read_apkg(export(tmp_path, "deck.apkg", questions(), MONDAY), tmp_path / "c"))

    note = notes["ec2-security-q02"]
    assert "(Choose 2)" in note["Front"]
    letters = sorted(
        [
            shown_letter(note["Front"], "Security groups"),
            shown_letter(note["Front"], "Network ACLs"),
        ]
    )
    assert f"<h4>Answer: {', '.join(letters)}</h4>" in note["Back"]
    assert "Security groups</li>" in note["Back"] and "Network ACLs</li>" in note["Back"]


def test_outdated_answers_are_on_the_back_with_the_letter_the_card_shows(tmp_path):
    notes = by_id(read_apkg(export(tmp_path, "deck.apkg", questions(), MONDAY), tmp_path / "c"))

    note = notes["ec2-security-q03"]
    old = shown_letter(note["Front"], "Stop the instance and launch a new one with a role")
    port = shown_letter(note["Front"], "Open port 443 in the security group")
    keys = shown_letter(note["Front"], "Put access keys in user data")
    assert old != "A"  # shuffled away from its bank letter, so the note's letter is translated
    assert "<h4>Outdated answers</h4>" in note["Back"]
    assert (
        f"<li>{old} was correct until Feb 2017: roles could only be set at launch before "
        f"then, not as {port} says.</li>" in note["Back"]
    )
    assert f"Roles can be attached to running instances, unlike {keys}." in note["Back"]


def test_reexport_with_a_changed_explanation_updates_that_note_instead_of_duplicating(tmp_path):
    collection = tmp_path / "collection"
    before = by_id(read_apkg(export(tmp_path, "monday.apkg", questions(), MONDAY), collection))
    changed = questions()
    changed[1] = replace(changed[1], explanation="Network ACLs are stateless; groups are not.")

    log = import_apkg(export(tmp_path, "tuesday.apkg", changed, TUESDAY), collection)
    after = by_id(collection_notes(collection))

    assert log["new"] == log["conflicting"] == log["missing_notetype"] == 0
    assert len(after) == 3
    assert after["ec2-security-q02"]["guid"] == before["ec2-security-q02"]["guid"]
    assert "Network ACLs are stateless; groups are not." in after["ec2-security-q02"]["Back"]
    assert after["ec2-security-q02"]["Front"] == before["ec2-security-q02"]["Front"]
    assert {k: v for k, v in after.items() if k != "ec2-security-q02"} == {
        k: v for k, v in before.items() if k != "ec2-security-q02"
    }


def test_reexport_with_a_new_question_adds_exactly_one_note(tmp_path):
    collection = tmp_path / "collection"
    read_apkg(export(tmp_path, "monday.apkg", questions(), MONDAY), collection)
    new = replace(questions()[0], name="ec2-security-q04", stem="What does a key pair protect?")

    log = import_apkg(
        export(tmp_path, "wednesday.apkg", [*questions(), new], WEDNESDAY), collection
    )
    notes = by_id(collection_notes(collection))

    assert log["new"] == 1
    assert len(notes) == 4
    assert "What does a key pair protect?" in notes["ec2-security-q04"]["Front"]
    assert {note["deck"] for note in notes.values()} == {DECK}


def package_contents(data: bytes) -> dict:
    """What identifies the deck inside an .apkg: deck ids, note type ids, notes."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        database = archive.read("collection.anki2")
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(database)
        decks, models = connection.execute("SELECT decks, models FROM col").fetchone()
        notes = connection.execute("SELECT guid, mid, flds FROM notes ORDER BY guid").fetchall()
    finally:
        connection.close()
    return {
        "decks": {int(i): deck["name"] for i, deck in json.loads(decks).items() if int(i) != 1},
        "models": {int(i): model["name"] for i, model in json.loads(models).items()},
        "notes": notes,
    }


def test_two_exports_of_the_same_questions_have_identical_ids_and_fields():
    with time_machine.travel(MONDAY, tick=False):
        monday = package_contents(build_apkg(deck_name=DECK, deck_key=KEY, questions=questions()))
    with time_machine.travel(TUESDAY, tick=False):
        tuesday = package_contents(build_apkg(deck_name=DECK, deck_key=KEY, questions=questions()))

    assert monday == tuesday
    [(deck_id, name)] = monday["decks"].items()
    [(model_id, model)] = monday["models"].items()
    assert name == DECK and model == MODEL_NAME
    assert 1 << 30 <= deck_id < 1 << 31 and 1 << 30 <= model_id < 1 << 31
    assert len(monday["notes"]) == 3
    assert {guid for guid, _mid, _flds in monday["notes"]} == {
        genanki.guid_for(q.name) for q in questions()
    }


def test_another_deck_key_gets_another_deck_id_but_the_same_note_type():
    this = package_contents(build_apkg(deck_name=DECK, deck_key=KEY, questions=questions()))
    other = package_contents(build_apkg(deck_name=DECK, deck_key="gcp-ace", questions=questions()))

    assert this["decks"].keys() != other["decks"].keys()
    assert this["models"] == other["models"]


def shown_choices(front: str) -> list[str]:
    return re.findall(r'<span class="letter">[A-Z]\.</span> (.*?)</li>', front)


def test_choices_are_shuffled_by_question_id_and_lettered_in_shown_order():
    question = questions()[1]
    file_order = [choice.text for choice in question.choices]

    front = question_note(question).fields[0]
    again = question_note(replace(question, explanation="Edited.")).fields[0]
    other_id = question_note(replace(question, name="another-id")).fields[0]

    assert re.findall(r'<span class="letter">([A-Z])\.</span>', front) == list("ABCDE")
    assert sorted(shown_choices(front)) == sorted(file_order)
    assert shown_choices(front) != file_order
    assert again == front  # the order depends on the id alone
    assert sorted(shown_choices(other_id)) == sorted(file_order)


def test_plain_text_questions_are_escaped_not_rendered():
    question = ImportedQuestion(
        line=1,
        name="plain",
        stem="Is <b>this</b> *bold*?",
        choices=[ImportedChoice("a < b", True), ImportedChoice("a > b")],
        text_format=PLAIN,
    )

    front, back, identity = question_note(question).fields

    assert "Is &lt;b&gt;this&lt;/b&gt; *bold*?" in front
    assert "a &lt; b</li>" in back
    assert identity == "plain"
