"""Rules that mend the labeller's output where a reference's own structure settles the question.

The CRF labels each word from a window and a few reference-wide cues; it errs in ways a reader
would not, and those are mended here, on the labels, before the entry is built:

* a **title glued to its container**: ``Title 3. Test. 2011;3:3-4`` or ``“Title01.” Container
  Title01,`` labelled as one title (or one container) is cut at the sentence end, or at the
  closing quotation mark, when the reference goes on with a volume, issue or pages;
* the **start of a title taken for the last author** (``Toutanova, K. BERT: Pre-training ...``,
  ``Géron, A. Hands-On Machine Learning``) goes back to the title;
* an **organisation as author** taken for a note (``DeepSeek-AI. DeepSeek-V3 Technical Report.``)
  is the author, and the sentence after it the title;
* a page range inside a container (``... Linguistics 4171–4186 (Association ...``) is the pages,
  and Nature's ``(Publisher, 2019)`` after it the publisher;
* names ending before a quoted title (``and William R. Thompson. “Hot Spots``) are the authors';
* a publisher inside a book's title run (``Lost Victories; Presidio Pr, 1982``, ``Lost Victories
  (Presidio Pr, 1982)``) is the publisher, and a range of years read as pages
  (``Culinary Trades, 1730-1830.``) the end of the title;
* ``n.d.`` or ``(no date)`` taken as the first word of a title is the date;
* a title cut short by the labeller before a word with no punctuation runs on to the first
  sentence end of the container after it, and one cut before a lower-case word to the
  container's last comma (``... birds, and trees, Conservation Biology 22``);
* a book's title labelled with its editors (``In: Σαββίδης ΓΠ, editor. Ποιήματα και πεζά.``)
  is the container;
* a title glued to a short publisher (``Title. Oxford University Press; 2011.``) or journal
  (``Title02. Container Title02. 2007.``) is cut the same way;
* **no title at all**: the words after the authors that the labeller gave to the authors
  (``Roe J. Her Other Book. 1999.``), to the date (``Smith J. Paper 5. 2000.``), to a note or
  publisher after the date (``Doe, John. 2000a. Book A.``) or between the names and the date
  (``J. A. Doe, Aaaaa Aaaaa, 1999.``) are the title: a reference nearly
  always has one.
"""
from __future__ import annotations

import re

from bibkit.reflist.features import MONTHS, TERMS as _TERMS, ltwa_abbreviations

_OPEN_Q = "\"\u201c\u2018\u201e\u00ab"
_CLOSE_Q = re.compile(r"[\"\u201d\u2019\u00bb][.,;:]?$|[.,;:][\"\u201d\u2019\u00bb]$")
_SENTENCE_END = re.compile(r"[^\W\d_]{2,}\.$|\d+\.$|[)\]]\.$")
_INITIAL = re.compile(r"^(?:[A-Z\u00c0-\u017f]{1,3}|(?:[A-Z\u00c0-\u017f]\.-?)+[A-Z\u00c0-\u017f]?|Jr|Sr|II|III)[.,]?$")
_YEAR = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")
_NUMBERS_AFTER = frozenset(("volume", "issue", "pages"))
_COMPOUND = re.compile(r"\d[;:(]\s*\d|\d[;:]$")
_AFTER_BOOK = frozenset(("date", "url", "doi", "note", "place"))


def runs(labels: list[str]) -> list[tuple[int, int, str]]:
    """Maximal runs of one label as (first, last, label), in order."""
    out = []
    start = 0
    for i in range(1, len(labels)):
        if labels[i] != labels[i - 1]:
            out.append((start, i - 1, labels[start]))
            start = i
    if labels:
        out.append((start, len(labels) - 1, labels[start]))
    return out


