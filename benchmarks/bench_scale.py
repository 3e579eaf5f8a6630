"""Benchmark: bibkit on 100k, 300k and 1M-entry .bib files, beside bibtexparser and citation-js.

    python benchmarks/bench_scale.py [--sizes 100000,300000,1000000] [--commands convert,check,check-streamed,...]
                                     [--folder DIR] [--timeout SECONDS]

The files are made from the real entries of ``../shared/corpus/`` (``large/``, ``pool/``,
``ordinary/``: the same pool as ``bench_merge.py``, about 114k entries), each written once with
a unique key; past the pool, entries are made by joining halves of two real titles (printed as
"synthetic"). Entries whose values citation-js cannot parse (an odd number of ``$``) are left
out, so that every tool reads the same file.

Each command runs in its own process; its wall time, CPU time (its own and that of every child it
waited for: ``wait4``) and peak memory are measured. Peak memory is the largest sum of resident
set sizes over the whole process tree (the command and every worker process it starts), sampled
from ``/proc`` every 20 ms. The peers, in the same run, on the same file:

* ``bibtexparser.parse_string(text, parse_stack=[])``: the bare parse bibkit's reader is built on;
* citation-js 0.7 (Node; ``benchmarks/citation_js_convert.js``, installed by
  ``npm ci --prefix benchmarks``): BibTeX to CSL-JSON, the peer of ``bibkit convert``.

``convert-ris``, ``convert-medline`` and ``convert-csv`` convert the same entries from RIS,
MEDLINE and CSV (made from the .bib before they are measured: :func:`record_file`) to CSL-JSON,
streamed; their ``-whole``
twins read the input whole (``BIBKIT_STREAM=0``), the conversion as it was before.

Ratios are bibkit's time over the peer's. No assertion: this prints a table (Markdown with
``--markdown``) that README quotes.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NODE_SCRIPT = HERE / "citation_js_convert.js"
NODE_MODULES = HERE / "node_modules" / "@citation-js" / "core"

sys.path.insert(0, str(HERE))
import bench_merge  # noqa: E402  (the corpus pool and its synthetic entries: one generator)

COMMANDS = {
    "convert": lambda f, d: ["convert", f, "-o", str(d / "out.json")],
    "check": lambda f, d: ["check", f],
    # every check but likely-duplicate (the one that compares every entry's contents)
    "check-streamed": lambda f, d: ["check", f, "--ignore", "likely-duplicate"],
    "tidy": lambda f, d: ["tidy", f, "-o", str(d / "tidy.bib")],
    "tidy-sort": lambda f, d: ["tidy", f, "--sort=-year,author", "-o", str(d / "tidy.bib")],
    "keys": lambda f, d: ["keys", f, "-o", str(d / "keys.bib")],
    # every entry gets a new key: collision groups, content orders, an ids alias in every entry
    "keys-rekey": lambda f, d: ["keys", f, "--rekey", "-o", str(d / "keys.bib")],
    "dedupe": lambda f, d: ["dedupe", f, "-o", str(d / "dedupe.bib")],
    # record-based inputs made from the same entries (see record_file), streamed and read whole
    "convert-ris": lambda f, d: ["convert", record_file("ris", f, d), "-o", str(d / "out.json")],
    "convert-ris-whole": lambda f, d: (["convert", record_file("ris", f, d), "-o", str(d / "out.json")], WHOLE),
    "convert-medline": lambda f, d: ["convert", record_file("nbib", f, d), "-o", str(d / "out.json")],
    "convert-medline-whole": lambda f, d: (["convert", record_file("nbib", f, d), "-o", str(d / "out.json")], WHOLE),
    "convert-csv": lambda f, d: ["convert", record_file("csv", f, d), "--from", "csv", "-o", str(d / "out.json")],
    "convert-csv-whole": lambda f, d: (["convert", record_file("csv", f, d), "--from", "csv", "-o", str(d / "out.json")],
                                       WHOLE),
    # an APA reference list (sorted, year-suffixes, added names): streamed batch by batch
    "format": lambda f, d: ["format", f, "--style", "apa", "-o", str(d / "format.txt")],
    # the same list with the file read whole, as before streaming
    "format-whole": lambda f, d: (["format", f, "--style", "apa", "-o", str(d / "format.txt")], WHOLE),
}
#: the environment that makes a command read its input whole (bibkit.streaming.ENV_STREAM)
WHOLE = {"BIBKIT_STREAM": "0"}
#: the whole-file twins (about 14-24 KB an entry): run only up to --whole-file-limit
WHOLE_FILE = ("format-whole", "convert-ris-whole", "convert-medline-whole", "convert-csv-whole")
_ODD_MATH = re.compile(r"(?<!\\)\$")

BARE_PARSE = ("import bibtexparser, logging, sys\n"
              "logging.getLogger('bibtexparser').setLevel(logging.CRITICAL)\n"
              "text = open(sys.argv[1], encoding='utf-8').read()\n"
              "print(len(bibtexparser.parse_string(text, parse_stack=[]).entries))\n")


# ---------------------------------------------------------------------------- inputs


def make_file(size: int, path: Path) -> dict:
    """Write ``size`` entries of the corpus pool (then synthetic ones) to ``path``, unique keys."""
    pool = [c for c in bench_merge.corpus_entries() if len(_ODD_MATH.findall(c)) % 2 == 0]
    rnd = random.Random(size)
    titled = [i for i, c in enumerate(pool) if bench_merge._one_line_title(c)]
    synthetic = 0
    with open(path, "w", encoding="utf-8") as out:
        for n in range(size):
            if n < len(pool):
                chunk = bench_merge._rekey(pool[n], f"e{n}")
            else:
                chunk = bench_merge._synthetic(pool, titled, n, rnd)
                synthetic += 1
            out.write(chunk)
            out.write("\n")
    return {"entries": size, "synthetic": synthetic, "mb": path.stat().st_size / 1e6}


def record_file(kind: str, bib: str, folder: Path) -> str:
    """The .bib's entries as RIS (``kind`` "ris"), MEDLINE ("nbib") or CSV ("csv"), made once per
    file, before the commands that read it are measured. RIS is bibkit's export without the
    ``ID`` lines (databases' exports carry no keys, so every key is made, over the whole file);
    MEDLINE is that RIS with PubMed's tags (PMID, TI, FAU, DP, JT, VI, IP, PG, LID, AB) and
    layout; CSV is bibkit's CSV export without the key column."""
    path = folder / f"{Path(bib).stem}.{kind}"
    if path.exists():
        return str(path)
    if kind == "csv":
        subprocess.run([sys.executable, "-m", "bibkit", "convert", bib, "-t", "csv", "-o", str(path), "--columns",
                        "type,author,title,year,journal,volume,issue,pages,doi,url"], stderr=subprocess.DEVNULL)
        return str(path)
    ris = folder / f"{Path(bib).stem}.ris"
    if not ris.exists():
        # status 1 is the corpus's own input errors (entries skipped or recovered), said on stderr
        subprocess.run([sys.executable, "-m", "bibkit", "convert", bib, "-t", "ris", "-o", str(ris) + ".tmp"],
                       stderr=subprocess.DEVNULL)
        with open(str(ris) + ".tmp", encoding="utf-8") as source, open(ris, "w", encoding="utf-8") as out:
            out.writelines(line for line in source if not line.startswith("ID  - "))
        os.unlink(str(ris) + ".tmp")
    if kind == "nbib":
        with open(ris, encoding="utf-8") as source, open(path, "w", encoding="utf-8") as out:
            _ris_to_medline(source, out)
    return str(path)


_MEDLINE_TAGS = {"TI": "TI", "AU": "FAU", "PY": "DP", "T2": "JT", "VL": "VI", "IS": "IP", "AB": "AB", "PB": "PB"}


def _ris_to_medline(source, out) -> None:
    number, pages = 0, []
    for line in source:
        tag, value = line[:2], line[6:].strip()
        if tag == "TY":
            number += 1
            out.write(f"PMID- {10_000_000 + number}\nPT  - Journal Article\n")
        elif tag in ("SP", "EP"):
            pages.append(value)
        elif tag == "DO":
            out.write(f"LID - {value} [doi]\n")
        elif tag == "ER":
            if pages:
                out.write(f"PG  - {'-'.join(pages)}\n")
            out.write("\n")
            pages = []
        elif tag in _MEDLINE_TAGS and value:
            out.write(f"{_MEDLINE_TAGS[tag]:<4}- {value}\n")


# ---------------------------------------------------------------------------- runs


def _tree_rss_kb(root: int) -> int:
    """Resident set size (KB) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(stat[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(stat[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def run_measured(cmd: list[str], timeout: float, env: dict | None = None) -> dict:
    """Wall and CPU seconds and peak tree RSS (MB) of one command; its exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **env} if env else None)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status, usage, timed_out = None, None, False
    try:
        while True:
            pid, wstatus, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(wstatus)
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                timed_out = True
            time.sleep(0.01)
    finally:
        done.set()
        sampler.join()
        proc.returncode = status
    wall = time.perf_counter() - start
    if timed_out:
        return {"wall": None, "cpu": None, "rss_mb": peak / 1024, "status": "timeout"}
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": peak / 1024, "status": status}


