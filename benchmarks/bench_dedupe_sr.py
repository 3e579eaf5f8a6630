"""Benchmark: duplicates in real systematic-review searches, bibkit beside bib-dedupe.

    python benchmarks/bench_dedupe_sr.py [--sets a,b] [--no-peer] [--scale 100000] [--no-scale]

Data: the labelled sets of bib-dedupe's own benchmark in ``../shared/dedupe-sr/`` (see its
MANIFEST.md): real exports of literature searches over several databases, with the reviewers'
duplicate groups. Each set is run the way a new user would:

* bibkit: the CSV is written as a .bib file with the record ID as the key (:func:`csv_to_bib`),
  then ``python -m bibkit dedupe records.bib -o out.bib --report report.json`` runs in its own
  process; the kept records are the keys of ``out.bib``.
* bib-dedupe (``pip install -e '.[bench-dedupe]'``): ``prep``, ``block``, ``match``,
  ``cluster`` and ``merge`` on the CSV's DataFrame, in its own process; the kept records are the
  ``ID`` column of its result.

Both are scored with bib-dedupe's metric (its ``compare_dedupe_id``, :func:`score`): per true
group, the first kept record is a true negative, each further kept one a false negative, each
removed one a true positive, and a group with nothing kept counts one false positive; a removed
record that has no duplicate is a false positive. Sensitivity = TP / (TP + FN). Times are those
of each whole process (start-up and reading included): CPU seconds (user + system, with the
worker processes bib-dedupe starts), the fair figure on a shared machine, and wall seconds.

``--scale N`` adds a synthetic multi-database search of N records (:func:`synthetic_search`):
distinct works from the real entries of ``../shared/corpus/``, each exported by one to four
"databases" that write it differently (title annotations and case, journal abbreviations and
``&``, names swapped or reduced to initials, truncated author lists, page forms, a year off by
one, accession numbers in ``number``), and ``bibkit dedupe`` is timed on it with its peak memory
(``ru_maxrss`` of the child). The planted duplicate rate and the share found are printed.

No assertion: this prints a table; the README quotes it (on a loaded shared machine: compare the
ratio, not the seconds).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "dedupe-sr"
CORPUS = ROOT.parent / "shared" / "corpus"
SETS = ("cytology_screening", "haematology", "respiratory", "special_cases")

csv.field_size_limit(1 << 24)


# ---------------------------------------------------------------------------- data and scoring


def _braced(value: str) -> str:
    """A CSV cell as a braced BibTeX value: braces balanced (an unbalanced one is dropped)."""
    value = value.replace("\\", "\\textbackslash{}") if "\\" in value else value
    depth, out = 0, []
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if not depth:
                continue
            depth -= 1
        out.append(ch)
    return "{" + "".join(out) + "}" * (depth + 1)


def csv_to_bib(csv_path: Path, bib_path: Path) -> int:
    """Write a bib-dedupe CSV (``ID``, ``ENTRYTYPE``, BibTeX field columns) as a .bib file."""
    skip = {"id", "entrytype", "colrev_status", "file_name", "cited_by"}
    n = 0
    with open(csv_path, newline="", encoding="utf-8") as handle, open(bib_path, "w", encoding="utf-8") as out:
        for row in csv.DictReader(handle):
            fields = [f"  {name} = {_braced(value.strip())}" for name, value in row.items()
                      if name and name.lower() not in skip and value and value.strip()]
            out.write(f"@{row.get('ENTRYTYPE') or 'misc'}{{{row['ID']},\n" + ",\n".join(fields) + "\n}\n\n")
            n += 1
    return n


def true_groups(set_dir: Path) -> list[list[str]]:
    with open(set_dir / "merged_record_ids.csv", newline="", encoding="utf-8") as handle:
        return [row["merged_ids"].split(";") for row in csv.DictReader(handle) if row["merged_ids"]]


def all_ids(set_dir: Path) -> list[str]:
    with open(set_dir / "records_pre_merged.csv", newline="", encoding="utf-8") as handle:
        return [row["ID"] for row in csv.DictReader(handle)]


def score(ids: list[str], groups: list[list[str]], kept: set[str]) -> dict:
    """bib-dedupe's ``compare_dedupe_id`` on the IDs kept after deduplication."""
    tp = fp = tn = fn = 0
    grouped: set[str] = set()
    for group in groups:
        grouped.update(group)
        kept_here = [i for i in group if i in kept]
        if not kept_here:
            fp += 1
        else:
            tn += 1
            fn += len(kept_here) - 1
        tp += len(group) - len(kept_here)
    for i in ids:
        if i not in grouped:
            if i in kept:
                tn += 1
            else:
                fp += 1
    sensitivity = tp / (tp + fn) if tp + fn else 1.0
    return {"TP": tp, "FP": fp, "TN": tn, "FN": fn, "sensitivity": round(sensitivity, 4)}


_KEY_LINE = re.compile(r"(?m)^@\s*\w+\s*[{(]\s*([^,\s]+)\s*,")


