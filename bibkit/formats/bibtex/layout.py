"""How a .bib looks on the page: indentation, alignment, wrapping, commas, blank lines.

The layout is apart from what is written (the values, decided by the BibTeX writer or by
``bibkit tidy``), so that the same choices serve both and can come from one config file. The
default reproduces bibkit's own fixed layout byte for byte::

    @article{key,
      title = {A title},
      year = {2020}
    }

Field values arrive already delimited (``{...}``, ``"..."``, a number or a macro expression);
the layout only places them. Wrapping re-flows a braced value's words, which BibTeX reads as
the same value (a line break is a space to it); a value with a paragraph break (an empty line,
which LaTeX typesets as a new paragraph) is always laid out on its own lines so the break
survives, as bibtex-tidy does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"[ \t]*\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Layout:
    """``indent``: before each field. ``align``: the column (counted from the indent, 1-based,
    bibtex-tidy's meaning) at which ``=`` stands; 0 writes ``name = value``. ``wrap``: re-flow
    braced values whose line would reach this column onto lines that end before it (0: never). ``trailing_commas``: a comma after
    the last field too. ``blank_lines``: an empty line between blocks."""

    indent: str = "  "
    align: int = 0
    wrap: int = 0
    trailing_commas: bool = False
    blank_lines: bool = True

    @property
    def separator(self) -> str:
        """What stands between two blocks."""
        return "\n\n" if self.blank_lines else "\n"

    def entry(self, etype: str, key: str, fields: list[tuple[str, str]]) -> str:
        """One entry, without a final newline."""
        lines = [f"@{etype}{{{key},"]
        for i, (name, value) in enumerate(fields):
            comma = "," if i < len(fields) - 1 or self.trailing_commas else ""
            lines.append(self.field(name, value) + comma)
        lines.append("}")
        return "\n".join(lines)

    def field(self, name: str, value: str) -> str:
        """``indent name = value`` with the value aligned and, when asked, wrapped."""
        head = f"{self.indent}{name.ljust(self.align - 1) if self.align > 1 else name} = "
        if value.startswith("{") and value.endswith("}"):
            inner = value[1:-1]
            paragraphs = _PARAGRAPH.split(inner.strip()) if "\n" in inner else [inner]
            # measured as re-flowed (blank runs as one space), so that a wrapped value, read back,
            # is wrapped again: the decision must not depend on the spacing wrapping changes
            too_long = self.wrap and len(head) + len(" ".join(value.split())) >= self.wrap
            if len(paragraphs) > 1 or too_long:
                return head + "{" + self._block(paragraphs) + "}"
        return head + value

    def _block(self, paragraphs: list[str]) -> str:
        """A braced value on its own lines, one indent deeper than the field, words re-flowed."""
        inner_indent = self.indent * 2
        # lines end before column ``wrap`` (bibtex-tidy's measure, so that both re-flow alike)
        width = max(self.wrap - len(inner_indent) - 1, 20) if self.wrap else 0
        out = []
        for paragraph in paragraphs:
            words = paragraph.split()
            lines, line = [], ""
            for word in words:
                if line and width and len(line) + 1 + len(word) > width:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            lines.append(line)
            out.append("\n".join(inner_indent + text for text in lines))
        return "\n" + "\n\n".join(out) + "\n" + self.indent


#: bibkit's own layout (what ``bibkit convert`` writes)
DEFAULT = Layout()
