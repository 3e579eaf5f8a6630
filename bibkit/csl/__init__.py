"""bibkit's CSL 1.0.2 citation processor.

The style and locale are compiled once into node trees; evaluating an item yields rich text,
which backends (text, HTML, Markdown, LaTeX) serialise.
"""
from __future__ import annotations

from .processor import Processor

__all__ = ["Processor"]
