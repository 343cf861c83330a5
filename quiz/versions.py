"""Question versions as plain data: what a version holds (a snapshot of the question and its
choices as saved) and a readable difference between two of them. Pure: no Django.

A snapshot is a dict: the question's texts and settings ("stem", "explanation", "disputed",
"choose", "shuffle", "difficulty", "source") and its "choices", each a dict with "label" (the
choice's identity), "text", "is_correct", "explanation", "source_note" and "position", in
position order. Status and verification dates are not part of it: they say what is done
with the question, not what it says, and a revert leaves them alone.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

QUESTION_TEXTS = ("stem", "explanation", "disputed")
QUESTION_SETTINGS = ("choose", "shuffle", "difficulty", "source")
CHOICE_FIELDS = ("label", "text", "is_correct", "explanation", "source_note", "position")
_NAMES = {
    "stem": "Question text",
    "explanation": "Explanation",
    "disputed": "Disputed note",
    "choose": "Number to choose",
    "shuffle": "Shuffle choices",
    "difficulty": "Difficulty",
    "source": "Source",
}
_CHOICE_TEXTS = (("text", "text"), ("explanation", "explanation"), ("source_note", "source's note"))
_TOKENS = re.compile(r"\s+|[^\s\w]|\w+")


def question_fields(source, *, shuffle: str = "shuffle") -> dict:
    """A snapshot's question fields read from an object's attributes (a Question names
    its shuffle setting "shuffle_choices")."""
    return {
        name: getattr(source, shuffle if name == "shuffle" else name)
        for name in QUESTION_TEXTS + QUESTION_SETTINGS
    }


def snapshot(question: Mapping, choices: Iterable[Mapping]) -> dict:
    """A version's content from the question's fields and its choices' (any mapping or
    object attributes turned into dicts by the caller)."""
    return {
        **{name: question[name] for name in QUESTION_TEXTS + QUESTION_SETTINGS},
        "choices": [
            {name: choice[name] for name in CHOICE_FIELDS}
            for choice in sorted(choices, key=lambda c: (c["position"], c["label"]))
        ],
    }


def key_of(content: Mapping) -> list[str]:
    return sorted(c["label"] for c in content["choices"] if c["is_correct"])


@dataclass(frozen=True)
class Segment:
    """A run of text that is the same in both ("="), only in the older ("-") or only in
    the newer ("+") version."""

    op: str
    text: str


@dataclass
class Change:
    """One difference: what changed (e.g. "Choice B text"), and either the words that
    changed (`segments`) or a before and after value."""

    what: str
    segments: list[Segment] = field(default_factory=list)
    before: str = ""
    after: str = ""


def word_diff(old: str, new: str) -> list[Segment]:
    """`old` into `new` by words (and punctuation): equal, deleted and inserted runs."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("-", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("+", "".join(b[j1:j2])))
    return segments


def _text_change(what: str, old: str, new: str) -> Change:
    return Change(what, segments=word_diff(old, new))


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value not in (None, "") else "—"


def differences(old: Mapping | None, new: Mapping) -> list[Change]:
    """What changed from `old` to `new` (None: everything in `new` is new): texts as word
    differences, settings and the key as before/after, choices by label (their identity):
    added, removed, moved, re-marked, or with changed texts."""
    if old is None:
        summary = f"{len(new['choices'])} choices, key {'+'.join(key_of(new))}"
        return [Change("Created", after=summary)]
    changes = [
        _text_change(_NAMES[name], old.get(name, ""), new.get(name, ""))
        for name in QUESTION_TEXTS
        if old.get(name, "") != new.get(name, "")
    ]
    changes += [
        Change(_NAMES[name], before=_value(old.get(name)), after=_value(new.get(name)))
        for name in QUESTION_SETTINGS
        if old.get(name) != new.get(name)
    ]
    if key_of(old) != key_of(new):
        changes.append(
            Change("Answer key", before="+".join(key_of(old)), after="+".join(key_of(new)))
        )
    before = {c["label"]: c for c in old["choices"]}
    after = {c["label"]: c for c in new["choices"]}
    order_before = [c["label"] for c in old["choices"] if c["label"] in after]
    order_after = [c["label"] for c in new["choices"] if c["label"] in before]
    for label, choice in after.items():
        if label not in before:
            changes.append(Change(f"Choice {label} added", after=choice["text"]))
            continue
        was = before[label]
        for name, shown in _CHOICE_TEXTS:
            if was[name] != choice[name]:
                changes.append(_text_change(f"Choice {label} {shown}", was[name], choice[name]))
    changes += [
        Change(f"Choice {label} removed", before=choice["text"])
        for label, choice in before.items()
        if label not in after
    ]
    if order_before != order_after:
        changes.append(
            Change("Choice order", before=" ".join(order_before), after=" ".join(order_after))
        )
    return changes
