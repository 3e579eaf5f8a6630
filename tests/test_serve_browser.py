"""The page of ``bibkit serve`` in a real browser (Debian's chromium, headless, through chromedriver):
paste the bundled listing, see its 112 entries, pick APA by typing, see the preview, download
the .bib (byte for byte ``bibkit convert``'s), reload and find everything kept, drop a messy
file, see its problems as ``bibkit check`` words them, fix one with a click, and merge two
entries ``dedupe`` finds to be one work.

Each step leaves a screenshot in tests/artifacts/ (ignored by git) to be looked at.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bibkit.cli import main
from tests.conftest import IN_CI, ROOT, require_shared, require_tool
from tests.serve_helpers import ARTIFACTS, serving

LISTING = ROOT / "examples" / "papers-listing.txt"
MESSY = "gen-duplicate-key-and-field.bib"
FIXABLE = "gen-month-and-url.bib"
DUPLICATED = "bibtex-tidy-ads-export-month-macro.bib"  # two entries with one DOI
TIMEOUT = 60


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = require_tool("chromium")
    driver_path = require_tool("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if IN_CI:
            pytest.fail("selenium (the `test` extra) is required under CI=true")
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-gpu", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, predicate, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate(driver)
        if value:
            return value
        if time.monotonic() > deadline:
            shot(driver, f"failed-{what.replace(' ', '-')}")
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"serve-{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def text_of(driver, css: str) -> str:
    return driver.execute_script(f"return document.querySelector({css!r}).textContent")


def test_paste_format_download_reload_drop_fix_merge_and_look_up_in_a_real_browser(browser, tmp_path, monkeypatch):
    from bibkit.enrich.testing import FakeScholarlyServer, point_env_at, populate

    messy = require_shared("messy", MESSY)
    env = dict(os.environ)
    sources = populate(FakeScholarlyServer()).start()  # the scholarly databases, on 127.0.0.1
    point_env_at(sources, env.__setitem__, tmp_path / "cache")
    try:
        with serving(env=env) as server:
            run_the_page(browser, server, messy, tmp_path, monkeypatch)
    finally:
        sources.stop()


def run_the_page(driver, server, messy, tmp_path, monkeypatch):
    from selenium.webdriver.common.by import By

    driver.get(server.url)
    wait_for(driver, lambda d: text_of(d, "#version"), "the page to start")
    shot(driver, "1-empty")

    # 1. paste the bundled listing (as a paste does: the text arrives, an input event fires)
    listing = LISTING.read_text(encoding="utf-8")
    driver.execute_script(
        "const t = document.getElementById('paste'); t.value = arguments[0];"
        "t.dispatchEvent(new Event('input', {bubbles: true}));", listing)
    wait_for(driver, lambda d: text_of(d, "#summary").startswith("112 entries"), "112 entries")
    rows = driver.find_elements(By.CSS_SELECTOR, "#entries tbody tr:not(.details)")
    assert len(rows) == 112
    assert "listing" in text_of(driver, "#documents")
    shot(driver, "2-pasted-listing")

    # 2. pick APA by typing its name
    search = driver.find_element(By.ID, "style-search")
    search.send_keys("apa")
    option = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#style-results li[data-name="apa"]'),
                      "APA among the styles")[0]
    shot(driver, "3-style-search")
    option.click()
    wait_for(driver, lambda d: "(apa)" in text_of(d, "#style-current"), "APA chosen")
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bibliography .csl-entry")) == 112,
             "the APA preview of 112 entries")
    cited = text_of(driver, "#citation")
    assert cited.startswith("(") and "2024" in cited, cited
    first = driver.find_element(By.CSS_SELECTOR, "#bibliography .csl-entry").text
    expected_list = CliRunner().invoke(main, ["format", str(LISTING), "--style", "apa"])
    assert first == expected_list.stdout.splitlines()[0]
    driver.execute_script("document.getElementById('format').scrollIntoView()")
    shot(driver, "4-apa-preview")

    # 3. download the .bib: bibkit convert's output, byte for byte
    expected_bib = tmp_path / "convert.bib"
    result = CliRunner().invoke(main, ["convert", str(LISTING), "-o", str(expected_bib)])
    assert result.exit_code == 0, result.output
    wait_for(driver, lambda d: d.find_element(By.ID, "out-text").get_attribute("value").startswith("@"),
             "the .bib output")
    driver.execute_script("document.getElementById('out').scrollIntoView()")
    driver.find_element(By.ID, "download").click()
    downloaded = wait_for(driver, lambda d: [p for p in d.downloads.glob("references*.bib")
                                              if p.stat().st_size > 0], "the download")[0]
    time.sleep(0.5)  # let the browser finish writing
    assert downloaded.read_bytes() == expected_bib.read_bytes()
    shot(driver, "5-downloaded-bib")

    # 4. a reload keeps the input and the choices
    driver.refresh()
    wait_for(driver, lambda d: text_of(d, "#summary").startswith("112 entries"), "112 entries after reload")
    assert "(apa)" in text_of(driver, "#style-current")
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bibliography .csl-entry")) == 112,
             "the preview after reload")

    # 5. drop a messy file: its problems, as bibkit check words them
    driver.find_element(By.ID, "files").send_keys(str(messy))
    wait_for(driver, lambda d: MESSY in text_of(d, "#documents") and "error" in text_of(d, "#summary")
             and not text_of(d, "#summary").startswith("0 errors")
             and MESSY in text_of(d, "#entries"), "the messy file's problems")
    monkeypatch.chdir(messy.parent)
    check = CliRunner().invoke(main, ["check", MESSY])
    expected = [line for line in check.stdout.splitlines() if line.startswith(MESSY) and ": info:" not in line]
    assert expected, check.stdout
    shown = driver.execute_script(
        "return [...document.querySelectorAll('#entries tr.details li > span, #problems li')]"
        ".map(li => li.textContent)")
    assert set(expected) <= set(shown), (expected, shown)
    row = driver.find_element(By.CSS_SELECTOR, f'#entries tr.has-problems[data-id^="{MESSY}:"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    shot(driver, "6-messy-file-problems")

    # 6. one click applies a safe fix (the same edit as ``bibkit check --fix``), and its problem is gone
    months = require_shared("messy", FIXABLE)
    driver.find_element(By.ID, "files").send_keys(str(months))
    row = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f'#entries tr.has-problems[data-id^="{FIXABLE}:"]'),
                   "the second file's problems")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    button = row.find_element(By.XPATH, "following-sibling::tr[1]//button[contains(., 'Fix')]")
    fixed_line = button.find_element(By.XPATH, "preceding-sibling::span").text
    assert "[month-format]" in fixed_line, fixed_line
    shot(driver, "7-fixable-problem")
    button.click()
    wait_for(driver, lambda d: "1 fixed" in text_of(d, "#status") and fixed_line not in d.execute_script(
        "return [...document.querySelectorAll('#entries tr.details li > span')].map(li => li.textContent)"),
        "the fix")
    driver.execute_script("document.getElementById('see').scrollIntoView()")
    shot(driver, "8-fixed")

    # 7. duplicates: shown with the reason; Merge makes them one entry, Keep apart hides the group
    def count(d) -> int:
        return int(text_of(d, "#summary").split()[0])

    before = count(driver)
    driver.find_element(By.ID, "files").send_keys(str(require_shared("messy", DUPLICATED)))
    group = wait_for(driver, lambda d: [g for g in d.find_elements(By.CSS_SELECTOR, "#duplicates .group")
                                        if DUPLICATED in g.text], "the duplicate group")[0]
    assert "doi 100" in group.text and count(driver) == before + 2
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", group)
    shot(driver, "9-duplicates")
    group.find_element(By.XPATH, ".//button[.='Merge']").click()
    wait_for(driver, lambda d: count(d) == before + 1 and any(
        "Merged:" in g.text for g in d.find_elements(By.CSS_SELECTOR, "#duplicates .group")), "the merge")
    shot(driver, "10-merged")

    # 8. look-ups, asked for: one found, one that is no identifier, each said on its own
    driver.execute_script("window.scrollTo(0, 0)")
    box = driver.find_element(By.ID, "identifiers")
    box.send_keys("10.1038/s41586-021-03819-2\nnonsense")
    driver.find_element(By.ID, "lookup").click()
    wait_for(driver, lambda d: "looked-up.bib" in text_of(d, "#documents")
             and "AlphaFold" in text_of(d, "#entries"), "the looked-up entry")
    assert "nonsense: error: not a DOI" in text_of(driver, "#lookup-problems")
    assert "Found 1 of 2" in text_of(driver, "#status")
    shot(driver, "11-looked-up")
