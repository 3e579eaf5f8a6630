"""Citation keys as BibTeX and biber can read them (the reader warns, the writers clean)."""
from __future__ import annotations

import re

#: characters BibTeX or biber reject in a key
BAD_KEY_CHARS = re.compile(r"[\s\"#%'(),={}\\~]")


def safe_key(key: str) -> str:
    """The key as BibTeX and biber can read it: characters they reject are removed."""
    return BAD_KEY_CHARS.sub("", key) if BAD_KEY_CHARS.search(key) else key