def mend(words: list[str], labels: list[str]) -> list[str]:
    """The labels with the rules of the module docstring applied (a new list)."""
    labels = list(labels)
    have = set(labels)
    if any(w[:1] in "nN(sS" and _NO_DATE_START.match(w) for w in words):
        _undated(words, labels)
    if "author" not in have and "editor" not in have:
        _organisation_first(words, labels)
    if "author" in have and "title" in have:
        _title_start(words, labels)
        _names_before_quote(words, labels)
    if "title" not in labels:
        _find_title(words, labels)
    _unglue(words, labels)
    if "container" in labels:
        _title_runs_on(words, labels)
        _pages_in_container(words, labels)
    if "editor" in labels:
        _editor_container(words, labels)
    _publisher_after_title(words, labels)
    if "pages" in labels:
        _years_in_title(words, labels)
    return labels


_NO_DATE = re.compile(r"^\(?n\.\s?d\.\)?[.,:]?$|^\(?s\.\s?d\.\)?[.,:]?$", re.IGNORECASE)


_NO_DATE_START = re.compile(r"^\(?(?:n\.|s\.|no$)", re.IGNORECASE)


def _undated(words: list[str], labels: list[str]) -> None:
    """``n.d.`` / ``(no date)`` (no date) read as the start or the end of a title or container is
    the date."""
    for i, w in enumerate(words):
        edge = i == 0 or labels[i - 1] != labels[i] or i == len(words) - 1 or labels[i + 1] != labels[i]
        if labels[i] in ("title", "container", "note") and edge:
            if _NO_DATE.match(w):
                labels[i] = "date"
            elif w.lower() == "(no" and i + 1 < len(words) and words[i + 1].lower().startswith("date)"):
                labels[i] = labels[i + 1] = "date"


def _organisation_first(words: list[str], labels: list[str]) -> None:
    """``DeepSeek-AI. DeepSeek-V3 Technical Report. Preprint at ...``: a reference with no names
    that opens with a word ending in a period, labelled a note, opens with its author (an
    organisation); the sentence after it is the title when there is none."""
    if "author" in labels or "editor" in labels:
        return
    a = next((i for i, lab in enumerate(labels) if lab != "citation-number"), None)
    if a is None or labels[a] != "note" or not words[a].endswith(".") or not _capital(words[a]):
        return
    labels[a] = "author"
    if "title" in labels:
        return
    for k in range(a + 1, len(words)):
        if labels[k] != "note" or not _capital(words[a + 1]):
            return
        labels[k] = "title"
        if _sentence_end(words[k]):
            return


def _title_start(words: list[str], labels: list[str]) -> None:
    """The first words of a title labelled as the last author: ``Toutanova, K. BERT: Pre-training
    ...``, ``Géron, A. Hands-On Machine Learning``, ``A. Géron, Hands-On Machine ...``. The names
    end where :func:`_author_end` says; up to three words after that end, none an initial, go
    to the title that follows."""
    rs = runs(labels)
    for idx, (a, b, lab) in enumerate(rs[:-1]):
        if lab != "author" or rs[idx + 1][2] != "title" or b == a:
            continue
        j = _author_end(words, a, b + 1)
        if j is None or j >= b or b - j > 3 or any(_INITIAL.match(words[k]) for k in range(j + 1, b + 1)) \
                or words[b].endswith(",") or words[b].lower() in ("and", "&"):
            return
        for k in range(j + 1, b + 1):
            labels[k] = "title"
        return


_PAGE_RANGE = re.compile(r"^[A-Za-z]?\d+[A-Za-z]?\s*[-\u2010-\u2015]\s*[A-Za-z]?\d+[A-Za-z]?[.,;]?$")


