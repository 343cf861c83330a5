"""Finding duplicate questions: pure Python over plain text, no database.

Two questions are suspected duplicates when, after normalizing (case, punctuation,
markdown, white space, choice order), BOTH their stems and their sets of choices are
at least DUPLICATE_THRESHOLD similar by difflib's ratio (2 * matches / total length).
Requiring both keeps questions that share a long scenario but ask something else
(different choices) apart; 1.0 means identical after normalizing.

Comparing every pair does not scale, so candidates are blocked first: a question is
compared only with questions that share at least two of its eight rarest stem words
(or are identical), and only when their stem words overlap by half or more.
"""

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

DUPLICATE_THRESHOLD = 0.85
_RARE_KEYS = 8  # rarest words of a stem used to find candidates
_MIN_SHARED_KEYS = 2  # candidates share at least this many of those words
_BUCKET_LIMIT = 200  # a word in more stems than this is no use for blocking
_MIN_WORD_OVERLAP = 0.5  # Jaccard of stem words below this cannot reach the threshold

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", text.lower()).strip()


@dataclass(frozen=True)
class Fingerprint:
    key: object  # the caller's id for the question
    stem: str
    choices: str

    @classmethod
    def of(cls, key: object, stem: str, choices: Iterable[str]) -> "Fingerprint":
        return cls(key, normalize(stem), " | ".join(sorted(normalize(c) for c in choices)))


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < DUPLICATE_THRESHOLD:
        return 0.0
    if matcher.quick_ratio() < DUPLICATE_THRESHOLD:
        return 0.0
    return matcher.ratio()


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """min(stem ratio, choices ratio); 0.0 early when it cannot reach the threshold."""
    stem = _ratio(a.stem, b.stem)
    if stem < DUPLICATE_THRESHOLD:
        return stem
    return min(stem, _ratio(a.choices, b.choices))


def find_duplicates(fingerprints: list[Fingerprint]) -> list[tuple[object, object, float]]:
    """Every pair at or above the threshold, as (key_a, key_b, similarity), most similar first."""
    words = [frozenset(fp.stem.split()) for fp in fingerprints]
    frequency: Counter = Counter(word for stem_words in words for word in stem_words)
    buckets: dict[str, list[int]] = defaultdict(list)
    exact: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (fp, stem_words) in enumerate(zip(fingerprints, words, strict=True)):
        exact[(fp.stem, fp.choices)].append(index)
        for word in sorted(stem_words, key=lambda w: (frequency[w], w))[:_RARE_KEYS]:
            buckets[word].append(index)

    # Near duplicates share several of their rarest words; chance pairs share one at most.
    shared: Counter = Counter()
    for group in buckets.values():
        if len(group) <= _BUCKET_LIMIT:
            shared.update(combinations(group, 2))
    candidates = {pair for pair, n in shared.items() if n >= _MIN_SHARED_KEYS}
    for group in exact.values():
        candidates.update(combinations(group, 2))

    pairs = []
    for i, j in candidates:
        a, b = words[i], words[j]
        if a and b and len(a & b) / len(a | b) < _MIN_WORD_OVERLAP:
            continue  # cheap check first: too few words in common to be near-identical text
        score = similarity(fingerprints[i], fingerprints[j])
        if score >= DUPLICATE_THRESHOLD:
            pairs.append((fingerprints[i].key, fingerprints[j].key, round(score, 4)))
    return sorted(pairs, key=lambda pair: (-pair[2], str(pair[0]), str(pair[1])))


# ---- pairing the choices of two duplicates ------------------------------------------------

CHOICE_PAIR_THRESHOLD = 0.85  # near-identical choice texts (difflib ratio after normalizing)


def pair_choices(
    duplicate: Iterable[tuple[str, str]], survivor: Iterable[tuple[str, str]]
) -> dict[str, str | None]:
    """For each choice of the duplicate (label, text), the survivor's choice with the same
    meaning: identical text after normalizing first, then the most similar at or above
    CHOICE_PAIR_THRESHOLD, each survivor choice used once; None where nothing is close.

    Labels never decide: the two questions may list the same choices in another order, and
    a learner who chose "IAM role" must stay on "IAM role" after a merge."""
    duplicate, survivor = list(duplicate), list(survivor)
    pairing: dict[str, str | None] = {label: None for label, _text in duplicate}
    free = {label: normalize(text) for label, text in survivor}
    for label, text in duplicate:
        same = next((s for s, other in free.items() if other == normalize(text)), None)
        if same is not None:
            pairing[label] = same
            del free[same]
    scored = sorted(
        (
            (-SequenceMatcher(None, normalize(text), other, autojunk=False).ratio(), label, s)
            for label, text in duplicate
            if pairing[label] is None
            for s, other in free.items()
        ),
    )
    for negative, label, s in scored:
        if -negative < CHOICE_PAIR_THRESHOLD:
            break
        if pairing[label] is None and s in free:
            pairing[label] = s
            del free[s]
    return pairing


def remap_labels(labels: str, pairing: dict[str, str]) -> str:
    """Comma-separated labels ("A,C") of one question as the other's, sorted."""
    return ",".join(sorted(pairing[label] for label in labels.split(",") if label))
