"""How well the labeller does: span F1 on held-out styles, token measures on AnyStyle's gold.

Used by ``benchmarks/eval_reflist.py`` (the figures quoted in the README) and by the tests that
keep a floor under them. ``label`` is the labelling function to measure (the shipped model's
:func:`~bibkit.reflist.model.label_words` unless another is given).
"""
from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Optional

from bibkit.identifiers import normalize_doi
from bibkit.reflist import repair, training
from bibkit.reflist.model import label_words

Labeller = Callable[[list[str]], tuple[list[str], list[float]]]

FIELDS = ("author", "title", "date", "container", "pages")


def runs(labels: list[str]) -> set:
    """The maximal runs of one label as (first, last, label): the spans span F1 compares."""
    return set(repair.runs(labels))


def held_out_styles(shared: Path, n_styles: int, per_style: int, seed: int,
                    label: Optional[Labeller] = None) -> dict:
    """Span F1 on held-out entries rendered in held-out styles (``n_styles`` sampled, 0: all)."""
    label = label or label_words
    rnd = random.Random(seed)
    items = training.corpus_items(str(shared / "corpus"), held_out=True)
    items = training.balanced(items, rnd)
    pool = [s for s in training.independent_styles() if training.is_held_out(s)]
    styles = sorted(rnd.sample(pool, n_styles)) if n_styles else pool
    tp = fp = fn = 0
    per_label: Counter = Counter()
    n_refs = 0
    used = []
    for style in styles:
        batch = [training.prepare_item(it, rnd, ax) for it, ax in rnd.sample(items, per_style)]
        try:
            seqs = training.rendered_sequences(style, batch)
        except Exception:
            continue
        used.append(style)
        for words, gold in seqs:
            pred, _ = label(words)
            g, p = runs(gold), runs(pred)
            tp += len(g & p)
            fp += len(p - g)
            fn += len(g - p)
            for s in g & p:
                per_label[s[2], "tp"] += 1
            for s in p - g:
                per_label[s[2], "fp"] += 1
            for s in g - p:
                per_label[s[2], "fn"] += 1
            n_refs += 1
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    f1 = 2 * prec * rec / max(prec + rec, 1e-9)
    labels = sorted({k[0] for k in per_label})
    by = {}
    for lab in labels:
        t, f_p, f_n = per_label[lab, "tp"], per_label[lab, "fp"], per_label[lab, "fn"]
        p_, r_ = t / max(t + f_p, 1), t / max(t + f_n, 1)
        by[lab] = round(2 * p_ * r_ / max(p_ + r_, 1e-9), 3)
    return {"styles": used, "references": n_refs, "span_f1": round(f1, 4), "by_label": by}


def gold(shared: Path, label: Optional[Labeller] = None) -> dict:
    """Word-token accuracy and per-field token F1 on AnyStyle's gold.xml."""
    label = label or label_words
    seqs = training.anystyle_sequences(str(shared / "refstrings" / "anystyle" / "gold.xml"), attach=False)
    total = correct = 0
    c: Counter = Counter()
    for words, gold_labels in seqs:
        pred, _ = label(words)
        for g, p in zip(gold_labels, pred):
            p = "volume" if p == "issue" else p
            g = "volume" if g == "issue" else g
            total += 1
            correct += g == p
            if g == p:
                c[g, "tp"] += 1
            else:
                c[p, "fp"] += 1
                c[g, "fn"] += 1
    f1 = {}
    for lab in FIELDS:
        t, f_p, f_n = c[lab, "tp"], c[lab, "fp"], c[lab, "fn"]
        p_, r_ = t / max(t + f_p, 1), t / max(t + f_n, 1)
        f1[lab] = round(2 * p_ * r_ / max(p_ + r_, 1e-9), 4)
    return {"references": len(seqs), "tokens": total, "token_accuracy": round(correct / total, 4), "f1": f1}



# --------------------------------------------------------------------------- citeproc-js renderings