def bib_keys(path: Path) -> set[str]:
    return set(_KEY_LINE.findall(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------- runs


@dataclass
class Run:
    """One child process: wall and CPU seconds (its own and its waited-for children's, so
    bib-dedupe's worker processes count), peak resident memory, exit code, standard error."""

    wall: float
    cpu: float
    rss: int
    code: int
    err: bytes


def _peak_run(cmd: list[str]) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
               proc.returncode, err)


def run_bibkit(bib: Path, work: Path) -> tuple[set[str], Run]:
    out, report = work / "out.bib", work / "report.json"
    run = _peak_run([sys.executable, "-m", "bibkit", "dedupe", str(bib), "-o", str(out), "--report", str(report), "-q"])
    if run.code not in (0, 1):
        raise SystemExit(f"bibkit dedupe failed ({run.code}): {run.err.decode(errors='replace')[-2000:]}")
    return bib_keys(out), run


_PEER = r"""
import json, sys
import pandas as pd
import bib_dedupe.bib_dedupe as bd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
prepped = bd.prep(df, verbosity_level=0)
pairs = bd.block(prepped, verbosity_level=0)
matched = bd.match(pairs, verbosity_level=0)
merged = bd.merge(df, matched_df=matched, verbosity_level=0)
json.dump(sorted(merged["ID"].tolist()), open(sys.argv[2], "w"))
"""


def run_peer(csv_path: Path, work: Path) -> tuple[set[str], Run]:
    out = work / "peer.json"
    run = _peak_run([sys.executable, "-c", _PEER, str(csv_path), str(out)])
    if run.code != 0:
        raise SystemExit(f"bib-dedupe failed ({run.code}): {run.err.decode(errors='replace')[-2000:]}")
    return set(json.loads(out.read_text())), run


def peer_available() -> bool:
    try:
        import bib_dedupe  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------------------- synthetic search


_TITLE = re.compile(r"(?im)^\s*title\s*=\s*[{\"](.*)[}\"]\s*,?\s*$")


def _corpus_works(n: int, rnd: random.Random) -> list[dict]:
    """Distinct works (title, authors, journal, year, volume, pages) from the shared corpus."""
    sys.path.insert(0, str(ROOT))
    from bibkit.api import load

    works: list[dict] = []
    seen: set[str] = set()
    files = sorted((CORPUS / "large").glob("*.bib")) + sorted((CORPUS / "pool").glob("*.bib"))
    for path in files:
        try:
            lib = load(str(path))
        except Exception:  # noqa: BLE001 - a corpus file bibkit cannot read is left out
            continue
        for e in lib.entries:
            title = str(e.fields.get("title", "")).strip()
            people = e.names.get("author")
            issued = e.dates.get("issued")
            if not title or len(title.split()) < 4 or not people or issued is None or issued.start is None:
                continue
            authors = [(n.family, n.given) for n in people.names if n.family][:8]
            if not authors:
                continue
            # one work once: the corpus holds records of one work with slightly different titles
            # ("behavior" / "behaviour"), which would count as false merges here
            words = re.findall(r"[a-z0-9]+", title.lower())
            fold, near = "".join(words), (authors[0][0].lower(), issued.start.year, " ".join(words[:3]))
            if fold in seen or near in seen:
                continue
            seen.update((fold, near))
            works.append({"title": title, "authors": authors, "year": issued.start.year,
                          "journal": str(e.fields.get("container-title", "")) or "Journal of Studies",
                          "volume": str(e.fields.get("volume", "")), "pages": str(e.fields.get("page", ""))})
        if len(works) >= n:
            break
    rnd.shuffle(works)
    return works[:n]


def _variant(work: dict, db: int, rnd: random.Random) -> dict:
    """One database's record of a work: the variations real exports show."""
    title, authors = work["title"], list(work["authors"])
    journal, pages, year = work["journal"], work["pages"], work["year"]
    if db == 1:
        title = title.upper()
        journal = journal.replace(" and ", " & ")
    elif db == 2:
        title += rnd.choice([" [Review] [45 refs]", " (Provisional abstract)", "."])
        authors = [(f, " ".join(g[:1] + "." for g in given.split()) if given else "") for f, given in authors]
        m = re.match(r"^(\d+)\s*[-–]+\s*(\d+)$", pages)
        if m and len(m.group(1)) == len(m.group(2)) and m.group(1)[:-1] == m.group(2)[:-1]:
            pages = f"{m.group(1)}-{m.group(2)[-1]}"
    elif db == 3:
        authors = authors[:3]
        year = year + rnd.choice([0, 1])
        journal = "The " + journal if rnd.random() < 0.3 else journal.lower()
    return {"title": title, "authors": authors, "journal": journal, "pages": pages, "year": year,
            "volume": work["volume"], "number": str(rnd.randrange(100000, 999999)) if db == 3 else ""}


def synthetic_search(n: int, path: Path, seed: int = 21) -> dict:
    """Write an N-record multi-database search; return the planted counts."""
    rnd = random.Random(seed)
    works = _corpus_works(n, rnd)
    records: list[tuple[int, dict]] = []
    planted = 0
    w = 0
    while len(records) < n and w < len(works):
        copies = rnd.choices([1, 2, 3, 4], weights=[60, 25, 10, 5])[0]
        dbs = rnd.sample(range(4), copies)
        for db in dbs:
            records.append((w, _variant(works[w], db, rnd)))
        planted += copies - 1
        w += 1
    records = records[:n]
    rnd.shuffle(records)
    with open(path, "w", encoding="utf-8") as out:
        for k, (work_id, r) in enumerate(records):
            names = " and ".join(f"{f}, {g}" if g else f for f, g in r["authors"])
            fields = {"title": r["title"], "author": names, "journal": r["journal"], "year": str(r["year"]),
                      "volume": r["volume"], "pages": r["pages"], "number": r["number"]}
            body = ",\n".join(f"  {k2} = {_braced(v)}" for k2, v in fields.items() if v)
            out.write(f"@article{{w{work_id}x{k},\n{body}\n}}\n\n")
    return {"records": len(records), "works": len({wid for wid, _ in records}),
            "planted": len(records) - len({wid for wid, _ in records})}


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--no-peer", action="store_true", help="Do not run bib-dedupe.")
    parser.add_argument("--scale", type=int, default=100_000, help="Records of the synthetic search.")
    parser.add_argument("--no-scale", action="store_true")
    args = parser.parse_args()
    peer = not args.no_peer and peer_available()
    if not args.no_peer and not peer:
        print("bib-dedupe is not installed (pip install -e '.[bench-dedupe]'): peer skipped", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            set_dir = DATA / name
            work = Path(tmp) / name
            work.mkdir()
            bib = work / "records.bib"
            n = csv_to_bib(set_dir / "records_pre_merged.csv", bib)
            ids, groups = all_ids(set_dir), true_groups(set_dir)
            kept, ours = run_bibkit(bib, work)
            row = {"set": name, "records": n, "bibkit": score(ids, groups, kept), "wall_bibkit": ours.wall,
                   "cpu_bibkit": ours.cpu}
            if peer:
                kept_peer, theirs = run_peer(set_dir / "records_pre_merged.csv", work)
                row.update(peer=score(ids, groups, kept_peer), wall_peer=theirs.wall, cpu_peer=theirs.cpu)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
        print("\n| set | records | bibkit FP / sensitivity | bib-dedupe FP / sensitivity "
              "| CPU s bibkit / bib-dedupe | ratio | wall s bibkit / bib-dedupe |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            b, p = r["bibkit"], r.get("peer")
            peer_cell = f"{p['FP']} / {p['sensitivity']:.3f}" if p else "-"
            cpu = f"{r['cpu_bibkit']:.1f} / {r['cpu_peer']:.1f}" if p else f"{r['cpu_bibkit']:.1f} / -"
            ratio = f"{r['cpu_peer'] / r['cpu_bibkit']:.1f}x" if p else "-"
            wall = f"{r['wall_bibkit']:.1f} / {r['wall_peer']:.1f}" if p else f"{r['wall_bibkit']:.1f} / -"
            print(f"| {r['set']} | {r['records']:,} | {b['FP']} / {b['sensitivity']:.3f} | {peer_cell} | {cpu} "
                  f"| {ratio} | {wall} |")
        if not args.no_scale:
            path = Path(tmp) / "search.bib"
            counts = synthetic_search(args.scale, path)
            out, report = Path(tmp) / "unique.bib", Path(tmp) / "scale-report.json"
            run = _peak_run([sys.executable, "-m", "bibkit", "dedupe", str(path), "-o", str(out),
                             "--report", str(report), "-q"])
            if run.code not in (0, 1):
                raise SystemExit(f"bibkit dedupe failed ({run.code}): {run.err.decode(errors='replace')[-2000:]}")
            removed = counts["records"] - len(bib_keys(out))
            wrong = _wrong_merges(json.loads(report.read_text(encoding="utf-8")))
            print(f"\nsynthetic search: {counts['records']:,} records ({counts['works']:,} works, "
                  f"{counts['planted']:,} planted duplicates = {counts['planted'] / counts['records']:.0%}); "
                  f"bibkit dedupe {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, peak {run.rss / 2**30:.2f} GB; removed {removed:,} "
                  f"({removed / max(counts['planted'], 1):.1%} of planted), {wrong} merged across works")


def _wrong_merges(report: dict) -> int:
    """Merged-away records whose planted work differs from the kept one's (keys are wWORKxN)."""
    wrong = 0
    for g in report.get("groups", []):
        kept = g["kept"]["key"].split("x")[0]
        wrong += sum(1 for m in g["merged"] if m["key"].split("x")[0] != kept)
    return wrong


if __name__ == "__main__":
    main()
