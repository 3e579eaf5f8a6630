"""Train the reference-string labeller shipped in bibkit/reflist/reflist.crfsuite.

    nice python scripts/train_reflist.py [--seed 16] [--styles 3000] [--per-style 30]
    python scripts/train_reflist.py --write-terms   # only regenerate bibkit/reflist/terms.json

Data (all from ../shared, nothing copied into the repo):
  * the permissively licensed entries of corpus/ (iridia CC0, CDL MIT, better-bibtex MIT),
    rendered by bibkit's CSL engine with the tagging backend in --styles independent styles
    of the CSL collection (all of them by default; styles held out by `training.is_held_out`
    are never used), a quarter of them in a random non-default locale, with dropped fields and
    PDF noise;
  * AnyStyle's core/good/ugly/bad.xml (gold.xml is evaluation only and is never read here).

Deterministic: one seed drives every choice; the script prints and records (reflist.json)
the sha256 of the training sequences and of the model file. Run time on the 2-core build box
(shared, niced) is recorded in reflist.json as well.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibkit.reflist import training  # noqa: E402
from bibkit.reflist.features import FEATURE_VERSION, sequence_features  # noqa: E402

ANYSTYLE_TRAIN = ("core.xml", "good.xml", "ugly.xml", "bad.xml")


def build_data(shared: Path, seed: int, n_styles: int, per_style: int, anystyle_copies: int = 1) -> tuple[list, dict]:
    rnd = random.Random(seed)
    t0 = time.time()
    items = training.balanced(training.corpus_items(str(shared / "corpus")), rnd)
    styles = [s for s in training.independent_styles() if not training.is_held_out(s)]
    chosen = sorted(rnd.sample(styles, min(n_styles, len(styles))))
    synth = training.synthetic_sequences(items, chosen, per_style, rnd)
    t1 = time.time()
    anys = []
    for name in ANYSTYLE_TRAIN:
        anys += training.anystyle_sequences(str(shared / "refstrings" / "anystyle" / name))
    data = synth + anys * anystyle_copies
    info = {"seed": seed, "styles": len(chosen), "per_style": per_style, "items_pool": len(items),
            "synthetic_sequences": len(synth), "anystyle_sequences": len(anys), "anystyle_copies": anystyle_copies,
            "tokens": sum(len(w) for w, _ in data), "render_seconds": round(t1 - t0, 1)}
    return data, info


def data_hash(data) -> str:
    h = hashlib.sha256()
    for words, labels in data:
        h.update(json.dumps([words, labels], ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--styles", type=int, default=3000, help="styles to render in (more than there are: all)")
    ap.add_argument("--per-style", type=int, default=30)
    ap.add_argument("--iterations", type=int, default=60)
    ap.add_argument("--anystyle-copies", type=int, default=2,
                    help="times each AnyStyle string is used: real references weigh against the many renderings")
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--minfreq", type=float, default=2)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--features", type=int, default=FEATURE_VERSION, help="feature set (see features.py)")
    ap.add_argument("--verbose", action="store_true", help="print crfsuite's progress")
    ap.add_argument("--out", default=str(ROOT / "bibkit" / "reflist" / "reflist.crfsuite"))
    ap.add_argument("--write-terms", action="store_true",
                    help="write bibkit/reflist/terms.json from the CSL locales and stop")
    args = ap.parse_args(argv)
    if args.write_terms:
        path = ROOT / "bibkit" / "reflist" / "terms.json"
        path.write_text(json.dumps(training.locale_terms(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
        print(f"wrote {path}")
        return 0
    import pycrfsuite

    start = time.time()
    data, info = build_data(Path(args.shared), args.seed, args.styles, args.per_style, args.anystyle_copies)
    dh = data_hash(data)
    print(f"data: {info} sha256={dh}", flush=True)
    random.Random(args.seed).shuffle(data)
    trainer = pycrfsuite.Trainer(verbose=args.verbose)
    for words, labels in data:
        trainer.append(sequence_features(words, args.features), labels)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True, "feature.minfreq": args.minfreq})
    t_train = time.time()
    tmp = args.out + ".tmp"
    trainer.train(tmp)
    os.replace(tmp, args.out)
    end = time.time()
    mh = hashlib.sha256(Path(args.out).read_bytes()).hexdigest()
    meta = {**info, "features": args.features, "data_sha256": dh, "model_sha256": mh, "iterations": args.iterations,
            "c1": args.c1, "c2": args.c2, "minfreq": args.minfreq,
            "train_seconds": round(end - t_train, 1), "total_seconds": round(end - start, 1),
            "model_bytes": Path(args.out).stat().st_size,
            "command": "nice python scripts/train_reflist.py " + " ".join(argv or sys.argv[1:])}
    Path(args.out).with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
