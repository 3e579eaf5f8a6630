"""A varied set of CSL-JSON items that every style must render without an exception.

Shared by ``benchmarks/sweep_styles.py`` (every independent style of the CSL collection) and
``tests/test_csl_style_sweep.py`` (a fixed sample of styles, plus hypothesis-generated items
built from the same pieces). The pieces are what real reference lists hold and styles branch
on: every CSL item type; date ranges of years, months and days; circa, seasons and literal
dates; names with particles, suffixes, literal and corporate names, 1 to 30 authors; editors
and translators; ordinal and numeric editions and volumes; titles with quotes, colons, ``?``
and ``!`` endings, math and markup.
"""
from __future__ import annotations

from pathlib import Path

from bibkit.types import CSL_TYPES

TYPES = sorted(CSL_TYPES)

PEOPLE = [
    {"family": "Turing", "given": "Alan M."},
    {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
    {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
    {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
    {"literal": "World Health Organization"},
    {"family": "Mao", "given": "Zedong", "static-ordering": True},
    {"family": "\u5f20", "given": "\u4f1f"},
    {"family": "M\u00fcller-L\u00fcdenscheidt", "given": "J\u00fcrgen-Ren\u00e9"},
    {"family": "d'Alembert", "given": "Jean le Rond"},
    {"family": "de la Fontaine", "given": "Jean"},
    {"family": "O'Neil", "given": "C. J."},
    {"family": "Plato"},
    {"given": "Madonna"},
    {"family": "Doe", "given": "Jane", "suffix": "III", "comma-suffix": True},
    {"literal": "The R Core Team & Contributors"},
]

#: 1 to 30 authors: the lengths et-al rules branch on
AUTHOR_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 20, 21, 30]

DATES = [
    {"date-parts": [[2019]]},
    {"date-parts": [[2019, 10], [2019, 12]]},          # months range (issue 11)
    {"date-parts": [[2019, 10, 3], [2019, 10, 7]]},    # days range
    {"date-parts": [[2018], [2020]]},                  # years range
    {"date-parts": [[2019, 11, 28], [2020, 1, 2]]},    # across years
    {"date-parts": [[1850]], "circa": True},
    {"date-parts": [[2015]], "season": 3},
    {"date-parts": [[2015, 21]]},                      # season as month 21
    {"date-parts": [[-350]]},                          # BC
    {"date-parts": [[800, 6, 1]]},                     # AD
    {"literal": "Spring term, 1999"},
    {"raw": "2001-05-12"},
    {"date-parts": [[2011, 2, 29]]},
    {"date-parts": [[1987], [0]]},                     # open range
    {"date-parts": [[2020, 3]]},
]

TITLES = [
    "Computing Machinery and Intelligence",
    "\u201cWhy Should I Trust You?\u201d: Explaining the Predictions of Any Classifier",
    "What Is Life? The Physical Aspect of the Living Cell",
    "Eureka! Discoveries of Science",
    "On the <i>Origin</i> of Species: By Means of <b>Natural</b> Selection",
    "The Energy $E=mc^2$ and the \"Speed\" of Light",
    "A <span class=\"nocase\">DNA</span>-Based Approach to H<sub>2</sub>O and x<sup>2</sup>",
    "'Single' and \u2018curly\u2019 quotes: a study",
    "Title ending with a period.",
    "Les mis\u00e9rables \u2014 une \u00e9tude \u00ab litt\u00e9raire \u00bb",
    "Title with & ampersand, 50% of <cases> and #hash_tag {braces}",
    "<span style=\"font-variant:small-caps;\">Small Caps</span> and <span class=\"nodecor\">nodecor</span>",
    "Ends with a question?",
    "A\u00a0very long title " + "with many words " * 12,
]

EDITIONS = ["2", "2nd", "3rd ed.", "Revised", "10", "1st", "second"]
VOLUMES = ["3", "IV", "12-14", "3rd", "Suppl. 2", "2a", "vii"]
PAGES = ["433-460", "e1001", "12\u201315", "S1-S10", "123", "xii-xv", "1,3,5-9", "A-1-A-5"]


def _names(start: int, count: int) -> list[dict]:
    return [dict(PEOPLE[(start + i) % len(PEOPLE)]) for i in range(count)]


def item_set() -> list[dict]:
    """About 60 items: each CSL type once (varied fields), then one per remaining feature."""
    items: list[dict] = []
    for i, kind in enumerate(TYPES):
        item = {
            "id": f"t{i}-{kind}",
            "type": kind,
            "title": TITLES[i % len(TITLES)],
            "author": _names(i, AUTHOR_COUNTS[i % len(AUTHOR_COUNTS)]),
            "issued": DATES[i % len(DATES)],
            "container-title": "Journal of <i>Things</i>: Series " + "AB"[i % 2],
            "collection-title": "Lecture Notes in Things",
            "collection-number": str(i),
            "publisher": "Pub & Sons",
            "publisher-place": "London",
            "volume": VOLUMES[i % len(VOLUMES)],
            "issue": str(i % 4 + 1),
            "page": PAGES[i % len(PAGES)],
            "edition": EDITIONS[i % len(EDITIONS)],
            "URL": f"https://example.org/a_b%20c/{i}?x=1&y=2#frag",
            "DOI": f"10.1000/xyz_{i}",
            "accessed": {"date-parts": [[2024, 1, (i % 28) + 1]]},
            "language": ["en-US", "de-DE", "fr-FR", "en-GB", "zh-CN"][i % 5],
        }
        if i % 3 == 0:
            item["editor"] = _names(i + 3, 1 + i % 4)
        if i % 4 == 1:
            item["translator"] = _names(i + 5, 1 + i % 2)
        if i % 5 == 2:
            item["container-author"] = _names(i + 7, 2)
            item["collection-editor"] = _names(i + 2, 1)
        if i % 6 == 3:
            item.update({"event-title": "Conference on Things", "event-place": "Paris",
                         "event-date": DATES[(i + 2) % len(DATES)], "genre": "PhD thesis",
                         "medium": "CD-ROM", "number": "TR-42", "chapter-number": "7",
                         "number-of-pages": "350", "number-of-volumes": "3",
                         "original-date": {"date-parts": [[1900]]},
                         "original-title": "Originaltitel", "title-short": "Short",
                         "container-title-short": "J. Things", "ISBN": "978-3-16-148410-0",
                         "ISSN": "1234-5678", "PMID": "123456", "note": "A note: with a colon",
                         "status": "in press", "section": "Science", "version": "1.2.3",
                         "archive": "Archive X", "archive_location": "Box 1",
                         "authority": "Supreme Court", "jurisdiction": "us",
                         "references": "Ref", "scale": "1:1000", "dimensions": "2 h",
                         "call-number": "QA76", "abstract": "An abstract.", "keyword": "a, b",
                         "reviewed-title": "Reviewed Book", "reviewed-author": _names(1, 1)})
        if i % 7 == 4:
            item["director"] = _names(i, 2)
            item["interviewer"] = _names(i + 1, 1)
            item["recipient"] = _names(i + 2, 1)
            item["illustrator"] = _names(i + 3, 1)
            item["composer"] = _names(i + 4, 1)
            item["original-author"] = _names(i + 5, 1)
        if i % 8 == 5:
            del item["author"]  # no author: styles substitute editors, titles...
        if i % 9 == 6:
            del item["issued"]  # no date: "n.d."
        if i % 10 == 7:
            del item["title"]  # no title
        items.append(item)
    n = len(items)
    for j, date in enumerate(DATES):
        items.append({"id": f"d{j}", "type": "article-journal", "title": f"Dated {j}",
                      "author": _names(j, 1), "container-title": "Dates", "issued": date,
                      "volume": "1", "page": "1-2"})
    for j, count in enumerate(AUTHOR_COUNTS):
        items.append({"id": f"a{j}", "type": "book", "title": TITLES[j % len(TITLES)],
                      "author": _names(j * 2, count), "issued": {"date-parts": [[2000 + j]]},
                      "publisher": "P", "edition": EDITIONS[j % len(EDITIONS)]})
    # same author and year: year-suffix and name disambiguation
    for j in range(4):
        items.append({"id": f"s{j}", "type": "article-journal", "title": f"Same {j}",
                      "author": [{"family": "Smith", "given": ["John", "Jane", "J. R.", "Joan"][j]}],
                      "issued": {"date-parts": [[2010]]}, "container-title": "Same"})
    # nearly empty items
    items.append({"id": "empty", "type": "document"})
    items.append({"id": "titleonly", "type": "webpage", "title": "Only a title"})
    assert len(items) > n
    return items


def cite_groups(items: list[dict]) -> list[list[dict]]:
    """Citations exercising positions (first, subsequent, ibid), locators, affixes, groups."""
    ids = [str(item["id"]) for item in items]
    groups: list[list[dict]] = [[{"id": i}] for i in ids[:12]]
    groups.append([{"id": ids[0], "locator": "12", "label": "page"}])
    groups.append([{"id": ids[0], "locator": "12-14", "label": "page"}])
    groups.append([{"id": ids[1], "locator": "3", "label": "chapter"}, {"id": ids[2]}])
    groups.append([{"id": ids[3], "prefix": "see ", "suffix": ", for more"}])
    groups.append([{"id": i} for i in ids if i.startswith("s")])
    groups.append([{"id": ids[5]}, {"id": ids[6]}, {"id": ids[7]}, {"id": ids[8]}])
    groups.append([{"id": ids[0]}])
    return groups


def sweep_one(xml: str, items: list[dict], groups: list[list[dict]]) -> list[str]:
    """Problems of one style (its XML) on the items: exceptions out of the engine and items
    it had to leave out (empty: everything rendered)."""
    import re
    import traceback

    from bibkit.csl import Processor

    problems: list[str] = []
    match = re.search(r'default-locale="([^"]+)"', xml)
    try:
        proc = Processor(xml, locale=match.group(1) if match else "en-US")
    except ValueError as exc:  # the engine refuses a style it cannot compile: reported, not a crash
        return [f"style rejected: {exc}"]
    for what, call in (
        ("bibliography", lambda f: proc.bibliography(items, format="text", failures=f)),
        ("latex", lambda f: proc.latex_bibliography(items, failures=f)),
        ("citations", lambda f: proc.citations(groups, items, format="text", failures=f)),
    ):
        failures: list = []
        try:
            call(failures)
        except Exception as exc:  # noqa: BLE001 - counting is the point
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            problems.append(f"{what}: {type(exc).__name__}: {exc} "
                            f"({Path(frame.filename).name}:{frame.lineno})")
        for failure in failures:
            problems.append(f"{what}: item {failure.id}: {failure.message} ({failure.origin})")
    return problems
