"""A real headless Chromium (Debian's, installed by ``make``), driven by Playwright, for the HTML pages.

Every page is opened from a file, as a person opens a downloaded report: the page records its console
errors and every request it attempts beyond its own file (there must be none), and keeps a screenshot
under build/test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "build" / "test-artifacts"
# As root in a container, without the network: no sandbox, and none of Chromium's own background calls.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Opened:
    page: object
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # beyond the page's own file


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Per module, not per session: Playwright's driver and event loop must not outlive the page tests, or the
    # tests after them that start process pools in this process (ingest's workers, the fuzz pool) can hang
    # (seen twice in full runs: a pool worker gone, its pool waiting forever).
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser` (apt-get install chromium) first")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser):  # type: ignore[no-untyped-def]
    pages = []

    def opener(path: Path, screenshot: str | None = None, width: int = 1280) -> Opened:
        page = browser.new_page(viewport={"width": width, "height": 900})
        pages.append(page)
        opened = Opened(page)
        url = path.resolve().as_uri()
        page.on("console", lambda m: opened.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: opened.console_errors.append(str(e)))
        page.on("request", lambda r: opened.requests.append(r.url) if r.url != url else None)
        page.goto(url)
        page.wait_for_load_state("load")
        if screenshot:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        return opened

    yield opener
    for page in pages:
        page.close()