def _pages_in_container(words: list[str], labels: list[str]) -> None:
    """``in Proceedings of ... Linguistics 4171–4186 (Association for Computational Linguistics,
    2019).`` (Nature's proceedings form): a page range inside a container run, with no pages
    found, is the pages, and a bracket after it holds the publisher."""
    for a, b, lab in runs(labels):
        if lab != "container":
            continue
        k = next((k for k in range(a + 1, b + 1) if words[k].startswith("(") and words[k].endswith(",")), None)
        if k is not None and b + 1 < len(words) and labels[b + 1] == "date" and words[b + 1].rstrip(".,;").endswith(")") \
                and "publisher" not in labels:
            for m in range(k, b + 1):  # ``... Processing (ISCA, 1998).``: Nature's (publisher, year)
                labels[m] = "publisher"
            b = k - 1
        if "pages" in labels:
            return
        k = next((k for k in range(a + 1, b + 1) if _PAGE_RANGE.match(words[k])), None)
        if k is None:
            continue
        labels[k] = "pages"
        if k < b and words[k + 1].startswith("("):
            for m in range(k + 1, b + 1):
                labels[m] = "publisher"
        return


def _names_before_quote(words: list[str], labels: list[str]) -> None:
    """``Colaresi, Michael P., and William R. Thompson. “Hot Spots ...”``: up to four words that
    open a title run before its quoted title, right after the authors, end the names."""
    for idx, (a, b, lab) in enumerate(runs(labels)):
        if lab != "title" or a == 0 or labels[a - 1] != "author" or words[a][:1] in _OPEN_Q:
            continue
        k = next((k for k in range(a + 1, min(b, a + 4) + 1) if words[k][:1] in _OPEN_Q), None)
        if k is not None and words[k - 1][-1:] in ".,":
            for m in range(a, k):
                labels[m] = "author"
        return


def _publisher_after_title(words: list[str], labels: list[str]) -> None:
    """A book's publisher inside its title run: ``Lost Victories; Presidio Pr, 1982.`` (ACS) or
    ``Lost Victories (Presidio Pr, 1982).`` (Science, APS): after a ``;``, or in a bracket
    that the date closes."""
    if "publisher" in labels or "container" in labels:
        return
    for a, b, lab in runs(labels):
        if lab != "title":
            continue
        for k in range(a + 1, b + 1):
            bracket = words[k].startswith("(") and b + 1 < len(words) and labels[b + 1] == "date" \
                and words[b + 1].rstrip(".,;").endswith(")") and not any(")" in w for w in words[k:b + 1])
            if bracket or (words[k - 1].endswith(";") and _capital(words[k])):
                for m in range(k, b + 1):
                    labels[m] = "publisher"
                return
        return


_YEAR_RANGE = re.compile(r"^(?:1[5-9]|20)\d\d\s*[-\u2010-\u2015]\s*(?:1[5-9]|20)\d\d[.,;:]?$")


def _years_in_title(words: list[str], labels: list[str]) -> None:
    """``Men of Taste: ... Culinary Trades, 1730-1830.``: a range of years read as the pages of
    a reference with no container and no volume, right after the title, ends the title."""
    if "container" in labels or "volume" in labels:
        return
    for k in range(1, len(words)):
        if labels[k] == "pages" and labels[k - 1] == "title" and _YEAR_RANGE.match(words[k]) and \
                (k + 1 == len(words) or labels[k + 1] != "pages"):
            labels[k] = "title"
            return


def _capital(word: str) -> bool:
    w = word.lstrip(_OPEN_Q + "(")
    return bool(w) and (w[0].isupper() or w[0].isdigit())


def _sentence_end(word: str) -> bool:
    """A word ending a sentence: not an initial (``J.``), not an abbreviated journal word."""
    if not _SENTENCE_END.search(word) or _INITIAL.match(word):
        return False
    return not (word[:1].isupper() and len(word) <= 6 and word.lower() in ltwa_abbreviations())


def _numbers_follow(words: list[str], labels: list[str], after: int) -> bool:
    return any(labels[k] in _NUMBERS_AFTER or (labels[k] == "date" and _COMPOUND.search(words[k]))
               for k in range(after + 1, len(words)))


_CONTAINER_OPENERS = frozenset("proceedings proc conference symposium workshop journal transactions annals "
                               "bulletin".split())


