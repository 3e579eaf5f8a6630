"""What an export could not write: values the target format has no place for, named, never silent.

Each built-in exporter's mapping is mirrored here as one question, "which of this entry's values
does it leave out?", answered in the source's own field names (``mynote``, ``pmid``). The CLI
turns the answers into ``file:line: key: field 'mynote' has no place in RIS, not written`` (or
one summary line per field name when many entries lose it). A third-party exporter can answer
for itself with an ``unplaced(entry) -> list[str]`` method.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Iterable

from bibkit.diagnostics import Problem
from bibkit.model import Entry, Library

#: how many entries may lose one field before their lines fold into one summary line
SUMMARY_AFTER = 3
LABELS = {"ris": "RIS", "csljson": "CSL-JSON", "cslyaml": "CSL-YAML", "bibtex": "BibTeX", "biblatex": "BibLaTeX",
          "csv": "the chosen CSV columns", "mods": "MODS", "cff": "CITATION.cff"}


def _source_name(entry: Entry, slot: str, fallback: str | None = None) -> str:
    return entry.field_names.get(slot) or fallback or slot


def _ris(entry: Entry) -> list[str]:
    from bibkit.formats import ris_tags as T

    lost: list[str] = []
    spelled = entry.field_names if entry.source and entry.source.format == "ris" else {}
    for role, names in entry.names.items():
        if names and not (T.NAME_TAGS.get(spelled.get(role, "")) == role or T.OUT_NAMES.get(role)):
            lost.append(_source_name(entry, role))
    for var, value in entry.fields.items():
        if var in ("page", "keyword") or not str(value).strip():
            continue
        if not (T.TEXT_TAGS.get(spelled.get(var, "")) == var or T.OUT_TEXT.get(var)):
            lost.append(_source_name(entry, var))
    for role, date in entry.dates.items():
        if date and not (T.DATE_TAGS.get(spelled.get(role, "")) == role or T.OUT_DATES.get(role)):
            lost.append(_source_name(entry, role))
    ids = entry.ids
    if ids.pmid:
        lost.append("pmid")
    if ids.pmcid:
        lost.append("pmcid")
    if ids.arxiv and ids.url:
        lost.append(_source_name(entry, "eprint", "eprint"))
    if ids.arxiv_class:
        lost.append(_source_name(entry, "arxiv_class", "primaryclass"))
    lost.extend(k for k, v in entry.extra.items() if not k.startswith(T.EXTRA_PREFIX) and str(v).strip())
    return lost


def _csl(entry: Entry) -> list[str]:
    from bibkit.model_csl import DATE_VARIABLES, NAME_VARIABLES

    lost = [_source_name(entry, role) for role, names in entry.names.items()
            if names.names and role not in NAME_VARIABLES]
    lost += [_source_name(entry, role) for role, date in entry.dates.items() if date and role not in DATE_VARIABLES]
    return lost


def _bib(flavour: str) -> Callable[[Entry], list[str]]:
    def unplaced(entry: Entry) -> list[str]:
        from bibkit.formats.bibtex import BibTeXWriter
        from bibkit.formats.bibtex.fields import OUT_NAMES

        writer = BibTeXWriter(flavour)
        same = writer._same_flavour(entry)
        taken = {(entry.field_names.get(role, OUT_NAMES.get(role, role)) if same else OUT_NAMES.get(role, role))
                 for role in entry.names}
        lost = []
        for var, value in entry.fields.items():
            fname = writer._text_field_name(entry, var)
            if fname is None or fname in taken:
                if str(value).strip():
                    lost.append(_source_name(entry, var))
                continue
            taken.add(fname)
        return lost
    return unplaced


BUILT_IN: dict[str, Callable[[Entry], list[str]]] = {
    "ris": _ris, "csljson": _csl, "cslyaml": _csl, "bibtex": _bib("bibtex"), "biblatex": _bib("biblatex"),
}


def unplaced_values(entries: Iterable[Entry], format: str, **options) -> list[tuple[Entry, str]]:
    """(entry, source field name) for every value an export to ``format`` leaves out.

    ``options`` go to an exporter's own ``unplaced(entry, **options)`` (CSV's ``columns``).
    """
    from bibkit import registry

    check = BUILT_IN.get(format)
    if check is None:
        exporter = registry.exporter(format)
        method = getattr(exporter, "unplaced", None)
        if method is None:
            return []
        check = (lambda entry: method(entry, **options)) if options else method
    return [(entry, name) for entry in entries for name in check(entry)]


def where_lost(entry: Entry) -> tuple[str | None, str, int | None]:
    """How a loss warning names an entry: (key, file, line)."""
    return entry.key, entry.source.file if entry.source else "<input>", entry.source.line if entry.source else None


class LossTally:
    """The values an export to ``format`` leaves out, counted batch by batch (a streamed export
    never holds every entry): per field name, how many entries lose it and the first few."""

    def __init__(self, format: str, everything: bool = False, **options):
        self.format, self.everything, self.options = format, everything, options
        #: field name -> [count, [(key, file, line) of the first SUMMARY_AFTER + 1 (all with everything)]]
        self.by_field: "OrderedDict[str, list]" = OrderedDict()

    def add(self, entries: Iterable[Entry]) -> None:
        for entry, name in unplaced_values(entries, self.format, **self.options):
            self.note(name, *where_lost(entry))

    def note(self, name: str, key: str | None, file: str, line: int | None) -> None:
        """One entry (named by :func:`where_lost`) loses field ``name``."""
        tally = self.by_field.setdefault(name, [0, []])
        tally[0] += 1
        if self.everything or len(tally[1]) <= SUMMARY_AFTER:
            tally[1].append((key, file, line))

    def merge(self, other: "LossTally") -> None:
        """Add a later batch's tally (in file order)."""
        for name, (count, firsts) in other.by_field.items():
            tally = self.by_field.setdefault(name, [0, []])
            tally[0] += count
            room = len(firsts) if self.everything else max(0, SUMMARY_AFTER + 1 - len(tally[1]))
            tally[1].extend(firsts[:room])

    def problems(self) -> list[Problem]:
        label = LABELS.get(self.format, self.format)
        out: list[Problem] = []
        for name, (count, firsts) in self.by_field.items():
            if self.everything or count <= SUMMARY_AFTER:
                for key, file, line in firsts:
                    out.append(Problem(f"{key or '<no key>'}: field {name!r} has no place in {label}, not written",
                                       file, line, "warning", "not-written"))
            else:
                key, file, line = firsts[0]
                out.append(Problem(
                    f"{key or '<no key>'} and {count - 1} more entries: field {name!r} has no place in "
                    f"{label}, not written (--report lists them all)", file, line, "warning", "not-written"))
        return out


def loss_problems(library: Library, format: str, everything: bool = False, **options) -> list[Problem]:
    """The warnings for an export of ``library`` to ``format``.

    One line per entry and field; a field name lost by more than SUMMARY_AFTER entries gets a
    single summary line instead, unless ``everything`` (``--report``).
    """
    tally = LossTally(format, everything, **options)
    tally.add(library.entries)
    return tally.problems()
