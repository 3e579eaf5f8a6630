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


PREAMBLE = "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"


def _latex_bib_latex(bib_text: str, workdir: Path, document: str, tool: str) -> tuple[str, str, str, int, int]:
    """Write refs.bib and doc.tex, run pdflatex, the bibliography tool, pdflatex again.

    Returns (the tool's output, the second pdflatex's output, the whole log, the tool's and the
    second pdflatex's exit codes).
    """
    for name in ("pdflatex", tool):
        require_tool(name)
    (workdir / "refs.bib").write_text(bib_text, encoding="utf-8")
    (workdir / "doc.tex").write_text(document, encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    first = _run(latex, workdir)
    bib = _run([tool, "doc"], workdir)
    second = _run(latex, workdir)
    tool_out = bib.stdout + bib.stderr
    return tool_out, second.stdout, "\n".join((first.stdout, tool_out, second.stdout)), bib.returncode, second.returncode


def _latex_errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("!")]


def check_with_bibtex(bib_text: str, workdir: Path, style: str = "plain") -> TexResult:
    """pdflatex + bibtex + pdflatex; errors are bibtex's error lines and LaTeX's '!' lines."""
    document = (PREAMBLE + "\\usepackage{url}\n\\usepackage{hyperref}\n" + DOC_MACROS
                + "\\begin{document}\n\\nocite{*}\n"
                f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n")
    tool_out, latex_out, log, tool_rc, latex_rc = _latex_bib_latex(bib_text, workdir, document, "bibtex")
    errors = [line for line in tool_out.splitlines()
              if re.search(r"error message|I was expecting|I'm ignoring|Illegal|You're missing", line)]
    errors += _latex_errors(latex_out)
    # bibtex exits 1 for warnings only; 2 and up are errors
    return TexResult(tool_rc in (0, 1) and latex_rc == 0 and not errors, log, errors)


def check_with_biber(bib_text: str, workdir: Path) -> TexResult:
    """pdflatex + biber + pdflatex with biblatex; errors are biber's ERROR lines and LaTeX's '!'."""
    document = (PREAMBLE + "\\usepackage{hyperref}\n\\usepackage[backend=biber]{biblatex}\n"
                "\\addbibresource{refs.bib}\n" + DOC_MACROS
                + "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n")
    tool_out, latex_out, log, tool_rc, latex_rc = _latex_bib_latex(bib_text, workdir, document, "biber")
    errors = [line for line in tool_out.splitlines() if "ERROR" in line] + _latex_errors(latex_out)
    return TexResult(tool_rc == 0 and latex_rc == 0 and not errors, log, errors)
