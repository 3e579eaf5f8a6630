"""Evaluate the reference-list labeller (bibkit/reflist) three ways.

    python benchmarks/eval_reflist.py [--styles 0] [--per-style 60] [--seed 7]

1. Held-out styles: permissive corpus entries that training never saw (training.is_held_out_item)
   rendered in CSL styles that training never used (training.is_held_out; every one of them by
   default, ``--styles N`` samples N), with fields dropped as in training but no PDF noise; span
   F1 = exact (start, end, label) match of maximal runs of one label, micro-averaged over all
   spans. Gold labels follow the training conventions (tokens.label_tokens,
   tokens.attach_punctuation): a word holding two fields is labelled by where it starts, and a
   token of punctuation only belongs to the previous field (an opening bracket or quotation
   mark to the next).
2. AnyStyle's gold.xml (1,669 real references, never used for training or tuning): word-token
   accuracy over all tokens, and token precision/recall/F1 for author, title, date, container,
   pages. AnyStyle has no ``issue`` label (it is part of ``volume``), so ``issue`` counts as
   ``volume`` on both sides; ``journal`` and ``container-title`` are both ``container``.
3. Speed: references per second through the whole importer (split, label, build entries) on
   the gold strings, one a line, and through the labeller alone; one process. Both wall-clock
   and CPU time are printed: on a shared machine the wall clock measures the neighbours too.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.reflist import training  # noqa: E402
from bibkit.reflist.evaluation import gold, held_out_styles  # noqa: E402
from bibkit.reflist.model import label_words  # noqa: E402

def speed(shared: Path) -> dict:
    """References per second on the gold strings (one a line): the whole importer in one process
    (cold word cache, then warm), the whole importer on every core (a list this long is spread
    over forked processes: wall time only, the children's CPU is not the parent's), and the
    labeller alone."""
    import os

    from bibkit.formats.reflist import RefListImporter
    from bibkit.parallel import ENV_JOBS, job_count
    from bibkit.reflist import features
    seqs = training.anystyle_sequences(str(shared / "refstrings" / "anystyle" / "gold.xml"))
    text = "\n".join(" ".join(w) for w, _ in seqs)
    imp = RefListImporter()
    imp.parse(text[:2000])  # load the model once
    saved = os.environ.get(ENV_JOBS)
    cores = job_count()

    def timed(jobs: str) -> tuple[int, float, float]:
        os.environ[ENV_JOBS] = jobs
        t, c = time.perf_counter(), time.process_time()
        n = len(imp.parse(text).entries)
        return n, time.perf_counter() - t, time.process_time() - c

    try:
        features._cache.clear()
        n, full, full_cpu = timed("1")
        _, warm, warm_cpu = timed("1")  # again, with the word-feature cache warm
        features._cache.clear()
        _, par, _ = timed(str(cores))
    finally:
        if saved is None:
            os.environ.pop(ENV_JOBS, None)
        else:
            os.environ[ENV_JOBS] = saved
    t, c = time.perf_counter(), time.process_time()
    for w, _ in seqs:
        label_words(w)
    lab, lab_cpu = time.perf_counter() - t, time.process_time() - c
    return {"references": n, "importer_refs_per_s": round(n / full), "importer_refs_per_cpu_s": round(n / full_cpu),
            "warm_refs_per_s": round(n / warm), "warm_refs_per_cpu_s": round(n / warm_cpu),
            "cores": cores, "cores_refs_per_s": round(n / par),
            "labeller_refs_per_s": round(len(seqs) / lab), "labeller_refs_per_cpu_s": round(len(seqs) / lab_cpu)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--styles", type=int, default=0, help="held-out styles to sample (0: every one)")
    ap.add_argument("--per-style", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--model", help="measure the accuracy of another model file (its .json beside it names its "
                                    "feature set); speed is measured for the shipped model only")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    label = (lambda words: label_words(words, args.model)) if args.model else None
    g = gold(shared, label)
    print(f"gold.xml: {g['references']} references, {g['tokens']} tokens: token accuracy {g['token_accuracy']:.4f}; "
          "token F1 " + ", ".join(f"{k} {v:.4f}" for k, v in g["f1"].items()), flush=True)
    s = speed(shared) if not args.model else None
    if s:
        print(f"speed ({s['references']} references; wall / CPU time): importer (split+label+build) in one "
              f"process first pass {s['importer_refs_per_s']} / {s['importer_refs_per_cpu_s']} refs/s, second pass "
              f"{s['warm_refs_per_s']} / {s['warm_refs_per_cpu_s']} refs/s; on {s['cores']} cores (wall) "
              f"{s['cores_refs_per_s']} refs/s; labelling only {s['labeller_refs_per_s']} / "
              f"{s['labeller_refs_per_cpu_s']} refs/s", flush=True)
    h = held_out_styles(shared, args.styles, args.per_style, args.seed, label)
    names = ", ".join(h["styles"]) if len(h["styles"]) <= 30 else "all that render"
    print(f"held-out styles ({len(h['styles'])}: {names}), {h['references']} references: "
          f"span F1 {h['span_f1']:.4f}", flush=True)
    print("  by label: " + ", ".join(f"{k} {v}" for k, v in h["by_label"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
