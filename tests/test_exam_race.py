"""Autosaves racing the submit, as the attack run did it: five writers save answers while the
learner submits, against gunicorn workers on SQLite and on PostgreSQL. No answer may land
after the attempt is finished, and the grading is of exactly the answers that are stored."""

import os
import random
import re
import sys
import threading
import time

import pytest

from tests.serving import (
    free_port,
    post,
    run,
    signed_in_opener,
    start_server,
    stop_server,
    throwaway_database,
)

SETUP = """
from django.contrib.auth import get_user_model
from quiz.services import attempt_start
from tests.bank import bank_build
bank = bank_build()  # the factory-built bank: its mini mock has 10 questions
user = get_user_model().objects.create_user("racer", password="race-test-pw-1")
attempt = attempt_start(user=user, blueprint=bank.mini)
for item in attempt.questions.select_related("question").order_by("position"):
    for choice in sorted(item.question.choices.all(), key=lambda c: c.label)[:2]:
        print(attempt.pk, item.position, choice.pk, choice.label)
"""

READ = """
from quiz.models import Attempt
attempt = Attempt.objects.get(pk={pk})
print("finished", attempt.finished_at.isoformat())
for item in attempt.questions.order_by("position"):
    saved = item.saved_at.isoformat() if item.saved_at else "-"
    print("item", item.position, item.chosen_labels or "-", item.key_labels, item.is_correct, saved)
"""

WRITERS = 5
pytestmark = pytest.mark.slow  # four gunicorn workers and five writers: about half a minute


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_no_answer_lands_after_submit_and_the_grading_is_of_the_stored_answers(tmp_path):
    with throwaway_database(tmp_path, postgres=on_postgres()) as env:
        run(env, "migrate", "-v", "0")
        rows = [
            line.split()
            for line in run(env, "shell", "--no-imports", "-c", SETUP).stdout.splitlines()
            if re.fullmatch(r"\d+ \d+ \d+ [A-Z]", line)
        ]
        attempt = rows[0][0]
        choices = [(int(position), choice) for _a, position, choice, _label in rows]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, port, workers=4)
        outcomes: list[tuple[float, float, int]] = []  # (sent, answered, status)
        submitted: dict[str, float] = {}
        try:
            opener, token = signed_in_opener(base, "racer", "race-test-pw-1")
            stop = time.monotonic() + 3.0

            def writer(seed: int) -> None:
                rng = random.Random(seed)
                while time.monotonic() < stop:
                    position, choice = rng.choice(choices)
                    sent = time.monotonic()
                    status, _body = post(
                        opener,
                        base,
                        token,
                        f"/exams/attempt/{attempt}/q/{position}/save/",
                        {"choice": choice},
                    )
                    outcomes.append((sent, time.monotonic(), status))
                    if rng.random() < 0.2:
                        post(
                            opener, base, token, f"/exams/attempt/{attempt}/q/{position}/flag/", {}
                        )

            threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(WRITERS)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            submitted["sent"] = time.monotonic()
            status, _body = post(opener, base, token, f"/exams/attempt/{attempt}/submit/", {})
            submitted["answered"] = time.monotonic()
            assert status in (200, 302, 204), status
            for thread in threads:
                thread.join()
        finally:
            stop_server(server)
        stored = run(env, "shell", "--no-imports", "-c", READ.format(pk=attempt)).stdout

    finished = next(line.split()[1] for line in stored.splitlines() if line.startswith("finished"))
    items = [line.split()[1:] for line in stored.splitlines() if line.startswith("item")]
    assert len(items) == 10
    for position, chosen, key, is_correct, saved_at in items:
        # Graded from exactly the stored answer; nothing stored after the finish.
        assert is_correct == str(chosen == key), (position, chosen, key, is_correct)
        assert saved_at == "-" or saved_at <= finished, (position, saved_at, finished)
    accepted_before = [o for o in outcomes if o[1] < submitted["sent"] and o[2] == 200]
    after = [o for o in outcomes if o[0] > submitted["answered"]]
    assert accepted_before, "no save landed before the submit: the race did not happen"
    assert after, "no save was sent after the submit: the race did not happen"
    assert {status for _s, _a, status in after} == {409}  # every one refused, none saved
    assert not [o for o in outcomes if o[2] >= 500]
