"""Run the real TeX tools on a .bib that bibkit wrote: bibtex (plain.bst), biber with biblatex,
and pdflatex on a ``\\nocite{*}`` document. Each tool runs with a timeout (biber aborts on a NUL
byte; a hung TeX must fail the test, not the CI run)."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import require_tool

TIMEOUT = 120


@dataclass
class TexResult:
    ok: bool
    log: str
    errors: list[str]


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL, errors="replace")


# Logo macros that real bibliographies use (Knuth's "The {\METAFONT}book") and documents define.
DOC_MACROS = "\\providecommand{\\METAFONT}{METAFONT}\n"


def check_with_bibtex(bib_text: str, workdir: Path, style: str = "plain") -> TexResult:
    """pdflatex + bibtex + pdflatex; errors are bibtex's error lines and LaTeX's '!' lines."""
    for tool in ("pdflatex", "bibtex"):
        require_tool(tool)
    (workdir / "refs.bib").write_text(bib_text, encoding="utf-8")
    (workdir / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{url}\n\\usepackage{hyperref}\n" + DOC_MACROS + "\\begin{document}\n\\nocite{*}\n"
        f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n",
        encoding="utf-8")
    log = []
    first = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], workdir)
    log.append(first.stdout)
    bib = _run(["bibtex", "doc"], workdir)
    log.append(bib.stdout + bib.stderr)
    second = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], workdir)
    log.append(second.stdout)
    errors = [line for line in (bib.stdout + bib.stderr).splitlines()
              if re.search(r"error message|I was expecting|I'm ignoring|Illegal|You're missing", line)]
    errors += [line for line in second.stdout.splitlines() if line.startswith("!")]
    ok = bib.returncode in (0, 1) and second.returncode == 0 and not errors
    return TexResult(ok, "\n".join(log), errors)


def check_with_biber(bib_text: str, workdir: Path) -> TexResult:
    """pdflatex + biber + pdflatex with biblatex; errors are biber's ERROR lines and LaTeX's '!'."""
    for tool in ("pdflatex", "biber"):
        require_tool(tool)
    (workdir / "refs.bib").write_text(bib_text, encoding="utf-8")
    (workdir / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{hyperref}\n\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n" + DOC_MACROS +
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n",
        encoding="utf-8")
    log = []
    first = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], workdir)
    log.append(first.stdout)
    biber = _run(["biber", "doc"], workdir)
    log.append(biber.stdout + biber.stderr)
    second = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], workdir)
    log.append(second.stdout)
    errors = [line for line in (biber.stdout + biber.stderr).splitlines() if "ERROR" in line]
    errors += [line for line in second.stdout.splitlines() if line.startswith("!")]
    ok = biber.returncode == 0 and second.returncode == 0 and not errors
    return TexResult(ok, "\n".join(log), errors)
