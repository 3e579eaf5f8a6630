"""``tidy --sort`` read in batches (a sort record per entry, the tidied text in a scratch file)
writes what the whole-file tidy writes. The CLI-level comparisons, with the journal options,
are in ``tests/test_bibtex_stream.py``."""
from __future__ import annotations

import io

from bibkit.formats.bibtex.stream import NotStreamable
from bibkit.io import read_input
from bibkit.streaming import tidy_stream
from bibkit.transforms.tidy import TidyOptions, tidy_text

from .test_bibtex_stream import _files


def test_tidy_sorted_in_batches_writes_what_the_whole_file_tidy_writes_on_every_file():
    """Every messy and ordinary file, cut into 300-byte batches, sorted three ways in turn:
    the same text and problems."""
    sorts = [("key",), ("-year", "author"), ("type", "-title", "month")]
    compared = 0
    for n, path in enumerate(_files("messy") + _files("corpus", "ordinary")):
        options = TidyOptions(sort=sorts[n % 3])
        out = io.StringIO()
        try:
            _, problems = tidy_stream(str(path), options, out, path.name, batch_bytes=300)
        except NotStreamable:
            continue
        text, _ = read_input(str(path))
        want = tidy_text(text, options, path.name)
        assert (out.getvalue(), [str(p) for p in problems]) == (want.text, [str(p) for p in want.problems]), path
        compared += 1
    assert compared > 200
