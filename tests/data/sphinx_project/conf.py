# A sphinxcontrib-bibtex project's conf.py with its one extension line changed.
extensions = ["bibkit.sphinx", "myst_parser"]
bibtex_bibfiles = ["refs.bib"]
bibkit_csl_style = "apa"
project = "citing"
author = "bibkit"
