"""The one shape of an import error: what is wrong, in which file, at which line.

The library's files (content.reading) and uploaded question files (content.interchange)
report the same record, so the command line, the admin's preview and the tests read
problems one way."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ImportProblem:
    file: str  # the library file's path; "" for an uploaded file, which is the only one
    line: int  # 1-based
    message: str
    unsupported: bool = False  # a question kind we don't import: skippable, not wrong
    warning: bool = False  # imported anyway, but the editor should know (listed, not blocking)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file else f"line {self.line}"
        return f"{where}: {self.message}"
