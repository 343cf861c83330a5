"""The shared part of a question block, rendered once and reused for every learner.

What a question's choices look like (their texts in this screen's letters, explanations,
the editors' explanation, outdated keys) is the same for every learner who sees this
version of the question in this order; only each choice's state differs (chosen, right or
wrong, ruled out). The `shared_block` tag renders a partial of quiz/_question.html once with
a marker where each choice's state goes, keeps it in the "fragments" cache under a digest
of everything it shows, and fills the markers in per request. Because the key is the
content itself, an edit needs no invalidation: the edited question has another key, and
the old entry is never read again. A stale block cannot be shown.
"""

import hashlib
import re

from django import template
from django.core.cache import caches

from quiz.presentation import SLOT_KINDS

register = template.Library()

TEMPLATE = "quiz/_question.html"
# How long an unread block is kept; the cache also forgets the least used when full.
TIMEOUT = 24 * 3600

# A choice's slot (quiz.presentation.SLOT_KINDS). The partials with slots show only
# sanitized markdown (the sanitizer drops NUL) and what the code writes, so nothing a
# question says can be read as a slot.
_SLOT = re.compile("\x00(\\d+)([" + "".join(SLOT_KINDS.values()) + "])\x00")


def _source_digest(origin) -> str:
    """The partials' own source, read when the template is compiled, so blocks of an
    edited template are not read again (development reloads templates without a restart)."""
    loader = getattr(origin, "loader", None)
    source = loader.get_contents(origin) if loader is not None else ""
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def _key(partial: str, source: str, view, params: tuple) -> str:
    """A digest of everything `partial` shows of `view`."""
    question = view.question
    parts = [partial, source, str(question.pk), *map(str, params)]
    if partial == "answer_links":
        parts += [question.ext_id, question.source]
        for reference in question.references.all():
            parts += [str(reference.pk), reference.title, reference.url]
            if reference.note_id:  # its href and label: the note's place and heading
                note = reference.note
                parts += [note.topic.slug, note.anchor, note.heading]
    else:
        for item in view.choices:
            parts += [item.letter, str(item.choice.pk), item.text_html]
            if partial == "answer_choices":
                parts += [item.explanation_html, item.source_note_html]
    if partial == "answer_choices":
        parts += [view.explanation_html, str(question.last_verified)]
        for old in view.outdated:
            parts += [old.letters, str(old.plural), old.until, old.note_html]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"qblock:{digest}"


@register.tag
def shared_block(parser, token):
    """{% shared_block "answer_choices" %}: that partial of quiz/_question.html for the
    context's `view`, its shared part from the cache and each choice's state filled in.
    "answer_choices" (the answered or revealed choices and why), "choice_inputs" (the
    choices to answer) or "answer_links" (references and discussion)."""
    bits = token.split_contents()
    partial = bits[1].strip("\"'") if len(bits) == 2 else ""
    if partial not in _PARTIALS:
        raise template.TemplateSyntaxError(f"shared_block takes one of {', '.join(_PARTIALS)}.")
    return SharedBlockNode(partial, _source_digest(parser.origin))


_PARTIALS = ("answer_choices", "choice_inputs", "answer_links")


class SharedBlockNode(template.Node):
    def __init__(self, partial: str, source: str):
        self.partial, self.source = partial, source
        self._partials: dict[str, template.Template] = {}

    def _template(self, context, name: str):
        # A partial of the template this node was compiled in (compiled again on edit),
        # looked up once, not on every block of every page.
        if name not in self._partials:
            self._partials[name] = context.template.engine.get_template(f"{TEMPLATE}#{name}")
        return self._partials[name]

    def render(self, context) -> str:
        view = context["view"]
        params: tuple = ()
        if self.partial == "choice_inputs":
            params = (
                context.get("input_name") or "choice",
                view.is_multi,
                bool(context.get("optional")),
            )
        cache = caches["fragments"]
        key = _key(self.partial, self.source, view, params)
        shared = cache.get(key)
        if shared is None:  # choices show their slots (ShownChoice.slots), not their state
            shared = self._template(context, self.partial).render(context)
            cache.set(key, shared, TIMEOUT)
        if self.partial == "answer_links":  # nothing per learner
            return shared
        strike = self._template(context, "strike") if context.get("strike_url") else None
        return _fill(shared, view.choices, strike, context)


def _fill(shared: str, choices, strike, context) -> str:
    """Each choice's slots in `shared` filled with that learner's state of it; `strike` is
    the rule-out toggle's partial, if the page has one."""

    def fill(slot: re.Match) -> str:
        item = choices[int(slot[1])]
        kind = slot[2]
        if kind == "s":
            return item.feedback_state
        if kind == "n":
            return item.feedback_note
        if kind == "c":
            return " checked" if item.chosen else ""
        if strike is None:
            return ""
        with context.push(choice_pk=item.choice.pk, letter=item.letter, struck=item.struck):
            return strike.render(context)

    return _SLOT.sub(fill, shared)