#: popular styles of the CSL collection the citeproc-js measure renders in (independent styles:
#: general, humanities, medicine, chemistry, physics, computing, publishers' house styles)
CITEPROC_STYLES = (
    "apa", "ieee", "chicago-author-date", "modern-language-association", "nature",
    "nlm-citation-sequence", "elsevier-vancouver", "american-medical-association", "harvard-cite-them-right",
    "association-for-computing-machinery", "american-chemical-society", "springer-basic-author-date",
    "springer-lecture-notes-in-computer-science", "elsevier-harvard", "elsevier-with-titles",
    "american-sociological-association", "american-political-science-association", "cell", "science",
    "the-lancet", "bmj", "royal-society-of-chemistry", "american-physics-society", "plos",
    "springer-basic-brackets", "annual-reviews",
)

#: the fields scored per reference, in the order reported
CITEPROC_FIELDS = ("title", "author", "year", "container", "volume", "issue", "page", "doi")


def _letters(value) -> str:
    """Letters and digits only, lower-cased: markup, punctuation, case and spacing ignored."""
    return "".join(c for c in str(value or "").lower() if c.isalnum())


_NUMBER_RANGE = re.compile(r"[^\W_]*\d+\s*[-\u2010-\u2015]\s*[^\W_]*\d+")
_LINKS = re.compile(r"(?:https?://|doi:\s*|10\.\d{4,9}/)\S+")


def _first_page(value) -> str:
    return re.split(r"\s*[-\u2010-\u2015,]\s*", str(value or "").strip(), maxsplit=1)[0]


def _csl_family(name: dict) -> str:
    if not isinstance(name, dict):
        return ""
    if name.get("literal"):
        return str(name["literal"])
    return " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)


def expected_fields(item: dict, rendered: str) -> dict[str, str]:
    """The scored fields of a CSL-JSON item that ``rendered`` prints in full (a field the style
    leaves out, abbreviates or transforms beyond case is not scored; a number counts only as a
    word of its own, so an issue ``1`` is not found inside ``2015``, nor a volume or issue in a
    page range or a DOI), as letters and digits."""
    text = _letters(rendered)
    plain = _LINKS.sub(" ", rendered.lower())
    runs = set(re.findall(r"[^\W_]+", plain))
    single = set(re.findall(r"[^\W_]+", _NUMBER_RANGE.sub(" ", plain)))  # ``1`` of ``1–208`` is no issue
    out = {}
    names = item.get("author") or item.get("editor") or []
    date = (item.get("issued") or {}).get("date-parts") or [[]]
    values = {
        "title": item.get("title"),
        "author": _csl_family(names[0]) if names else "",
        "year": date[0][0] if date and date[0] else "",
        "container": item.get("container-title"),
        "volume": item.get("volume"),
        "issue": item.get("issue"),
        "page": _first_page(item.get("page")),
        "doi": normalize_doi(str(item.get("DOI") or "")) or item.get("DOI"),  # recorded as a URL at times
    }
    for k in CITEPROC_FIELDS:
        v = _letters(values[k])
        if v and (v in single if k in ("volume", "issue") else v in runs if k in ("year", "page") else v in text):
            out[k] = v
    return out


def entry_fields(entry) -> dict[str, set[str]]:
    """What the importer read of one reference, for each scored field (letters and digits; a
    name is accepted with or without its particle)."""
    names = entry.names.get("author") or entry.names.get("editor")
    fam: set[str] = set()
    if names and names.names:
        n = names.names[0]
        fam = {_letters(n.literal or n.family), _letters((n.particle + " " + n.family) if n.particle else n.family),
               _letters(n.family + " " + n.suffix)}  # a suffix some records keep in the family name
    date = entry.dates.get("issued")
    year = date.start.year if date is not None and date.start is not None else ""
    f = entry.fields
    return {"title": {_letters(f.get("title"))}, "author": fam, "year": {_letters(year)},
            "container": {_letters(f.get("container-title"))}, "volume": {_letters(f.get("volume"))},
            "issue": {_letters(f.get("issue"))}, "page": {_letters(_first_page(f.get("page")))},
            "doi": {_letters(entry.ids.doi)}}


