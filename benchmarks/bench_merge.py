"""Benchmark: merging two overlapping bibliographies, beside bibtex-tidy ``--duplicates``.

    python benchmarks/bench_merge.py [--sizes 1000,10000,100000] [--overlap 0.3] [--no-tidy]

For each size N it builds, from the real entries of ``../shared/corpus/`` (``large/``, ``pool/``
and ``ordinary/``), an existing file A of N entries and a new file B of N entries of which
``overlap``·N are entries of A with a new key and a lower-cased title (so that only the fuzzy
rules can find the DOI-less ones), the rest fresh. When the corpus runs out of fresh entries
(about 124k), further entries are made by joining the first half of one real title to the second
half of another (printed as "synthetic"). Then, each in its own process so that peak memory
(``ru_maxrss`` from ``wait4``) is per run:

* ``python -m bibkit merge A B -o M --report R`` (the real command: figures from the report),
* ``python -m bibkit dedupe A+B -o D --report R`` on the concatenated file, and
* ``bibtex-tidy --duplicates --merge=combine A+B`` on the same concatenated file (installed with
  npm from ``benchmarks/package.json`` into ``benchmarks/node_modules``; skipped without npm).

Figures are wall-clock and CPU seconds (CPU is the fairer figure on a shared machine; it includes
the processes bibkit starts to read and write a large file) and peak resident memory of the largest
single process; ``--phases`` adds an API run that times load, match+merge and write;
bibtex-tidy's line ends with its wall and CPU time over bibkit dedupe's on the same file. No assertion: this prints, the note quotes it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
TIDY = HERE / "node_modules" / ".bin" / "bibtex-tidy"

_ENTRY_START = re.compile(r"(?m)^(?=@)")
_KEY = re.compile(r"^@\s*(\w+)\s*[{(]\s*([^,\s]*)\s*,")
_TITLE = re.compile(r"(?im)^(\s*title\s*=\s*[{\"])(.*)([}\"]\s*,?\s*)$")
_DOI_FIELD = re.compile(r"(?im)^(\s*)doi(\s*=)")
_SKIP_TYPES = {"string", "comment", "preamble"}
_BAD_KEY = re.compile(r"[~\"#%'(),={}\\]")
# a field whose value is neither braced, quoted, a number nor a macro name: strict parsers (such
# as bibtex-tidy's, which then rejects the whole file) fail on it, so such entries are left out
_BARE_VALUE = re.compile(r"(?m)^\s*[\w\-:.]+\s*=\s*(?![{\"\s]|\d+\s*,?\s*$|[A-Za-z][\w\-]*\s*(?:[,#}]|$))\S")


# ---------------------------------------------------------------------------- inputs


def corpus_entries() -> list[str]:
    """Raw entry texts of the corpus, in a fixed shuffled order (seeded)."""
    files = sorted((CORPUS / "large").glob("*.bib")) + sorted((CORPUS / "pool").glob("*.bib"))
    files += sorted(p for p in (CORPUS / "ordinary").rglob("*.bib") if "bibtex-tidy-fixtures" not in p.parts
                    or "better-bibtex" in p.parts)
    chunks: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "@string" in text.lower():
            continue  # entries of files with macros need their @string blocks: leave those files out
        for chunk in _ENTRY_START.split(text):
            m = _KEY.match(chunk)
            if (m and m.group(1).lower() not in _SKIP_TYPES and m.group(2) and not _BAD_KEY.search(m.group(2))
                    and not _BARE_VALUE.search(chunk)):
                chunks.append(chunk.rstrip() + "\n")
    random.Random(4).shuffle(chunks)
    return chunks


def _rekey(chunk: str, key: str) -> str:
    return _KEY.sub(lambda m: f"@{m.group(1)}{{{key},", chunk, count=1)


def _variant(chunk: str, key: str) -> str:
    """The same work as written by another tool: another key, the title in lower case."""
    return _TITLE.sub(lambda m: m.group(1) + m.group(2).lower() + m.group(3), _rekey(chunk, key), count=1)


def _one_line_title(chunk: str) -> bool:
    """A title written whole on one line (braces balanced), safe to cut and splice."""
    m = _TITLE.search(chunk)
    return bool(m) and m.group(2).count("{") == m.group(2).count("}") and "\\" not in m.group(2)


def _synthetic(pool: list[str], titled: list[int], n: int, rnd: random.Random) -> str:
    """A distinct work from real parts: half of one real title joined to half of another."""
    while True:
        a, b = titled[rnd.randrange(len(titled))], titled[rnd.randrange(len(titled))]
        ta, tb = _TITLE.search(pool[a]).group(2).split(), _TITLE.search(pool[b]).group(2).split()
        if len(ta) >= 2 and len(tb) >= 2:
            break
    title = re.sub(r"[{}\"]", "", " ".join(ta[: len(ta) // 2] + tb[len(tb) // 2:]))
    chunk = _DOI_FIELD.sub(r"\1sourcedoi\2", pool[a])  # renamed, not cut: a line may also close the entry
    chunk = _TITLE.sub(lambda m: m.group(1) + title + m.group(3), chunk, count=1)
    return _rekey(chunk, f"syn{n}")


def build(pool: list[str], size: int, overlap: float, folder: Path) -> dict:
    """Write A.bib, B.bib and AB.bib (their concatenation) for one size; return counts."""
    rnd = random.Random(size)
    titled = [i for i, c in enumerate(pool) if _one_line_title(c)]
    a_part = pool[:size]
    fresh_needed = size - int(size * overlap)
    fresh = pool[size: size + fresh_needed]
    synthetic = 0
    while len(a_part) < size:
        a_part.append(_synthetic(pool, titled, len(a_part), rnd))
        synthetic += 1
    while len(fresh) < fresh_needed:
        fresh.append(_synthetic(pool, titled, size + len(fresh), rnd))
        synthetic += 1
    shared = rnd.sample(range(size), int(size * overlap))
    b_part = [_variant(a_part[i], f"B{n}") for n, i in enumerate(shared)] + fresh
    planted = [[_KEY.match(a_part[i]).group(2), f"B{n}"] for n, i in enumerate(shared)]
    (folder / "planted.json").write_text(json.dumps(planted))
    rnd.shuffle(b_part)
    (folder / "A.bib").write_text("\n".join(a_part), encoding="utf-8")
    (folder / "B.bib").write_text("\n".join(b_part), encoding="utf-8")
    (folder / "AB.bib").write_text("\n".join(a_part) + "\n" + "\n".join(b_part), encoding="utf-8")
    return {"a": len(a_part), "b": len(b_part), "planted": len(shared), "synthetic": synthetic}


# ---------------------------------------------------------------------------- runs


# Measured commands are started by this small launcher, not by the benchmark process itself: a
# child forked from a process that holds the whole corpus would report the parent's memory as
# its own peak (ru_maxrss survives fork+exec on Linux).
_LAUNCHER = r"""
import json, os, subprocess, sys, time
timeout, out, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
start = time.perf_counter()
with open(out, "wb") as handle:
    proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
