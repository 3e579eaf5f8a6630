"""Problems found in a user's input, reported as ``file:line: message`` and never raised.

Importers collect problems instead of throwing, so that one bad entry never stops a file: the
CLI prints them and chooses the exit status from their severities.
"""
from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    ``severity`` is ``error`` when something could not be read as written (a block skipped or
    a value recovered by guessing), ``warning`` when the data was kept but is suspect.
    ``code`` is a short stable id (``bad-month``, ``duplicate-key``) that checks and tests use.
    """

    message: str
    file: str = "<input>"
    line: int | None = None
    severity: str = "warning"
    code: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        label = "" if self.severity == "warning" else f"{self.severity}: "
        return f"{where}: {label}{self.message}"


class BibkitError(Exception):
    """An error the user can fix (bad option, unknown format); the CLI prints it without a traceback."""


class Reporter:
    """Collects problems for one input file, so importers need not repeat the file name."""

    def __init__(self, file: str, sink: list[Problem]):
        self.file = file
        self.sink = sink

    def warn(self, line: int | None, message: str, code: str = "") -> None:
        self.sink.append(Problem(message, self.file, line, "warning", code))

    def error(self, line: int | None, message: str, code: str = "") -> None:
        self.sink.append(Problem(message, self.file, line, "error", code))

    def info(self, line: int | None, message: str, code: str = "") -> None:
        self.sink.append(Problem(message, self.file, line, "info", code))
