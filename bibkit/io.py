"""Reading users' files (encodings, BOMs) and writing files atomically.

Writes go to a temporary file in the same folder, are flushed to disk, then renamed over the
target: a crash leaves either the old file or the new one, never half a bibliography.
"""
from __future__ import annotations

import codecs
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

from bibkit.diagnostics import BibkitError, Problem

_COOKIE = re.compile(rb"(?:-\*-.*?coding:\s*([\w.\-]+)|%\s*!TeX\s+encoding\s*=\s*([\w.\-]+)|@comment\{jabref-meta: encoding:\s*([\w.\-]+)"
                     rb"|^\s*<\?xml[^>]*?encoding=[\"']([\w.\-]+))", re.IGNORECASE)


def declared_encoding(data: bytes) -> str | None:
    """The encoding a file declares (Emacs cookie, ``% !TeX encoding``, JabRef's meta comment)."""
    cookie = _COOKIE.search(data[:4096])
    if not cookie:
        return None
    declared = next(g for g in cookie.groups() if g).decode("ascii")
    declared = re.sub(r"-(unix|dos|mac)$", "", declared)  # Emacs end-of-line suffixes
    try:
        codecs.lookup(declared)
    except LookupError:
        declared = declared.replace("-", "")  # Emacs "latin-9" is Python's "latin9"
    return declared


def file_encoding(data: bytes, encoding: str | None = None) -> str:
    """The encoding :func:`decode_bytes` reads ``data`` in, to write a file back the same way."""
    if encoding:
        return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return declared_encoding(data) or "utf-8"


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> tuple[str, list[Problem]]:
    """Bytes -> text. UTF-8 (BOM stripped) unless ``encoding`` or a coding cookie says otherwise.

    A file that is not UTF-8 and declares nothing is not guessed at: the problem names the line
    of the first bad byte and the option that fixes it, and the text is decoded with
    replacement characters so the rest of the file can still be read.
    """
    problems: list[Problem] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if encoding:
        try:
            return data.decode(encoding), problems
        except LookupError:
            raise BibkitError(f"unknown encoding {encoding!r}")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            problems.append(Problem(f"not valid {encoding}: byte 0x{data[exc.start]:02x}", name, line, "error", "encoding"))
            return data.decode(encoding, errors="replace"), problems
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        declared = declared_encoding(data)
        if declared:
            try:
                text = data.decode(declared)
                problems.append(Problem(f"file is not UTF-8; decoded as {declared} (declared in the file)", name, None, "info", "encoding"))
                return text, problems
            except (LookupError, UnicodeDecodeError):
                pass
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(Problem(
            f"file is not UTF-8 (byte 0x{data[exc.start]:02x}); bad bytes replaced with U+FFFD. "
            f"If it is Latin-1, rerun with --encoding latin-1",
            name, line, "error", "encoding"))
        return data.decode("utf-8", errors="replace"), problems


def read_input(path: str, encoding: str | None = None) -> tuple[str, list[Problem]]:
    """Read a path (``-`` is standard input) as text."""
    if path == "-":
        data = sys.stdin.buffer.read()
        return decode_bytes(data, "<stdin>", encoding)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise BibkitError(f"{path}: no such file")
    except IsADirectoryError:
        raise BibkitError(f"{path}: is a directory")
    except PermissionError:
        raise BibkitError(f"{path}: permission denied")
    return decode_bytes(data, path, encoding)


#: bytes a scratch file keeps in memory before it moves to disk
SCRATCH_IN_MEMORY = 8_000_000


def scratch_file(mode: str = "w+b", **options):
    """A temporary file for what a streamed command sets aside (findings, sort records, key
    orders), in memory until it outgrows :data:`SCRATCH_IN_MEMORY`.

    Why: most files are small, and their command should not need a writable temporary folder
    (a read-only sandbox, a full ``/tmp``) nor pay for a file on disk; a large file's scratch
    goes to disk, so memory still does not grow with the file. Only for a file this process
    alone reads and writes: a forked worker would see a copy of what is still in memory.
    """
    return tempfile.SpooledTemporaryFile(max_size=SCRATCH_IN_MEMORY, mode=mode, **options)


@contextmanager
def atomic_writer(path: str | os.PathLike, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text handle whose content replaces ``path`` atomically when the block ends normally
    (temporary file + fsync + rename); an exception leaves ``path`` as it was."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (temporary file + fsync + rename)."""
    with atomic_writer(path, encoding) as handle:
        handle.write(text)
