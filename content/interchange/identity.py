"""Which bank question a file's question is, and the id a new one gets.

A question is the same as a stored one only when the file says so: by our own id (which
our exports carry, model.BankExtras, and Moodle XML's <idnumber>), or by the same name
from the same file as the import that made it. Anything else is a new question, with an
id derived deterministically from its name (or, unnamed, from all it says).
"""

import hashlib
import re
from dataclasses import replace

from django.utils.text import slugify

from content.interchange.model import ImportedQuestion
from content.interchange.updates import IMPORTED_SOURCE
from quiz.models import Question
from study.models import Topic

_DASHES = re.compile(r"[-_\s]+")
_NUMBERED = re.compile(r"(.+)-(\d+)")


def name_slug(name: str) -> str:
    """A name as id letters: lowercase ASCII letters and digits between single dashes
    ("EE_mod_05_T39_P079" -> "ee-mod-05-t39-p079"). A name with letters that have no ASCII
    form (ß, 漢) keeps what it can and gains a short hash of the whole name, so two such
    names never meet."""
    slug = _DASHES.sub("-", slugify(_DASHES.sub("-", name))).strip("-")
    foreign = any(char.isalnum() and not char.isascii() for char in name)
    if name.strip() and (foreign or not slug):
        digest = hashlib.sha1(name.encode()).hexdigest()[:6]
        slug = f"{slug[:50]}-{digest}".strip("-")
    return slug


def own_id(topic: Topic, question: ImportedQuestion) -> str:
    """Our id for the question when the file carries one of this topic's ("" if not): our
    exports' extras, Moodle's <idnumber>, or a name that is one (files exported before
    exports carried extras)."""
    for claim in (question.extras.id, question.name):
        slug = name_slug(claim)[:100].strip("-")
        if slug.startswith(f"{topic.slug}-"):
            return slug
    return ""


def ext_id_for(topic: Topic, question: ImportedQuestion) -> str:
    """The id a question of a file starts from (deterministic): our own id when it carries
    one of this topic's, else the topic's slug and the name's letters, or without a name a
    hash of all it says (text, answers, feedback). Which stored question it is, if any,
    `identify` decides (the same name from the same file)."""
    if own := own_id(topic, question):
        return own
    base = name_slug(question.name)[:60].strip("-")
    if not base:  # unnamed: the question is what it says, feedback included
        text = repr(replace(question, line=0, category=""))
        base = "q" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return f"{topic.slug}-{base}"[:100].strip("-")


def identify(wanted: list[tuple[str, str, bool]], topic: Topic, file_name: str) -> list[str]:
    """For each (ext_id_for, name, whether that is our own id) of a file's questions, the id
    it is stored under: our own id is itself; any other name is the question imported
    earlier from the same file under the same name (or, made before files were recorded,
    the plain import with exactly that id); anything else is a new question, under the
    first free id from its own (id, id-2, id-3 ...)."""
    taken_here: set[str] = set()
    # Every id these can take starts with the topic's slug: one query for all of them,
    # indexed by the id each stands for ("t-q1" and "t-q1-2" both under "t-q1").
    bank = {
        question.ext_id: question
        for question in Question.objects.filter(ext_id__startswith=f"{topic.slug}-").only(
            "ext_id", "import_file", "import_name", "source"
        )
    }
    under: dict[str, list[str]] = {}
    for ext_id in bank:
        under.setdefault(ext_id, []).append(ext_id)
        if numbered := _NUMBERED.fullmatch(ext_id):
            under.setdefault(numbered.group(1), []).append(ext_id)
    ids = []
    for base, name, own in wanted:
        if own:
            taken_here.add(base)
            ids.append(base)
            continue
        stored = {ext_id: bank[ext_id] for ext_id in under.get(base, [])}
        same = next(
            (
                ext_id
                for ext_id, question in sorted(stored.items())
                if (question.import_file, question.import_name) == (file_name, name)
                and (file_name or name)
            ),
            None,
        )
        legacy = stored.get(base)
        if same is None and legacy and not legacy.import_file and legacy.source == IMPORTED_SOURCE:
            same = base
        if same is None:
            same = next(
                candidate
                for candidate in (base, *(f"{base}-{n}" for n in range(2, len(stored) + 3)))
                if candidate not in stored and candidate not in taken_here
            )
        taken_here.add(same)
        ids.append(same)
    return ids
