"""Applying the safe fixes: each one replaces a raw value exactly where the file has it.

Edits are made in the source text (not by re-writing the whole bibliography), so everything
else in the file, its layout, comments and encoding cookie included, stays byte for byte, and
the file is replaced atomically. A fix whose text is no longer where the finding said (the
file changed, or the reader had to repair the line) is skipped, never guessed.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from bibkit.check.registry import Finding
from bibkit.io import atomic_write, decode_bytes

#: how far past its line a raw value may start (values follow their ``name =`` on the same line
#: or soon after; a bounded search cannot jump to another entry's identical text)
_WINDOW = 400


def apply_fixes(findings: list[Finding], encoding: str | None = None) -> tuple[list[Finding], list[str]]:
    """Apply the fixes of ``findings`` to their files; return (fixed findings, messages)."""
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        if f.fix is not None:
            by_file.setdefault(f.fix.file, []).append(f)
    fixed: list[Finding] = []
    messages: list[str] = []
    for file, items in by_file.items():
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            messages.append(f"{file}: not fixed: {exc.strerror}")
            continue
        text, problems = decode_bytes(data, file, encoding)
        if any(p.severity == "error" for p in problems):
            messages.append(f"{file}: not fixed: the file could not be decoded exactly (see the encoding finding)")
            continue
        result, done, notes = fix_text(text, items, file)
        messages.extend(notes)
        if not done:
            continue
        fixed.extend(done)
        if data.startswith(codecs.BOM_UTF8):
            result = "\ufeff" + result
        atomic_write(path, result, encoding or "utf-8")
    return fixed, messages


def fix_text(text: str, findings: list[Finding], name: str) -> tuple[str, list[Finding], list[str]]:
    """``text`` (the contents of ``name``) with the fixes of ``findings`` applied; the findings
    fixed, and a message for each fix left out. The one edit routine for files (``--fix``) and
    for text held elsewhere (the page of ``bibkit serve``)."""
    fixed: list[Finding] = []
    messages: list[str] = []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    edits: list[tuple[int, int, str, Finding]] = []
    for f in findings:
        fix = f.fix
        if fix is None or fix.line < 1 or fix.line > len(starts):
            continue
        base = starts[fix.line - 1]
        pos = text.find(fix.old, base, base + _WINDOW + len(fix.old))
        if pos < 0:
            messages.append(f"{name}:{fix.line}: not fixed ({f.check}): the value is not where it was read")
            continue
        edits.append((pos, pos + len(fix.old), fix.new, f))
    edits.sort(key=lambda e: e[0])
    kept: list[tuple[int, int, str, Finding]] = []
    for edit in edits:
        if kept and edit[0] < kept[-1][1]:
            messages.append(f"{name}:{edit[3].fix.line}: not fixed ({edit[3].check}): overlaps another fix; run --fix again")
            continue
        kept.append(edit)
    out = []
    pos = 0
    for start, end, new, f in kept:
        out.append(text[pos:start])
        out.append(new)
        pos = end
        fixed.append(f)
    out.append(text[pos:])
    return "".join(out), fixed, messages
