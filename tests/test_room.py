"""tests/room.py's rule for printed lines, on a page made for it in headless Chromium: a
line that wraps between words is read from a seat and passes; a word cut in two by the
wrap ("cau|ses", JupyterLab's break-all) is reported, and so is a name longer than the line,
which the deck style has to break inside (after a hyphen, or anywhere).  The decks
themselves are checked in tests/test_browser.py.
"""

import html

import pytest
import room

pytestmark = pytest.mark.browser

LINE = ("check_adam: wrong: at step 1, parameter 0 differs from gluon.Trainer's; without "
        "bias correction the first steps are too large")


@pytest.fixture(scope="module")
def page(chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    yield page
    page.close()


def measure(page, text, style):
    """room.MEASURE on a slide holding one printed output ``text`` in a 400 px box."""
    page.set_content(
        '<section style="width: 1000px"><div class="jp-Cell"><div class="jp-OutputArea-output">'
        f'<pre style="width: 400px; font: 16px monospace; {style}">{html.escape(text)}</pre>'
        "</div></div></section>")
    page.evaluate("() => { window.__R = {getCurrentSlide: () => "
                  "document.querySelector('section')}; }")
    return page.evaluate(room.MEASURE)["wrapped"]


def test_a_line_wrapped_between_words_passes(page):
    assert measure(page, LINE, "white-space: break-spaces; word-break: normal;"
                               " overflow-wrap: anywhere") == []


def test_a_line_wrapped_mid_word_is_reported(page):
    [found] = measure(page, LINE, "white-space: pre-wrap; word-break: break-all")
    assert found["lines"] == 1 and found["breaks"] >= 2, found
    assert "|" in found["text"] and " " not in found["text"], found


def test_a_name_longer_than_the_line_is_reported(page):
    text = "saved as checkpoints/epoch-0001-of-a-very-long-training-run-on-the-full-set"
    [found] = measure(page, text, "white-space: break-spaces; word-break: normal;"
                                  " overflow-wrap: anywhere")
    assert found["breaks"] >= 1 and "|" in found["text"], found


def test_several_short_lines_are_not_wrapped(page):
    assert measure(page, "epoch 1, loss 0.52\nepoch 2, loss 0.47\n", "white-space: pre-wrap;"
                         " word-break: break-all") == []
