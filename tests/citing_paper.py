"""A small real paper for the citation tests, written out by :func:`write_paper`.

The same citations in four forms: ``bibtex.tex`` (natbib, for pdflatex + bibtex -> .aux),
``biblatex.tex`` (biblatex + biber -> .bcf; the body again plus biblatex-only commands citing
keys already cited), the shared ``body.tex`` with an ``\\input`` section, and ``paper.md`` (pandoc).
``refs.bib`` has entries cited, cited through an ``ids`` alias, a crossref child whose parent is
not cited, two entries nobody cites, and the paper cites one key it does not have.
"""
from __future__ import annotations

from pathlib import Path

REFS = r"""@string{acm = {ACM Press}}

@book{knuth84,
  author = {Donald E. Knuth},
  title = {The {\TeX}book},
  publisher = {Addison-Wesley},
  address = {Reading, MA},
  year = {1984}
}

@article{turing36,
  ids = {turing1936},
  author = {Alan M. Turing},
  title = {On Computable Numbers, with an Application to the {Entscheidungsproblem}},
  journal = {Proceedings of the London Mathematical Society},
  volume = {42},
  pages = {230--265},
  year = {1936}
}

@article{dijkstra68,
  author = {Edsger W. Dijkstra},
  title = {Go To Statement Considered Harmful},
  journal = {Communications of the ACM},
  volume = {11},
  number = {3},
  pages = {147--148},
  year = {1968}
}

@article{hoare78,
  author = {C. A. R. Hoare},
  title = {Communicating Sequential Processes},
  journal = {Communications of the ACM},
  volume = {21},
  number = {8},
  pages = {666--677},
  year = {1978}
}

@inproceedings{lamport86,
  author = {Leslie Lamport},
  title = {On Interprocess Communication},
  pages = {1--10},
  crossref = {podc86}
}

@article{shannon48,
  author = {Claude E. Shannon},
  title = {A Mathematical Theory of Communication},
  journal = {Bell System Technical Journal},
  volume = {27},
  number = {3},
  pages = {379--423},
  year = {1948}
}

@book{wirth76,
  author = {Niklaus Wirth},
  title = {Algorithms + Data Structures = Programs},
  publisher = {Prentice-Hall},
  year = {1976}
}

@book{brooks75,
  author = {Frederick P. Brooks},
  title = {The Mythical Man-Month},
  publisher = {Addison-Wesley},
  year = {1975}
}

@book{lamport94,
  author = {Leslie Lamport},
  title = {{\LaTeX}: A Document Preparation System},
  publisher = {Addison-Wesley},
  edition = {2},
  year = {1994}
}

@proceedings{podc86,
  title = {Proceedings of the Fifth Annual {ACM} Symposium on Principles of Distributed Computing},
  booktitle = {Proceedings of the Fifth Annual {ACM} Symposium on Principles of Distributed Computing},
  publisher = acm,
  address = {New York},
  year = {1986}
}
"""

BODY = r"""\section{Introduction}
Typesetting is treated in \citet{knuth84}; % an aside: \cite{commented}
computability goes back to
\citep[see][p.~231]{turing1936}.
\input{sections/related}
Mutual exclusion~\cite{lamport86} and \citeauthor{knuth84} again.
Communication theory \citep{shannon48, hoare78}.
A key we never defined: \cite{nosuchkey}.
\nocite{lamport94}
"""

RELATED = r"""\section{Related work}
See also \citet*{hoare78} and \citep{wirth76}.
"""

BIBTEX_MAIN = r"""\documentclass{article}
\usepackage{natbib}
\begin{document}
\input{body}
\bibliographystyle{unsrtnat}
\bibliography{refs}
\end{document}
"""

BIBLATEX_MAIN = r"""\documentclass{article}
\usepackage[backend=biber,style=numeric,sorting=none,natbib=true]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\input{body}
\section{Again, in biblatex's own words}
\parencite{knuth84}, \textcite[12]{shannon48}, \cites(see)()[1]{turing36}[2]{lamport86},
\autocite{hoare78}\footcite[3]{knuth84} and \smartcite{wirth76}\supercite{lamport94}.
\printbibliography
\end{document}
"""

MARKDOWN = """---
title: A small paper
bibliography: refs.bib
nocite: |
  @lamport94
---

# Introduction

Typesetting is treated in @knuth84; <!-- an aside: [@commented] -->
computability goes back to [see @turing1936, p. 231].

# Related work

See also @hoare78 and [@wirth76].

Mutual exclusion [@lamport86] and [-@knuth84] again; write to someone@example.org.
Communication theory [@shannon48; @hoare78].
A key we never defined: [@nosuchkey]. The syntax is `[@key]`:

```
[@notacitation]
```
"""

#: what every form of the paper cites, in order of first citation (the alias as written)
CITED_AS_WRITTEN = ["knuth84", "turing1936", "hoare78", "wirth76", "lamport86", "shannon48",
                    "nosuchkey", "lamport94"]
#: the entries a bibliography for the paper holds, in order: cited, then the crossref parent
EXTRACTED = ["knuth84", "turing36", "hoare78", "wirth76", "lamport86", "shannon48", "lamport94", "podc86"]
UNDEFINED = ["nosuchkey"]
UNUSED = ["dijkstra68", "brooks75"]


def write_paper(folder: Path) -> dict[str, Path]:
    """Write the paper's sources into ``folder``; return them by role."""
    (folder / "sections").mkdir(parents=True, exist_ok=True)
    files = {"bib": "refs.bib", "body": "body.tex", "related": "sections/related.tex",
             "bibtex": "bibtex.tex", "biblatex": "biblatex.tex", "markdown": "paper.md"}
    texts = {"bib": REFS, "body": BODY, "related": RELATED, "bibtex": BIBTEX_MAIN,
             "biblatex": BIBLATEX_MAIN, "markdown": MARKDOWN}
    paths = {}
    for role, name in files.items():
        path = folder / name
        path.write_text(texts[role], encoding="utf-8")
        paths[role] = path
    return paths
