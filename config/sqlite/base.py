"""SQLite, with writers queued on a file lock instead of SQLite's sleeping busy handler.

SQLite lets one transaction write at a time. Every transaction here starts with BEGIN
IMMEDIATE (settings: it takes the write lock up front, so two transactions never deadlock
upgrading a read), and a connection that finds the lock taken waits in SQLite's busy
handler, which polls: it sleeps 1, 2, 5, 10, 15... ms between tries, so a writer waits
milliseconds for a lock held a fraction of one, and under load answers queue in those
sleeps (practice answers' p95 73 ms at 8 clients, most of it asleep). Here each
transaction first takes an exclusive `flock` on a file beside the database: the kernel
queues the waiters and wakes the next the moment the holder commits or rolls back, and
releases it if the holder's process dies (kill -9 included), so a crash never leaves it
taken. SQLite's own lock and busy timeout still guard everything else (a write outside a
transaction, another program), so this only orders writers who would have waited anyway.

A waiter waits as long as the transaction before it: a transaction left open blocks
writers here as it would in SQLite, without the busy timeout's error after 20 s.
In-memory databases (the tests' default) have no file to lock and use SQLite's handler.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_held = False

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or name.startswith("file:"):
            return None
        return f"{name}-writers.lock"

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        path = self._writer_lock_path()
        if path is not None and self._writer_fd is None:
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return connection

    def _start_transaction_under_autocommit(self):
        if self._writer_fd is not None and not self._writer_held:
            fcntl.flock(self._writer_fd, fcntl.LOCK_EX)  # queued by the kernel
            self._writer_held = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
