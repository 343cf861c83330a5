"""SQLite writers queue on a file lock (config.sqlite): held from BEGIN to commit or
rollback, released by close and by the death of the process that held it."""

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from config.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backend")

ROOT = Path(__file__).resolve().parent.parent


def _wrapper(path: Path) -> DatabaseWrapper:
    settings = {**connection.settings_dict, "NAME": str(path), "TEST": {}}
    return DatabaseWrapper(settings, alias=f"writers-{path.name}")


def _begin(db: DatabaseWrapper) -> None:
    """What transaction.atomic does on entering an outermost block."""
    db.ensure_connection()
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(db: DatabaseWrapper, *, commit: bool = True) -> None:
    db.commit() if commit else db.rollback()
    db.set_autocommit(True)


def _lock_is_free(path: Path) -> bool:
    fd = os.open(f"{path}-writers.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing releases a lock taken here
    return True


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    """These tests open their own connections to their own files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "db.sqlite3"
    db = _wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (id INTEGER PRIMARY KEY, who TEXT)")
    db.close()
    return path


def test_a_transaction_holds_the_writers_lock_from_begin_to_commit(database):
    db = _wrapper(database)
    db.ensure_connection()
    assert _lock_is_free(database)
    _begin(db)
    assert not _lock_is_free(database)
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO answer (who) VALUES ('a')")
    assert not _lock_is_free(database)
    _end(db)
    assert _lock_is_free(database)
    db.close()


def test_rollback_and_close_release_the_lock(database):
    db = _wrapper(database)
    _begin(db)
    _end(db, commit=False)
    assert _lock_is_free(database)
    _begin(db)
    db.close()  # a worker's connection dropped mid-transaction
    assert _lock_is_free(database)


def test_a_waiting_writer_goes_as_soon_as_the_holder_commits(database):
    first, second = _wrapper(database), _wrapper(database)
    _begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO answer (who) VALUES ('first')")
    done = threading.Event()

    def write():
        db = _wrapper(database)  # a connection belongs to its thread
        _begin(db)
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO answer (who) VALUES ('second')")
        _end(db)
        db.close()
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not done.wait(0.2)  # queued behind the open transaction
    _end(first)
    assert done.wait(2)
    writer.join()
    with second.cursor() as cursor:
        cursor.execute("SELECT who FROM answer ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    first.close()
    second.close()


def test_a_killed_holder_releases_the_lock(database):
    holder = (
        "import sys, time\n"
        "from tests.test_sqlite_writers import _wrapper, _begin\n"
        "from pathlib import Path\n"
        "db = _wrapper(Path(sys.argv[1])); _begin(db)\n"
        "db.cursor().execute(\"INSERT INTO answer (who) VALUES ('lost')\")\n"
        "print('holding', flush=True); time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    process = subprocess.Popen(
        [sys.executable, "-c", f"import django; django.setup()\n{holder}", str(database)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "holding"
        assert not _lock_is_free(database)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        deadline = time.monotonic() + 5
        while not _lock_is_free(database) and time.monotonic() < deadline:
            time.sleep(0.01)
        db = _wrapper(database)
        _begin(db)  # neither the file lock nor SQLite's is left behind
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO answer (who) VALUES ('next')")
        _end(db)
        with db.cursor() as cursor:
            cursor.execute("SELECT who FROM answer")
            assert [row[0] for row in cursor.fetchall()] == ["next"]
        db.close()
    finally:
        process.kill()
        process.wait()


def test_an_in_memory_database_has_no_lock_file(tmp_path):
    db = DatabaseWrapper({**connection.settings_dict, "NAME": ":memory:", "TEST": {}}, "memory")
    _begin(db)
    assert db._writer_fd is None
    _end(db)
    db.close()
