"""Evaluate the reference-list labeller (bibkit/reflist) three ways.

    python benchmarks/eval_reflist.py [--styles 20] [--per-style 60] [--seed 7]

1. Held-out styles: permissive corpus entries that training never saw (training.is_held_out_item)
   rendered in CSL styles that training never used (training.is_held_out), with fields dropped
   as in training but no PDF noise; span F1 = exact (start, end, label) match of maximal runs of
   one label, micro-averaged over all spans.
2. AnyStyle's gold.xml (1,669 real references, never used for training or tuning): word-token
   accuracy over all tokens, and token precision/recall/F1 for author, title, date, container,
   pages. AnyStyle has no ``issue`` label (it is part of ``volume``), so a predicted ``issue``
   counts as ``volume``; ``journal`` and ``container-title`` are both ``container``.
3. Speed: references per second through the whole importer (split, label, build entries) on
   the gold strings, one a line, and through the labeller alone; one process. Both wall-clock
   and CPU time are printed: on a shared machine the wall clock measures the neighbours too.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.reflist import training  # noqa: E402
from bibkit.reflist.model import label_words  # noqa: E402

FIELDS = ("author", "title", "date", "container", "pages")


def runs(labels: list[str]) -> set:
    out = set()
    i = 0
    while i < len(labels):
        j = i
        while j + 1 < len(labels) and labels[j + 1] == labels[i]:
            j += 1
        out.add((i, j, labels[i]))
        i = j + 1
    return out


def held_out_styles(shared: Path, n_styles: int, per_style: int, seed: int) -> dict:
    rnd = random.Random(seed)
    items = training.corpus_items(str(shared / "corpus"), held_out=True)
    items = training.balanced(items, rnd)
    styles = sorted(rnd.sample([s for s in training.independent_styles() if training.is_held_out(s)], n_styles))
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
            pred, _ = label_words(words)
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


def gold(shared: Path) -> dict:
    seqs = training.anystyle_sequences(str(shared / "refstrings" / "anystyle" / "gold.xml"))
    total = correct = 0
    c: Counter = Counter()
    for words, gold_labels in seqs:
        pred, _ = label_words(words)
        for g, p in zip(gold_labels, pred):
            p = "volume" if p == "issue" else p
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


def speed(shared: Path) -> dict:
    from bibkit.formats.reflist import RefListImporter
    seqs = training.anystyle_sequences(str(shared / "refstrings" / "anystyle" / "gold.xml"))
    text = "\n".join(" ".join(w) for w, _ in seqs)
    imp = RefListImporter()
    imp.parse(text[:2000])  # load the model once
    t, c = time.perf_counter(), time.process_time()
    lib = imp.parse(text)
    full, full_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    lib = imp.parse(text)  # again, with the word-feature cache warm
    warm, warm_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    for w, _ in seqs:
        label_words(w)
    lab, lab_cpu = time.perf_counter() - t, time.process_time() - c
    n = len(lib.entries)
    return {"references": n, "importer_refs_per_s": round(n / full), "importer_refs_per_cpu_s": round(n / full_cpu),
            "warm_refs_per_s": round(n / warm), "warm_refs_per_cpu_s": round(n / warm_cpu),
            "labeller_refs_per_s": round(len(seqs) / lab), "labeller_refs_per_cpu_s": round(len(seqs) / lab_cpu)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--styles", type=int, default=20)
    ap.add_argument("--per-style", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    g = gold(shared)
    print(f"gold.xml: {g['references']} references, {g['tokens']} tokens: token accuracy {g['token_accuracy']:.4f}; "
          "token F1 " + ", ".join(f"{k} {v:.4f}" for k, v in g["f1"].items()), flush=True)
    s = speed(shared)
    print(f"speed ({s['references']} references, one process; wall / CPU time): importer (split+label+build) "
          f"first pass {s['importer_refs_per_s']} / {s['importer_refs_per_cpu_s']} refs/s, second pass "
          f"{s['warm_refs_per_s']} / {s['warm_refs_per_cpu_s']} refs/s; labelling only "
          f"{s['labeller_refs_per_s']} / {s['labeller_refs_per_cpu_s']} refs/s", flush=True)
    h = held_out_styles(shared, args.styles, args.per_style, args.seed)
    print(f"held-out styles ({len(h['styles'])}: {', '.join(h['styles'])}), {h['references']} references: "
          f"span F1 {h['span_f1']:.4f}", flush=True)
    print("  by label: " + ", ".join(f"{k} {v}" for k, v in h["by_label"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
