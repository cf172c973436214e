"""What people see, checked in a real browser (headless Chromium via Playwright).

Marked ``browser``: `make browser` runs only these; `make test` runs them with the
rest.  They skip with the reason when Chromium or Playwright is missing, except
under CI=true, where that is a failure.  Screenshots of failures go to build/.

* the `make slides` decks (tests/browser.py does the measuring): every slide and
  sub-slide fits 1280x720 and 1400x900, starts with a heading, every image loads
  and every relative link has its target next to the decks.
"""

import os
import subprocess
import sys
from pathlib import Path

import browser as tool
import pytest

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "chapters").glob("[0-9A][0-9]_*.ipynb"))
pytestmark = pytest.mark.browser


def skip_or_fail(reason):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    reason = tool.ensure_chromium()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            browser = tool.launch(p)
        except Exception as err:  # a broken install: say what failed
            skip_or_fail(f"Chromium does not start: {err}")
        yield browser
        browser.close()


def _make(*args, timeout=600):
    run = subprocess.run(["make", "-C", str(REPO), f"PYTHON={sys.executable}", *args],
                         capture_output=True, text=True, timeout=timeout)
    assert run.returncode == 0, f"make {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="session")
def decks():
    """The decks as `make slides` builds them (build/slides/)."""
    _make("slides", f"VENV={Path(sys.executable).parents[1]}")
    return {p.stem: REPO / "build" / "slides" / f"{p.stem}.slides.html" for p in CHAPTERS}


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_every_slide_fits_and_every_image_and_link_works(chromium, decks, chapter):
    reports = tool.check_deck(chromium, decks[chapter])
    lines = [r.summary() for r in reports]
    for r in reports:
        lines += r.overflowing + r.problems
    shots = {s.parent for r in reports for s in r.screenshots}
    if any(r.overflowing or r.problems for r in reports):
        pytest.fail("\n".join(lines + [f"screenshots: {s}" for s in sorted(shots)]),
                    pytrace=False)
    assert all(r.subslides > 0 for r in reports), "the deck has no slides"
