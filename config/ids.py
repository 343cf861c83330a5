"""What an id in a request is, decided in one place.

An id (a primary key, or a position in a session or exam) is written in ASCII digits, at
most 19 of them, and lies in 1 .. 2**63 - 1: the range of the database's signed 64-bit
integer. Anything else is not an id: a Unicode digit (``²`` passes ``str.isdigit()`` but not
``int()``; ``١`` and ``７`` pass both), a 5,000-digit number (past Python's limit for
``int()``), or a number the database cannot hold (SQLite raises ``OverflowError``,
PostgreSQL "out of range"). Each of those used to be a 500.

- URL paths: the ``id`` converter (registered in config/urls.py) matches only ids, so any
  other value is a 404 before a view runs.
- Posted and query values: ``parse_id`` (None for anything that is not an id); views answer
  400 (a tampered post) or 404.
- Forms: ``IdField``, ``IdModelChoiceField`` and ``IdModelMultipleChoiceField`` show a normal
  validation error instead of reaching the database with the value.
"""

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1
ID_REGEX = "[0-9]{1,19}"
_ID = re.compile(ID_REGEX)


def parse_id(value: object) -> int | None:
    """The id a request value names, or None when it names none (see the module's rules)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values: Iterable[object]) -> list[int] | None:
    """Every value as an id, or None when any one is not an id."""
    ids = [parse_id(value) for value in values]
    return None if None in ids else ids


class IdConverter:
    """``<id:pk>``: a URL path id or position; any other value does not match (404)."""

    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not an id")  # the URL does not match
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


class IdField(forms.IntegerField):
    """A posted id (a hidden reply-to field, say): ASCII digits in the database's range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value.strip() if isinstance(value, str) else value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class _IdChoiceMixin:
    """Model choices keyed by an integer primary key: refuse non-ids before any query."""

    def _refuse_non_ids(self, values: Iterable[object]) -> None:
        if self.to_field_name is not None:
            return  # chosen by another field: not an id
        for value in values:
            if parse_id(value if isinstance(value, (int, str)) else str(value)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(value)[:40]},
                )


class IdModelChoiceField(_IdChoiceMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, self.queryset.model):
            self._refuse_non_ids([value])
        return super().to_python(value)


class IdModelMultipleChoiceField(_IdChoiceMixin, forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField runs ``pk__in`` with the raw values: a number past the
    database's range raised OverflowError there (a 500) instead of a form error."""

    def _check_values(self, value):
        try:
            values = list(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        self._refuse_non_ids(values)
        return super()._check_values(values)
