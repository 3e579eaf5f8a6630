"""How well the labeller does: span F1 on held-out styles, token measures on AnyStyle's gold.

Used by ``benchmarks/eval_reflist.py`` (the figures quoted in the README) and by the tests that
keep a floor under them. ``label`` is the labelling function to measure (the shipped model's
:func:`~bibkit.reflist.model.label_words` unless another is given).
"""
from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Callable, Optional

from bibkit.reflist import training
from bibkit.reflist.model import label_words

Labeller = Callable[[list[str]], tuple[list[str], list[float]]]

FIELDS = ("author", "title", "date", "container", "pages")


def runs(labels: list[str]) -> set:
    """The maximal runs of one label as (first, last, label): the spans span F1 compares."""
    out = set()
    i = 0
    while i < len(labels):
        j = i
        while j + 1 < len(labels) and labels[j + 1] == labels[i]:
            j += 1
        out.add((i, j, labels[i]))
        i = j + 1
    return out


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


