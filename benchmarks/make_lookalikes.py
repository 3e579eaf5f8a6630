"""Build ``tests/data/dedupe_lookalikes.json``: look-alike entry pairs from real bibliographies.

    python benchmarks/make_lookalikes.py

The pairs were found by running the old (single-link) and new dedupe over five library files of
``../shared/corpus/ordinary/`` and listing every pair either grouped; each pair below was then
judged by reading both entries (venue, crossref, type, year, authors, title), not by any rule of
bibkit. ``True``: one work (duplicates, typo'd author lists, an arXiv/CoRR preprint beside its
paper). ``False``: two works (a book and an article, a book and a chapter in it, a thesis and a
paper, a workshop paper and the conference paper of the same title, "Part II", "Extended
Version", "Proofs", supplementary material or code/data records, the 1st and 2nd proceedings).
Pairs left out as undecidable from the entries alone: a technical report beside the paper of the
same title, and entries whose venue is only a crossref to a proceedings entry in another file
when the other entry names its venue in full. Entries are stored as bibkit writes them (macros
expanded; abstracts, notes, keywords and file links left out), with their source file and line.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDINARY = ROOT.parent / "shared" / "corpus" / "ordinary"
OUT = ROOT / "tests" / "data" / "dedupe_lookalikes.json"

_BULKY = {"file", "bdsk-file-1", "bdsk-url-1", "owner", "timestamp", "comment"}

# (file, key, key, same work?)
PAIRS = [
    ("cdl-bibliography/cdl.bib", "McClEtal86", "RumeEtal86", False),  # PDP volume 2 vs volume 1
    ("cdl-bibliography/cdl.bib", "EkstEtal03", "Ekst04", False),  # Nature article vs PhD thesis
    ("cdl-bibliography/cdl.bib", "Rugg00", "RuggAlla00", True),
    ("cdl-bibliography/cdl.bib", "CronEtal98a", "CronEtal98c", True),
    ("cdl-bibliography/cdl.bib", "CrutEtal13", "HealEtal14a", False),  # symposium paper vs journal article
    ("cdl-bibliography/cdl.bib", "GoenEtal08", "GoenLogo08", True),
    ("cdl-bibliography/cdl.bib", "ConwEtal07", "KaneEtal07", False),  # edited book vs a chapter in it
    ("cdl-bibliography/cdl.bib", "WitmEtal96", "WhitEtal96", True),  # misspelt first author
    ("aibasel-bib/literatur.bib", "abdulaziz-et-al-icaps2022wshsdip", "abdulaziz-et-al-ijcai2022wsgenplan", False),
    ("aibasel-bib/literatur.bib", "bonet-helmert-ecai2010", "bonet-helmert-tr2010", False),  # "...: Proofs"
    ("aibasel-bib/literatur.bib", "dold-et-al-arxiv2025", "dold-et-al-icaps2025", True),
    ("aibasel-bib/literatur.bib", "drexler-et-al-arxiv2021", "drexler-et-al-kr2021", False),  # "Extended Version"
    ("aibasel-bib/literatur.bib", "fern-et-al-2020", "palacios-et-al-2021", False),  # 1st vs 2nd workshop
    ("aibasel-bib/literatur.bib", "frances-et-al-aaai2021", "frances-et-al-arxiv2021", True),
    ("aibasel-bib/literatur.bib", "fritzsche-et-al-aaai2026a", "fritzsche-et-al-icaps2026wsprl", False),
    ("aibasel-bib/literatur.bib", "fritzsche-et-al-icaps2026wshsdipa", "fritzsche-et-al-socs2026a", False),
    ("aibasel-bib/literatur.bib", "fritzsche-et-al-icaps2026wshsdipb", "fritzsche-et-al-socs2026b", False),
    ("aibasel-bib/literatur.bib", "gnad-et-al-aaai2025", "gnad-et-al-icaps2024wshsdip", False),
    ("aibasel-bib/literatur.bib", "goodfellow-et-al-2016", "lecun-et-al-nature2015", False),  # "Deep learning"
    ("aibasel-bib/literatur.bib", "howe-dahlman-jair2002", "howe-dahlmann-jair2002", True),
    ("aibasel-bib/literatur.bib", "katz-et-al-aaai2020", "katz-et-al-icaps2019wshsdip", False),
    ("aibasel-bib/literatur.bib", "katz-keyder-aaai2022", "katz-keyder-icaps2019wshsdip", False),
    ("aibasel-bib/literatur.bib", "seipp-et-al-ipc2014b", "seipp-et-al-ipcl2014a", False),
    ("aibasel-bib/literatur.bib", "seipp-et-al-ipcl2014b", "seipp-et-al-ipcl2023", False),
    ("aibasel-bib/literatur.bib", "sievers-et-al-ecai2014", "sievers-et-al-tr2014", False),  # "...: Proof"
    ("aibasel-bib/literatur.bib", "skjelnes-et-al-ecai2024", "skjelnes-et-al-icaps2024wshsdip", False),
    ("aibasel-bib/literatur.bib", "speck-et-al-arxiv2020", "speck-et-al-icaps2020wsprl", True),
    ("aibasel-bib/literatur.bib", "speck-et-al-icaps2020wsprl", "speck-et-al-icaps2021", False),
    ("aibasel-bib/literatur.bib", "speck-et-al-icaps2018", "speck-msc2018", False),  # paper vs MSc thesis
    ("aibasel-bib/literatur.bib", "stahlberg-et-al-icaps2022wsprl", "stahlberg-et-al-kr2022", False),
    ("aibasel-bib/literatur.bib", "xie-et-al-aaai2014", "xie-et-al-aaai2014a", True),
    ("aibasel-bib/literatur.bib", "xu-et-al-icaps2005", "zu-et-al-ijcai2005", False),
    ("iridia-references/articles.bib", "LopBraPaq2021arxiv", "LopBraPaq2021telo", True),
    ("iridia-references/articles.bib", "ProBisBou2018tuna", "ProBisBou2019tuna", True),
    ("iridia-references/articles.bib", "ShaSweWan2016taking", "ShaSweWanAdaFre2016", True),
    ("iridia-references/biblio.bib", "BezLopStu2013:lion-supp", "BezLopStu2014:lion", False),  # supplementary
    ("iridia-references/biblio.bib", "BezLopStu2014:automoeaTR", "BezLopStu2015:supp", False),  # code on GitHub
    ("iridia-references/biblio.bib", "BezLopStu2014:ppsn", "BezLopStu2014:ppsn-supp", False),
    ("iridia-references/biblio.bib", "BezLopStu2016supp", "IRIDIA-2017-005", False),
    ("iridia-references/biblio.bib", "BezLopStu2019gecco", "BezLopStu2019gecco-supp", False),
    ("iridia-references/biblio.bib", "FonFon2012", "GruFon2012ea", True),
    ("iridia-references/biblio.bib", "HooStu04:sls-elsevier", "HooStu05sls-mk", True),  # one book, two imprints
    ("iridia-references/biblio.bib", "IRIDIA-2013-015", "MasLopDub2014-supp", False),
    ("iridia-references/biblio.bib", "LopStu2010:gecco", "LopStu2010:gecco-supp", False),
    ("krr-up-bibliography/krr.bib", "abgemuscwo15a", "abgemuscwo15b", False),  # LPNMR vs ASPOCP workshop
    ("krr-up-bibliography/krr.bib", "abgemuscwo15a", "abgemuscwo15c", False),
    ("krr-up-bibliography/krr.bib", "anobsascra13a", "anobsascra13b", True),  # CoRR preprint
    ("krr-up-bibliography/krr.bib", "ansagescbesc12a", "ansagescbesc13a", False),
    ("krr-up-bibliography/krr.bib", "babodife19a", "babodife20a", True),
    ("krr-up-bibliography/krr.bib", "bageinospescsotawe15a", "bageinscsotawe13a", False),
    ("krr-up-bibliography/krr.bib", "banatu02a", "baraltt02", True),  # a co-author's name garbled
    ("krr-up-bibliography/krr.bib", "basota13a", "tabaso13a", False),
    ("krr-up-bibliography/krr.bib", "bessch92a", "bessch92b", False),
    ("krr-up-bibliography/krr.bib", "bogejakasc15a", "bogejakasc15b", False),
    ("krr-up-bibliography/krr.bib", "bogejakasc15a", "bogejakasc16a", False),
    ("krr-up-bibliography/krr.bib", "bogejakasc15a", "gejari14c", False),
    ("krr-up-bibliography/krr.bib", "bogejakasc15b", "gejari14c", False),
    ("krr-up-bibliography/krr.bib", "bogejakasc16a", "gejari14c", False),
    ("krr-up-bibliography/krr.bib", "cadebrsr15a", "dedebrst15a", True),
    ("krr-up-bibliography/krr.bib", "daba07a", "davbac07a", True),
    ("krr-up-bibliography/krr.bib", "deeireri15a", "roeireri15a", True),
    ("krr-up-bibliography/krr.bib", "descto00a", "descto00c", False),
    ("krr-up-bibliography/krr.bib", "dimopoulos93a", "dimopoulos93b", False),
    ("krr-up-bibliography/krr.bib", "dogalemurisc16a", "dogalemurisc16b", True),
    ("krr-up-bibliography/krr.bib", "drtiwa10a", "drtiwa11a", False),
    ("krr-up-bibliography/krr.bib", "elalge23a", "elalge23b", False),  # "(Extended Version)"
    ("krr-up-bibliography/krr.bib", "erdlif03a", "erli03a", True),
    ("krr-up-bibliography/krr.bib", "gejakascsh15a", "gejakascta16a", False),
    ("krr-up-bibliography/krr.bib", "gescthusve08a", "gescthusve08b", False),
    ("krr-up-bibliography/krr.bib", "gescthusve08b", "gescthve10a", False),
    ("krr-up-bibliography/krr.bib", "ginsberg90a", "ginsberg91b", False),
    ("krr-up-bibliography/krr.bib", "hakoti01a", "hatiko00a", False),  # handbook chapter vs the book
    ("krr-up-bibliography/krr.bib", "jarjun08a", "jarjun09a", True),
    ("krr-up-bibliography/krr.bib", "khxuhole09a", "kuxuhole09a", True),  # author list garbled
    ("krr-up-bibliography/krr.bib", "kolisc05a", "kolisc05b", True),  # CoRR preprint
    ("krr-up-bibliography/krr.bib", "konolige87", "konolige88a", False),  # IJCAI paper vs AIJ article
    ("krr-up-bibliography/krr.bib", "lee08a", "lelipa08b", True),
    ("krr-up-bibliography/krr.bib", "leemen12a", "leme12a", True),
    ("krr-up-bibliography/krr.bib", "linke96", "linke99", False),  # thesis vs book
    ("krr-up-bibliography/krr.bib", "luglha08a", "luglhate08a", True),
    ("krr-up-bibliography/krr.bib", "miscmebi10a", "miscmebi11a", False),
    ("krr-up-bibliography/krr.bib", "scsivi14a", "videla14a", False),  # chapter vs thesis
    ("krr-up-bibliography/krr.bib", "ststfekomawaliatcokubabo19a", "ststfekomawaliatcokubabo19b", True),
    ("krr-up-bibliography/krr.bib", "suinnascsotaba24a", "suinnascsotaba24b", True),
    ("krr-up-bibliography/krr.bib", "tagerb20a", "tasrba21a", False),
    ("krr-up-bibliography/krr.bib", "turner96a", "turner97a", True),
    ("krr-up-bibliography/krr.bib", "ward04a", "warsch04a", False),  # thesis vs paper
    ("krr-up-bibliography/krr.bib", "wolb84", "woovlubo84", True),
    ("krr-up-bibliography/krr.bib", "zithlafofo03a", "zithlafogr03a", True),
]


def main() -> None:
    import sys
    sys.path.insert(0, str(ROOT))
    import bibkit
    from bibkit.model import Library

    records: dict[str, dict] = {}
    libraries: dict[str, dict] = {}
    for file, *keys, _ in PAIRS:
        if file not in libraries:
            libraries[file] = {e.key: e for e in bibkit.load(ORDINARY / file).entries}
        for key in keys:
            entry = libraries[file][key]
            for bulky in [name for name in entry.extra if name.lower() in _BULKY]:
                del entry.extra[bulky]  # kept small: fields no matching reads
            for bulky in ("abstract", "keyword", "note", "annote"):
                entry.fields.pop(bulky, None)
            text = bibkit.dumps(Library(blocks=[entry]), "bibtex")
            records[f"{file}:{key}"] = {"source": f"{file}:{entry.source.line}", "bibtex": text}
    pairs = [{"a": f"{file}:{a}", "b": f"{file}:{b}", "same": same} for file, a, b, same in PAIRS]
    OUT.write_text(json.dumps({"records": records, "pairs": pairs}, indent=1, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    print(f"{OUT}: {len(pairs)} pairs ({sum(p['same'] for p in pairs)} same work), {len(records)} entries")


if __name__ == "__main__":
    main()