def measure(size: int, folder: Path, commands: list[str], timeout: float, limit: int) -> list[tuple[str, dict]]:
    path = folder / f"scale-{size}.bib"
    info = make_file(size, path)
    print(f"\n{size} entries ({info['synthetic']} synthetic), {info['mb']:.0f} MB: {path}", flush=True)
    rows = []
    if size <= limit:  # bibtexparser holds every block of the file too
        rows.append(("bibtexparser bare parse", run_measured([sys.executable, "-c", BARE_PARSE, str(path)], timeout)))
    else:
        print(f"bibtexparser bare parse: skipped above {limit:,} entries (holds the whole file)", flush=True)
    if NODE_MODULES.exists():
        rows.append(("citation-js convert", run_measured(["node", "--max-old-space-size=6000", str(NODE_SCRIPT),
                                                           str(path), str(folder / "cjs.json")], timeout)))
    for name in commands:
        if name in WHOLE_FILE and size > limit:
            print(f"bibkit {name}: skipped above {limit:,} entries (reads the whole file)", flush=True)
            continue
        args, env = COMMANDS[name](str(path), folder), None
        if isinstance(args, tuple):  # (arguments, environment)
            args, env = args
        rows.append((f"bibkit {name}", run_measured([sys.executable, "-m", "bibkit", *args], timeout, env)))
    for scratch in ("out.json", "tidy.bib", "keys.bib", "dedupe.bib", "cjs.json", f"{path.stem}.ris", f"{path.stem}.nbib", f"{path.stem}.csv"):
        (folder / scratch).unlink(missing_ok=True)
    path.unlink()
    return rows


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table(size: int, rows: list[tuple[str, dict]], markdown: bool) -> str:
    bare = dict(rows).get("bibtexparser bare parse", {}).get("wall")
    cjs = dict(rows).get("citation-js convert", {}).get("wall")
    lines = []
    head = ["entries", "command", "wall s", "CPU s", "peak MB", "x bare parse", "x citation-js", "exit"]
    if markdown:
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in rows:
        cells = [f"{size:,}", name, _fmt(r["wall"], ".1f"), _fmt(r["cpu"], ".1f"), _fmt(r["rss_mb"], ".0f"),
                 _fmt(r["wall"] / bare if r["wall"] and bare else None, ".2f"),
                 _fmt(r["wall"] / cjs if r["wall"] and cjs else None, ".2f"), str(r["status"])]
        lines.append("| " + " | ".join(cells) + " |" if markdown else
                     f"{cells[1]:28} {cells[2]:>8} {cells[3]:>8} {cells[4]:>8} {cells[5]:>12} {cells[6]:>13} {cells[7]:>5}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--commands", default=",".join(COMMANDS))
    parser.add_argument("--folder", default=None, help="where the generated files go (default: a temporary folder)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--whole-file-limit", type=int, default=100_000,
                        help=f"largest size at which {', '.join(WHOLE_FILE)} and the bare parse run (they hold the whole file)")
    args = parser.parse_args()
    commands = [c for c in args.commands.split(",") if c]
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        results = []
        for size in (int(s) for s in args.sizes.split(",")):
            rows = measure(size, Path(tmp), commands, args.timeout, args.whole_file_limit)
            results.append((size, rows))
            print(table(size, rows, False), flush=True)
    print(f"\nmachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    if args.markdown:
        lines = []
        for n, (size, rows) in enumerate(results):
            lines += table(size, rows, True).split("\n")[(0 if n == 0 else 2):]
        print("\n" + "\n".join(lines))
    print(json.dumps([{"entries": s, **{name: r for name, r in rows}} for s, rows in results]))


if __name__ == "__main__":
    main()
