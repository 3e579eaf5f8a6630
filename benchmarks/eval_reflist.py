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
3. citeproc-js renderings (``--citeproc``): items training never saw (the works of
   ``real_api/`` through bibkit's source converters, the CSL test-suite's input items, held-out
   corpus entries; evaluation.citeproc_items) rendered by citeproc-js (tests/js/reflist_render.js,
   needs ``npm ci --prefix tests/js``) in the popular styles of evaluation.CITEPROC_STYLES, pasted
   one reference a line and wrapped at 90 characters as a PDF column is; per reference the share
   of title, first author's family name, year, container, volume, issue, first page and DOI read
   right (letters and digits compared; only fields the style prints in full), and per list
   whether it split into exactly the right references. ``--render-cache FILE`` keeps the
   renderings (rendered once, reused while the file exists).
4. Speed: references per second through the whole importer (split, label, build entries) on
   the gold strings, one a line, and through the labeller alone; one process. Both wall-clock
   and CPU time are printed: on a shared machine the wall clock measures the neighbours too.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.reflist import training  # noqa: E402
from bibkit.reflist.evaluation import (CITEPROC_FIELDS, CITEPROC_STYLES, citeproc_items, gold,  # noqa: E402
                                       held_out_styles, score_list, wrap_as_pdf)
from bibkit.reflist.model import label_words  # noqa: E402

def citeproc_renderings(shared: Path, cache: Optional[str] = None) -> tuple[dict, dict]:
    """(items by id, {style: [(item id, reference)]}) rendered by citeproc-js, or read from
    ``cache`` when it exists (and written there when it does not)."""
    import json
    import subprocess

    from bibkit.csl.styles import resolve_style
    if cache and Path(cache).exists():
        data = json.loads(Path(cache).read_text(encoding="utf-8"))
        return {it["id"]: it for it in data["items"]}, data["styles"]
    items = citeproc_items(shared)
    job = {"styles": {s: resolve_style(s) for s in CITEPROC_STYLES},
           "locales_dir": str(ROOT / "bibkit" / "csl" / "locales"), "items": items, "lang": "en-US"}
    done = subprocess.run(["node", str(ROOT / "tests" / "js" / "reflist_render.js")], input=json.dumps(job),
                          capture_output=True, text=True, encoding="utf-8", check=True)
    # a style that leaves items out of its bibliography (a note style's, citeproc-js 2.4.63's
    # chicago-fullnote-bibliography) may pair entries with the wrong item ids: only styles that
    # render every item are kept
    styles = {k: v for k, v in json.loads(done.stdout).items() if isinstance(v, list) and len(v) == len(items)}
    if cache:
        Path(cache).write_text(json.dumps({"items": items, "styles": styles}, ensure_ascii=False), encoding="utf-8")
    return {it["id"]: it for it in items}, styles


def citeproc_measure(shared: Path, cache: Optional[str] = None, verbose: bool = False) -> dict:
    """The citeproc-js measure (3. above): mean field share and exact splits, one reference a
    line and wrapped as a PDF, with per-style and per-field figures."""
    items, styles = citeproc_renderings(shared, cache)
    out: dict = {"items": len(items), "styles": len(styles)}
    for shape in ("lines", "wrapped"):
        shares: list[float] = []
        fields: Counter = Counter()
        exact = []
        per_style = {}
        for style, refs in styles.items():
            refs = [tuple(r) for r in refs]
            lines = [r for _, r in refs]
            text = "\n".join(lines) if shape == "lines" else wrap_as_pdf(lines)
            r = score_list(refs, items, text)
            shares += r["shares"]
            fields.update(r["per_field"])
            if not r["exact"]:
                exact.append(f"{style} ({r['found']} of {r['references']})")
            per_style[style] = round(sum(r["shares"]) / max(len(r["shares"]), 1), 3)
        out[shape] = {"mean": round(sum(shares) / max(len(shares), 1), 4), "references": len(shares),
                      "not_exact": exact, "per_style": per_style,
                      "per_field": {k: round(fields[k, "right"] / max(fields[k, "n"], 1), 3)
                                    for k in CITEPROC_FIELDS}}
    return out


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
    ap.add_argument("--citeproc", action="store_true", help="only the citeproc-js measure (needs node and tests/js)")
    ap.add_argument("--speed", action="store_true", help="only the speed measure")
    ap.add_argument("--render-cache", help="JSON file keeping the citeproc-js renderings between runs")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if args.speed:
        print_speed(speed(shared))
        return 0
    c = citeproc_measure(shared, args.render_cache)
    for shape in ("lines", "wrapped"):
        r = c[shape]
        print(f"citeproc-js ({c['items']} items never trained on, {c['styles']} styles, {shape}): "
              f"mean field accuracy {r['mean']:.4f} over {r['references']} references; lists not split exactly: "
              f"{len(r['not_exact'])} of {c['styles']} {r['not_exact']}", flush=True)
        print("  by field: " + ", ".join(f"{k} {v}" for k, v in r["per_field"].items()))
        print("  by style: " + ", ".join(f"{k} {v}" for k, v in r["per_style"].items()))
    if args.citeproc:
        return 0
    label = (lambda words: label_words(words, args.model)) if args.model else None
    g = gold(shared, label)
    print(f"gold.xml: {g['references']} references, {g['tokens']} tokens: token accuracy {g['token_accuracy']:.4f}; "
          "token F1 " + ", ".join(f"{k} {v:.4f}" for k, v in g["f1"].items()), flush=True)
    if not args.model:
        print_speed(speed(shared))
    h = held_out_styles(shared, args.styles, args.per_style, args.seed, label)
    names = ", ".join(h["styles"]) if len(h["styles"]) <= 30 else "all that render"
    print(f"held-out styles ({len(h['styles'])}: {names}), {h['references']} references: "
          f"span F1 {h['span_f1']:.4f}", flush=True)
    print("  by label: " + ", ".join(f"{k} {v}" for k, v in h["by_label"].items()))
    return 0


def print_speed(s: dict) -> None:
    if s:
        print(f"speed ({s['references']} references; wall / CPU time): importer (split+label+build) in one "
              f"process first pass {s['importer_refs_per_s']} / {s['importer_refs_per_cpu_s']} refs/s, second pass "
              f"{s['warm_refs_per_s']} / {s['warm_refs_per_cpu_s']} refs/s; on {s['cores']} cores (wall) "
              f"{s['cores_refs_per_s']} refs/s; labelling only {s['labeller_refs_per_s']} / "
              f"{s['labeller_refs_per_cpu_s']} refs/s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