def citeproc_items(shared: Path, corpus: int = 120, seed: int = 23) -> list[dict]:
    """CSL-JSON items that training never saw: the works recorded from Crossref, doi.org,
    OpenAlex and arXiv in ``real_api/`` (through bibkit's own source converters), the input
    items of the CSL test-suite that have a title, an author and a date, and ``corpus`` held-out
    corpus entries; one per title."""
    import glob
    import json

    from bibkit.enrich.sources.arxiv import parse_feed
    from bibkit.enrich.sources.crossref import work_to_csl as crossref_csl
    from bibkit.enrich.sources.doi import repair_item
    from bibkit.enrich.sources.openalex import work_to_csl as openalex_csl

    found: list[dict] = []
    api = shared / "real_api"
    for path in sorted(glob.glob(str(api / "crossref" / "*.json"))):
        msg = json.loads(Path(path).read_text(encoding="utf-8")).get("message") or {}
        found += [crossref_csl(w) for w in msg.get("items", [msg])]
    for path in sorted(glob.glob(str(api / "doi" / "csl__*.json"))):
        found.append(repair_item(json.loads(Path(path).read_text(encoding="utf-8"))))
    for path in sorted(glob.glob(str(api / "openalex" / "*.json"))):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        found += [openalex_csl(w) for w in data.get("results", [data])]
    for path in sorted(glob.glob(str(api / "arxiv" / "*.xml"))):
        try:
            found += [item for item, _doi, _ref in parse_feed(Path(path).read_text(encoding="utf-8"))]
        except Exception:  # a recorded error answer
            continue
    suite = re.compile(r">>=+ INPUT =+>>(.*?)<<=+ INPUT =+<<", re.S)
    for path in sorted(glob.glob(str(shared / "csl" / "test-suite" / "*.txt"))):
        m = suite.search(Path(path).read_text(encoding="utf-8", errors="replace"))
        try:
            items = json.loads(m.group(1)) if m else []
        except ValueError:
            continue
        found += [it for it in items if isinstance(it, dict) and it.get("author") and it.get("issued")
                  and any(isinstance(a, dict) and a.get("family") for a in it["author"])]
    if corpus:
        rnd = random.Random(seed)
        held = training.corpus_items(str(shared / "corpus"), held_out=True)
        found += [it for it, _ax in rnd.sample(training.balanced(held, rnd), min(corpus, len(held)))]
    out, seen = [], set()
    for item in found:
        key = _letters(item.get("title"))
        if len(key) < 4 or key in seen or not (item.get("author") or item.get("editor")):
            continue
        seen.add(key)
        item = {k: v for k, v in item.items() if k not in ("custom", "note", "abstract")}
        item["id"] = "r%d" % len(out)
        out.append(item)
    return out


def wrap_as_pdf(lines: list[str], width: int = 90) -> str:
    """References wrapped at ``width`` characters with nothing marking where one starts, as
    text copied from a PDF column arrives (a long URL breaks mid-word, as a PDF breaks it)."""
    import textwrap
    out = []
    for line in lines:
        out += textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False)
    return "\n".join(out)


def score_list(rendered: list[tuple[str, str]], items: dict, text: str) -> dict:
    """Import ``text`` (the references of ``rendered``, (item id, reference) pairs, as pasted)
    and score it: whether it split into exactly the right references (the same letters and
    digits, one for one), and per reference the share of its scored fields read right
    (references matched by position when the split is exact, otherwise each to the imported
    reference sharing most of its words)."""
    from bibkit.formats.reflist import RefListImporter
    entries = RefListImporter().parse(text).entries
    printed = [_letters(e.extra.get("reference", "")) for e in entries]
    wanted = [_letters(ref) for _, ref in rendered]  # a printed number ([12], 12.) is not part of the reference
    exact = len(printed) == len(wanted) and all(w.endswith(p) and len(w) - len(p) <= 4 for p, w in zip(printed, wanted))
    shares = []
    per_field: Counter = Counter()
    for pos, (item_id, ref) in enumerate(rendered):
        want = expected_fields(items[item_id], ref)
        if not want:
            continue
        if exact:
            entry = entries[pos]
        else:
            words = set(ref.lower().split())
            entry = max(entries, key=lambda e: len(words & set(str(e.extra.get("reference", "")).lower().split())),
                        default=None)
        got = entry_fields(entry) if entry is not None else {}
        right = 0
        for k, v in want.items():
            ok = v in got.get(k, ())
            right += ok
            per_field[k, "n"] += 1
            per_field[k, "right"] += ok
        shares.append(right / len(want))
    return {"exact": exact, "references": len(rendered), "found": len(entries), "shares": shares,
            "per_field": per_field}
