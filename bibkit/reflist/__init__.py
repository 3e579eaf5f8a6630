"""Reference strings in, labelled fields out: the parts of the ``reflist`` importer.

* :mod:`.split` cuts a pasted reference list into references (numbering, hanging indents,
  blank lines, hyphenation at line ends);
* :mod:`.tokens` turns one reference into word tokens and back into field text, and attaches
  tokens of punctuation only to a field by rule;
* :mod:`.features` describes each token to the sequence model (``terms.json``: the words every
  CSL locale prints for ``In``, ``pp.``, ``eds.``, ...);
* :mod:`.model` loads the CRF shipped in this package and labels tokens;
* :mod:`.fields` strips affixes (``vol.``, ``pp.``, ``In``, ``(eds.)``) from labelled spans;
* :mod:`.build` turns the fields into a canonical :class:`~bibkit.model.Entry`;
* :mod:`.training` makes labelled sequences (CSL renderings via :mod:`bibkit.csl.tagging`,
  AnyStyle's XML) for ``scripts/train_reflist.py`` and ``benchmarks/eval_reflist.py``;
* :mod:`.evaluation` measures a labeller (span F1 on held-out styles, token measures on gold).
"""
from __future__ import annotations

#: the labels the model assigns, one per word token
LABELS = ("author", "editor", "title", "container", "volume", "issue", "pages", "date",
          "publisher", "place", "edition", "doi", "url", "arxiv", "isbn", "note",
          "citation-number")