def _in_cut(words: list[str], a: int, b: int) -> int | None:
    """The word before an ``In`` that opens a container inside a title run (``Examinations. in
    Shoulder Stiffness``, ``nonsense,” In Proceedings``), or before a capitalised
    ``Proceedings of``/``Journal of`` after a comma or period (``matcher, Proceedings of the ...``)."""
    for j in range(a, b - 1):
        if words[j][-1:] not in ".,\u201d\"":
            continue
        nxt = words[j + 1]
        if nxt.lower() in ("in", "in:") and _capital(words[j + 2]):
            return j
        if nxt[:1].isupper() and nxt.strip(".,:;").lower() in _CONTAINER_OPENERS and not _INITIAL.match(words[j]) \
                and words[j + 2].lower() in ("of", "on"):
            return j
    return None


_EDITOR_TERM = re.compile(r"^\(?(?:eds?|editors?|hrsg|hg|dir|coord)\.?\)?[.,:]?$", re.IGNORECASE)


def _editor_container(words: list[str], labels: list[str]) -> None:
    """A book's title labelled with its editors: ``In: Σαββίδης ΓΠ, editor. Ποιήματα και
    πεζά.`` (the title after the editor term) or ``In Ποιήματα Και Πεζά, ed. Γ. Π. Σαββίδης.``
    (before it, when names with initials follow the term) becomes the container."""
    if "container" in labels:
        return
    for a, b, lab in runs(labels):
        if lab != "editor":
            continue
        t = next((k for k in range(a, b + 1) if _EDITOR_TERM.match(words[k])), None)
        if t is None:
            return
        opens_in = words[a].lower() in ("in", "in:")
        after = range(t + 1, b + 1)
        if after and not any(_INITIAL.match(words[k]) for k in after) and _capital(words[t + 1]):
            for k in after:
                labels[k] = "container"
        elif opens_in and t > a + 1 and any(_INITIAL.match(words[k]) for k in after):
            for k in range(a, t):
                labels[k] = "container"
        return


def _cut(words: list[str], a: int, b: int) -> int | None:
    """Where a run of words holding a title and a container splits: after the closing quotation
    mark of a quoted title, or after the first sentence end followed by a capital."""
    if words[a][:1] in _OPEN_Q:
        for j in range(a, b):
            if _CLOSE_Q.search(words[j]):
                return j
        return None
    for j in range(a, b):
        if _sentence_end(words[j]) and _capital(words[j + 1]):
            return j
    return None


def _unglue(words: list[str], labels: list[str]) -> None:
    """A title and a container labelled as one run are cut in two (see the module docstring)."""
    have = set(labels)
    if "container" in have and "title" in have:
        return
    for a, b, lab in runs(labels):
        if lab not in ("title", "container") or b == a:
            continue
        if lab == "title" and "container" not in have and words[a].lower() in ("in", "in:") and b > a + 1:
            for k in range(a, b + 1):  # ``Hartlep, in Impact of the Model Minority ...``: no title printed
                labels[k] = "container"
            return
        j = _in_cut(words, a, b) if lab == "title" else None
        if j is None:
            j = _cut(words, a, b)
        if j is None:
            return
        if _numbers_follow(words, labels, b) or words[a][:1] in _OPEN_Q or words[j + 1].lower() in ("in", "in:") \
                or _TERMS.get(words[j + 1].strip(".,:;").lower()) in ("proc", "jour"):
            rest = "container"
        elif lab == "title" and "publisher" not in have and b - j <= 6 and \
                all(labels[k] in _AFTER_BOOK for k in range(b + 1, len(words))):
            # ``Title. United Nations; 2011.``: a book's publisher (a publisher's word, or the
            # ``;`` Vancouver puts after one); ``Title. Container Title. 2007.``: a journal
            tail = words[j + 1:b + 1]
            rest = "publisher" if words[b].endswith((";", ":")) or any(
                _TERMS.get(w.strip(".,;:()").lower()) in ("pub", "place") for w in tail) else "container"
        else:
            return
        for k in range(a, j + 1):
            labels[k] = "title"
        for k in range(j + 1, b + 1):
            labels[k] = rest
        return