_, status, usage = os.wait4(proc.pid, 0) if proc.returncode is None else (0, 0, None)
wall = time.perf_counter() - start
if usage is None:
    usage = __import__("resource").getrusage(__import__("resource").RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                  "status": proc.returncode if proc.returncode is not None else os.waitstatus_to_exitcode(status),
                  "timeout": wall >= timeout}))
"""


def run_measured(cmd: list[str], timeout: float) -> dict:
    """Run a command in its own process: wall and CPU time, peak RSS (wait4), its stdout."""
    with tempfile.NamedTemporaryFile(suffix=".out", delete=False) as handle:
        out = handle.name
    try:
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(timeout), out, *cmd],
                              capture_output=True, text=True, check=False)
        result = json.loads(done.stdout)
        result["stdout"] = Path(out).read_text(encoding="utf-8", errors="replace")
    finally:
        os.unlink(out)
    if result.pop("timeout"):
        result.update(wall=None, cpu=None, rss_mb=None, status="timeout")
    return result


def worker(task: str, inputs: list[str], output: str) -> None:
    """``--phases``: the calls the CLI makes, through the API, each phase timed (CPU seconds)."""
    sys.path.insert(0, str(ROOT))
    from bibkit.api import dump, load
    from bibkit.transforms.merge import dedupe_library, merge_libraries

    clock = time.process_time  # the parent's CPU only: the reader's worker processes are not counted
    t0 = clock()
    libs = [load(p) for p in inputs]
    t1 = clock()
    result = merge_libraries(libs[0], libs[1:]) if task == "merge" else dedupe_library(libs[0])
    t2 = clock()
    dump(result.library, output, "bibtex")
    t3 = clock()
    print(json.dumps({"load": t1 - t0, "match_merge": t2 - t1, "write": t3 - t2}))


def report_figures(report_file: Path, planted_file: Path) -> dict:
    """Groups, rules, conflicts and planted pairs found, from the JSON report ``--report`` wrote."""
    report = json.loads(report_file.read_text(encoding="utf-8"))
    rules: dict[str, int] = {}
    group_of: dict[str, int] = {}
    for n, group in enumerate(report["groups"]):
        for match in group["matches"]:
            rules[match["rule"]] = rules.get(match["rule"], 0) + 1
        for member in [group["kept"], *group["merged"]]:
            if member["key"]:
                group_of.setdefault(member["key"], n)
    # merge leaves duplicates inside A alone (reported as existing_duplicates): a planted copy
    # that merged into another of its original's duplicates in A found the same work
    same_as: dict[str, set[str]] = {}
    for dup in report.get("existing_duplicates", []):
        keys = {member["key"] for member in dup["entries"] if member["key"]}
        for key in keys:
            same_as[key] = keys
    planted = json.loads(planted_file.read_text()) if planted_file.exists() else []
    found = sum(1 for a, b in planted
                if b in group_of and any(group_of.get(k) == group_of[b] for k in same_as.get(a, {a})))
    return {"groups": report["summary"]["groups"], "conflicts": report["summary"]["conflicts"],
            "entries_out": report["summary"]["entries_out"], "rules": rules, "planted": len(planted), "found": found}


def ensure_tidy() -> bool:
    if TIDY.exists():
        return True
    npm = shutil.which("npm")
    if not npm:
        print("npm not found: bibtex-tidy skipped", file=sys.stderr)
        return False
    subprocess.run([npm, "install", "--prefix", str(HERE), "--no-audit", "--no-fund"], check=False,
                   stdout=subprocess.DEVNULL)
    return TIDY.exists()


def count_entries(path: Path) -> int:
    return sum(1 for c in _ENTRY_START.split(path.read_text(encoding="utf-8", errors="replace"))
               if (m := _KEY.match(c)) and m.group(1).lower() not in _SKIP_TYPES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--overlap", type=float, default=0.3)
    parser.add_argument("--no-tidy", action="store_true")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--phases", action="store_true", help="also time load / match+merge / write (API run)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        task, *paths = args.worker
        worker(task, paths[:-1], paths[-1])
        return
    tidy = not args.no_tidy and ensure_tidy()
    pool = corpus_entries()
    print(f"corpus: {len(pool)} real entries; overlap {args.overlap:.0%}; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cpu(s)")
    header = f"{'size':>7} {'run':<28} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'out':>7}  detail"
    print(header)
    print("-" * len(header))
    me = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench_merge_") as tmp:
            folder = Path(tmp)
            info = build(pool, size, args.overlap, folder)
            print(f"{size:>7} inputs: A {info['a']}, B {info['b']} ({info['planted']} planted duplicates), "
                  f"{info['synthetic']} synthetic")
            times = {}
            bibkit = [sys.executable, "-m", "bibkit"]
            for label, task, inputs in (("bibkit merge A B", "merge", ["A.bib", "B.bib"]),
                                        ("bibkit dedupe A+B", "dedupe", ["AB.bib"])):
                out, report = folder / f"{task}.bib", folder / f"{task}.json"
                cmd = bibkit + [task, *(str(folder / i) for i in inputs), "-o", str(out), "--report", str(report), "-q"]
                r = run_measured(cmd, args.timeout)
                if r["status"] not in (0, 1):  # 1: the inputs had problems (reported), the merge ran
                    print(f"{size:>7} {label:<28} {'failed':>8} ({r['status']})")
                    continue
                d = report_figures(report, folder / "planted.json")
                times[label] = (r["wall"], r["cpu"])
                detail = (f"{d['groups']} groups {d['rules']}, {d['conflicts']} conflicts; "
                          f"planted pairs found {d['found']}/{d['planted']}")
                if args.phases:
                    p = run_measured(me + [task, *(str(folder / i) for i in inputs), str(folder / "api.bib")], args.timeout)
                    ph = json.loads(p["stdout"].strip().splitlines()[-1])
                    detail += (f"; API run {p['wall']:.1f}s wall, main-process cpu: load {ph['load']:.1f}s, "
                               f"match+merge {ph['match_merge']:.1f}s, write {ph['write']:.1f}s")
                print(f"{size:>7} {label:<28} {r['wall']:>8.1f} {r['cpu']:>8.1f} {r['rss_mb']:>8.0f} "
                      f"{d['entries_out']:>7}  {detail}")
            if tidy:
                out = folder / "t.bib"
                # the input comes first: a bare --duplicates would take the next word as its value
                r = run_measured([str(TIDY), str(folder / "AB.bib"), "--duplicates", "--merge=combine",
                                  "--output", str(out)], args.timeout)
                if r["wall"] is None:
                    print(f"{size:>7} {'bibtex-tidy --duplicates A+B':<28} {'timeout':>8} (> {args.timeout:.0f}s)")
                else:
                    n = count_entries(out) if out.exists() else 0
                    mine = times.get("bibkit dedupe A+B")
                    wall_ratio = r["wall"] / mine[0] if mine else float("nan")
                    cpu_ratio = r["cpu"] / mine[1] if mine else float("nan")
                    print(f"{size:>7} {'bibtex-tidy --duplicates A+B':<28} {r['wall']:>8.1f} {r['cpu']:>8.1f} "
                          f"{r['rss_mb']:>8.0f} {n:>7}  exit {r['status']}; {wall_ratio:.2f}x bibkit dedupe's wall "
                          f"time, {cpu_ratio:.2f}x its CPU time, on the same file")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