_TITLE_END = re.compile(r"[.,:;?!][\"\u201d\u2019\u00bb)]*$")


def _title_runs_on(words: list[str], labels: list[str]) -> None:
    """``Getting Property Right: “Informal” Mortgages in the Japanese Courts. Pac. Rim L. & Pol’y
    J.``: a title whose last word ends with no punctuation cannot end there when a container
    follows; it runs on to the container's first sentence end."""
    for idx, (a, b, lab) in enumerate(runs(labels)):
        if lab != "title" or b + 1 >= len(words) or labels[b + 1] != "container":
            continue
        c_end = next((k for k in range(b + 1, len(words)) if labels[k] != "container"), len(words)) - 1
        if words[b + 1][:1].islower() and words[b + 1].lower() not in ("in", "in:"):
            # ``... on ants, birds, and trees, Conservation Biology 22``: a container opens with
            # no lower-case word; the title goes on to the last comma
            j = max((k for k in range(b + 1, c_end) if words[k].endswith(",")), default=None)
        elif not _TITLE_END.search(words[b]):
            j = next((k for k in range(b + 1, c_end) if _sentence_end(words[k]) or _TITLE_END.search(words[k])
                      and words[k][-1:] in ".?!"), None)
        else:
            continue
        if j is not None:
            for k in range(b + 1, j + 1):
                labels[k] = "title"
        return


def _find_title(words: list[str], labels: list[str]) -> None:
    """Find the title of a reference the labeller gave none (see the module docstring)."""
    rs = runs(labels)
    for idx, (a, b, lab) in enumerate(rs):
        if lab == "author" and b > a:
            j = _author_end(words, a, b)
            if j is not None:
                for k in range(j + 1, b + 1):
                    labels[k] = "title"
                return
        if lab == "date" and idx > 0 and rs[idx - 1][2] in ("author", "editor"):
            first_year = next((k for k in range(a, b + 1) if _YEAR.search(words[k])), None)
            if first_year is not None and first_year > a and _capital(words[a]) and \
                    any(w.strip(".,;:()").lower() not in MONTHS and not w.strip(".,;:()").isdigit()
                        for w in words[a:first_year]):
                for k in range(a, first_year):
                    labels[k] = "title"
                return
        if lab in ("note", "publisher") and idx >= 1 and rs[idx - 1][2] in ("author", "editor") and \
                _capital(words[a]) and idx + 1 < len(rs) and rs[idx + 1][2] == "date":
            for k in range(a, b + 1):  # ``J. A. Doe, Aaaaa Aaaaa, 1999.``: no book lacks a title
                labels[k] = "title"
            return
        if lab in ("note", "publisher", "container", "editor", "author") and idx >= 2 and rs[idx - 1][2] == "date" \
                and rs[idx - 2][2] in ("author", "editor") and _capital(words[a]) and \
                not (lab == "container" and _numbers_follow(words, labels, b)):
            for k in range(a, b + 1):
                labels[k] = "title"
            return


def _author_end(words: list[str], a: int, b: int) -> int | None:
    """The last word of the names in an author run that goes on into the title: family-first
    lists end at an initial with a period followed by a capitalised word (``Roe J. Her``,
    ``Smith, J. Book``), given-first lists at a comma followed by a word that is no initial
    (``J. H. Roe, Jane’s Book``)."""
    given_first = bool(_INITIAL.match(words[a]))
    for j in range(a, b):
        w, nxt = words[j], words[j + 1]
        if not _capital(nxt) or _INITIAL.match(nxt) or nxt.lower() in ("and", "&"):
            continue
        if w.lower() in ("al.", "al.,") and j > a:  # ``Asthma, A. et al. Book L.``
            return j
        if given_first:
            if w.endswith(",") and not _INITIAL.match(w) and j > a and \
                    (j + 2 > b or not _INITIAL.match(words[j + 2]) or j + 2 == b):
                return j
        elif w.endswith(".") and _INITIAL.match(w) and j > a:
            return j
    return None
