"""What people see, checked in a real browser (headless Chromium via Playwright).

Marked ``browser``: `make browser` runs only these; `make test` runs them with the
rest.  Both prepare what they need before pytest starts: Chromium (`make browser-deps`)
and the decks (`make slides`); nothing here installs or builds.  Without one of them the
tests skip with a message naming the target to run, except under CI=true, where that is
a failure.  Screenshots of failures go to build/.

* the `make slides` decks (tests/browser.py does the measuring): every slide and
  sub-slide fits 1280x720 and 1400x900, starts with a heading, every image loads
  and every relative link has its target next to the decks; nothing is requested
  from a host other than the local file (the network is blocked); and what a room
  sees at 1280x720 (clipped code or output, wrapped output, narrow figures, small
  text in figures, figures without a caption, text under the navigation arrows)
  matches tests/slide_findings.json: a new finding fails, and so does a listed one
  that is gone (delete its entry).
* the Chinese edition's decks (build/slides/zh/, from chapters-zh/) the same way, their
  findings judged by the English deck's entries for the same slide; and JupyterLab's
  Chinese interface on a Chinese chapter (screenshot build/browser/zh-jupyterlab-*.png).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import allowlist
import browser as tool
import pytest
import room
from helpers import skip_or_fail

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "chapters").glob("[0-9A][0-9]_*.ipynb"))
pytestmark = pytest.mark.browser


SLIDES = REPO / "build" / "slides"
# A deck is out of date when its chapter or the deck style changed after it was built.
DECK_SOURCES = [REPO / "tools" / "publish.py", *sorted((REPO / "tools" / "deck").iterdir())]


@pytest.fixture(scope="session")
def decks():
    """The decks as `make slides` built them (build/slides/, and the Chinese edition's in
    build/slides/zh/, named zh/<chapter>), each newer than its chapter and the deck style."""
    decks = {p.stem: SLIDES / f"{p.stem}.slides.html" for p in CHAPTERS}
    sources = {p.stem: p for p in CHAPTERS}
    for p in CHAPTERS:
        decks[room.TRANSLATED + p.stem] = SLIDES / "zh" / f"{p.stem}.slides.html"
        sources[room.TRANSLATED + p.stem] = REPO / "chapters-zh" / p.name
    style = max(f.stat().st_mtime for f in DECK_SOURCES)
    stale = [name for name, deck in decks.items() if not deck.exists() or deck.stat().st_mtime
             < max(sources[name].stat().st_mtime if sources[name].exists() else 0, style)]
    if stale:
        skip_or_fail(f"the decks of {', '.join(stale)} in {SLIDES.relative_to(REPO)}/ are "
                     "missing or older than their chapters or the deck style: run `make slides`",
                     tests="the browser tests")
    return decks


def cjk_font():
    """A font with Chinese glyphs for Chromium (fontconfig), or skip/fail saying how."""
    found = shutil.which("fc-list") and subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
    if not found:
        skip_or_fail("no Chinese font: the Chinese decks would show boxes; `make fonts-cjk` "
                     "(Debian's fonts-noto-cjk)", tests="the Chinese edition's browser tests")


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS]
                         + [room.TRANSLATED + p.stem for p in CHAPTERS])
def test_every_slide_fits_works_offline_and_reads_from_a_seat(chromium, decks, chapter):
    if chapter.startswith(room.TRANSLATED):
        cjk_font()
    reports = tool.check_deck(chromium, decks[chapter])
    new, gone = room.judge(reports, allowlist.load())
    lines = [r.summary() for r in reports]
    for r in reports:
        lines += r.overflowing + r.problems
    lines += [f"new finding (fix the slide): {f}" for f in new]
    lines += [f"allow-listed but gone (delete its entry from {allowlist.PATH.name}): "
              f"{deck} {heading!r}: {kind}" for deck, heading, kind in gone]
    shots = {s.parent for r in reports for s in r.screenshots}
    message = "\n".join(lines + [f"screenshots: {s}" for s in sorted(shots)])
    assert all(r.subslides > 0 for r in reports), "the deck has no slides"
    assert reports[0].representative and reports[0].representative.exists()
    if any(r.problems or r.overflowing for r in reports) or new or gone:
        pytest.fail(message, pytrace=False)


# In deck 02: go to the slide with the most formulas and lay it out at once, while the
# deck's MathJax re-render has taken the formulas out (what happened to the layout of
# one CI run); report the slide's height then, and its height and top once MathJax is done.
_RACE = """() => new Promise(resolve => {
  const R = window.__R, slides = Array.from(document.querySelectorAll('.reveal .slides section'))
      .filter(s => !s.querySelector('section'));
  const count = s => s.querySelectorAll('script[type^="math/tex"]').length;
  const s = slides.reduce((a, b) => count(b) > count(a) ? b : a);
  const at = R.getIndices(s);
  R.slide(at.h, at.v || 0);
  R.layout();
  const atLayout = s.scrollHeight, t0 = performance.now();
  let last = '', same = 0;
  const poll = () => {  // settled: height and top unchanged for 0.5 s (at most 15 s)
    const now = `${s.scrollHeight} ${s.style.top}`;
    same = now === last ? same + 1 : 0; last = now;
    if (same < 10 && performance.now() - t0 < 15000) { setTimeout(poll, 50); return; }
    resolve({title: s.querySelector('h1, h2, h3').textContent.replace(/\u00b6$/, ''),
             formulas: count(s), atLayout, final: s.scrollHeight,
             top: s.getBoundingClientRect().top
                  - document.querySelector('.reveal .slides').getBoundingClientRect().top});
  };
  poll();
})"""
_TOP = """() => window.__R.getCurrentSlide().getBoundingClientRect().top
    - document.querySelector('.reveal .slides').getBoundingClientRect().top"""


def test_a_slide_starts_where_every_slide_starts_once_its_formulas_are_rendered(
        chromium, decks):
    """On a slide change, nbconvert's deck re-renders the slide's formulas after reveal.js
    laid it out; the deck lays it out again when MathJax is done
    (tools/publish.py, recentre_after_math).  Slides are not centred vertically
    (tools/publish.py, course_style), so a slide full of formulas starts at the same
    place as a short one: titles do not jump between slides.  (Centred, a slide of
    formulas ended below the screen in one CI run of chapter 02.)"""
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    try:
        tool.open_deck(page, decks["02_softmax_regression"])
        page.evaluate(tool._GO, [0, 1])
        short = page.evaluate(_TOP)
        r = page.evaluate(_RACE)
    finally:
        page.close()
    assert r["formulas"] >= 5 and r["atLayout"] < r["final"], (
        f"the test needs a slide laid out while its formulas are out: {r}")
    assert abs(r["top"] - short) <= 1, (
        f"slide {r['title']!r} ({r['final']}px tall once its {r['formulas']} formulas are "
        f"rendered) starts at {r['top']:.0f}px, a short slide at {short:.0f}px")


# The current slide as the course's deck style lays it out (tools/deck/course.css, .js).
_STYLE = """() => {
  const R = window.__R, s = R.getCurrentSlide(), at = R.getIndices(s);
  const box = s.getBoundingClientRect(), k = box.width / R.getConfig().width;
  const first = s.querySelector(':scope > .jp-MarkdownCell .jp-RenderedMarkdown > :first-child');
  const heading = first && /^H[2-4]$/.test(first.tagName) ? first : null;
  const number = document.querySelector('.reveal .slide-number');
  return {at: `${at.h}.${at.v || 0}`, opensStack: (at.v || 0) === 0,
          headingPx: heading && parseFloat(getComputedStyle(heading).fontSize),
          headingTop: heading && (heading.getBoundingClientRect().top - document.querySelector(
              '.reveal .slides').getBoundingClientRect().top) / k,
          number: number && number.textContent.trim(),
          figures: Array.from(s.querySelectorAll('.jp-OutputArea-output > img')).map(img => {
            const r = img.getBoundingClientRect();
            return {offCentre: Math.abs((r.left + r.right) / 2 - (box.left + box.right) / 2) / k,
                    width: r.width / k, bottom: (r.bottom - box.top) / k};
          }),
          contentBottom: Math.max(...Array.from(s.children).map(
              c => (c.getBoundingClientRect().bottom - box.top) / k)),
          slide: [R.getConfig().width, R.getConfig().height]};
}"""


def test_decks_share_one_style_headings_figures_and_slide_numbers(chromium, decks):
    """Deck 11 (its sub-slides use ## headings, 05-10's use ###): every slide heading is
    42 px when it opens a stack and 31 px otherwise, at the same height on every slide;
    the slide number reads h.v as in the URL; each figure is centred (within 1 % of the
    slide's width) and either 90 % of the slide wide or as tall as the slide's room
    allows (the slide ends near its bottom)."""
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    try:
        tool.open_deck(page, decks["11_training_in_practice"])
        seen = []
        for h, n in enumerate(page.evaluate(tool._SLIDES)):
            for v in range(n):
                page.evaluate(tool._GO, [h, v])
                seen.append(page.evaluate(_STYLE))
    finally:
        page.close()
    problems, tops = [], set()
    for m in seen[1:]:  # 0.0 is the chapter's title slide
        want = 42 if m["opensStack"] else 31
        if m["headingPx"] != want:
            problems.append(f"{m['at']}: heading {m['headingPx']}px, not {want}px")
        if m["headingTop"] is not None:
            tops.add(round(m["headingTop"]))
        if m["number"] != m["at"]:
            problems.append(f"{m['at']}: slide number reads {m['number']!r}")
        width, height = m["slide"]
        for f in m["figures"]:
            if f["offCentre"] > 0.01 * width:  # the output area's left padding: 4 px
                problems.append(f"{m['at']}: figure {f['offCentre']:.0f}px off centre")
            if f["width"] < 0.9 * width - 2 and m["contentBottom"] < height - 40:
                problems.append(f"{m['at']}: figure {f['width']:.0f}px wide while the slide "
                                f"ends at {m['contentBottom']:.0f} of {height}px")
    if len(tops) > 1:
        problems.append(f"slide headings start at {sorted(tops)} px: not one height")
    assert sum(len(m["figures"]) for m in seen) >= 1, "deck 11 has no figure to check"
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- JupyterLab
TOKEN = "course-browser-test"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stored(chapter):
    """Code cells (by notebook index) with a stored image output, and all cell sources."""
    nb = json.loads((REPO / "chapters" / f"{chapter}.ipynb").read_text())
    figures = {i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
               and any(k.startswith("image/") for o in c.get("outputs", [])
                       for k in o.get("data", {}))}
    return figures, ["".join(c["source"]) for c in nb["cells"]]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab started as `make lab` starts it (tools/lab.py), on a free port, as a
    student on a fresh clone: new Jupyter data/config dirs (nothing trusted yet, no
    settings), serving a copy of chapters/ and assets/ (so running cells or autosave never
    touch the repository)."""
    root = tmp_path_factory.mktemp("lab")
    serve = root / "course"
    shutil.copytree(REPO / "chapters", serve / "chapters")
    shutil.copytree(REPO / "chapters-zh", serve / "chapters-zh")
    shutil.copytree(REPO / "assets", serve / "assets")
    port = _free_port()
    env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "JUPYTER_DATA_DIR": str(root / "data"),
           "JUPYTER_CONFIG_DIR": str(root / "config"), "JUPYTER_RUNTIME_DIR": str(root / "run"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    log = open(root / "lab.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "tools" / "lab.py"), "--port", str(port), "--dir", str(serve)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"tools/lab.py (`make lab`) did not serve on {base}:\n"
                                + (root / "lab.log").read_text()[-3000:], pytrace=False)
                time.sleep(0.3)
        yield SimpleNamespace(base=base, log=root / "lab.log", root=serve)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture
def lab_page(chromium, lab, request):
    """A fresh browser page; if the test fails, a screenshot of it goes to build/browser/."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    failed_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed_before:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{request.node.name.replace('/', '_')}.png"
        page.screenshot(path=str(shot))
        print(f"screenshot: {shot}")
    context.close()


SHOTS = REPO / "build" / "browser"


def _open(page, lab, path):
    # reset: start from an empty layout, not with the tabs an earlier test left open
    page.goto(f"{lab.base}/lab/tree/{path}?reset&token={TOKEN}")
    # The first cell of every chapter is markdown: an empty code cell means "still loading".
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-MarkdownCell",
                           timeout=90_000)


def test_make_lab_opens_chapter_00_and_says_so(lab_page, lab):
    lab_page.goto(f"{lab.base}/?token={TOKEN}")
    tab = lab_page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    tab.filter(has_text="00_getting_started.ipynb").wait_for(timeout=90_000)
    assert "Start with chapters/00_getting_started.ipynb" in lab.log.read_text()


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_stored_figures_and_images_show_on_first_open(lab_page, lab, chapter):
    """Issue 9.2: a fresh clone's figures are visible before anything runs (untrusted
    notebooks would show '<Figure size ...>' instead), and markdown images load."""
    _open(lab_page, lab, f"chapters/{chapter}.ipynb")
    figures, sources = _stored(chapter)
    cells = tool.lab_scan(lab_page, len(sources))
    problems = []
    for i in sorted(figures):
        cell = cells.get(i)
        if cell is None:
            problems.append(f"{chapter} cell {i}: never rendered while scrolling")
        elif cell["hiddenFigures"] or not cell["figures"]:
            problems.append(f"{chapter} cell {i}: stored figure shown as text "
                            "('<Figure size ...>': notebook not trusted?)")
    for i, cell in sorted(cells.items()):
        for src, complete, width in cell["images"]:
            if not (complete and width > 0):
                problems.append(f"{chapter} cell {i}: image {src} does not load in JupyterLab")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


RUN_CHAPTER = "04_softmax_concise_gluon"
RUN_LIMIT_S = 600


def test_a_chapter_runs_in_lab_without_errors_and_one_live_plot(lab_page, lab):
    """Run All on one chapter in JupyterLab: no error or stderr output in any cell,
    and each training cell with a live plot shows one figure (the plot redraws in
    place) and one block of log lines (JupyterLab merges consecutive stdout)."""
    _open(lab_page, lab, f"chapters/{RUN_CHAPTER}.ipynb")
    indicator = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator"
    status = lab_page.locator(indicator)
    lab_page.wait_for_function(
        f"() => document.querySelector('{indicator}')"
        "?.getAttribute('data-status') === 'idle'", timeout=90_000)
    lab_page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    lab_page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    lab_page.wait_for_function(
        f"() => document.querySelector('{indicator}')"
        "?.getAttribute('data-status') === 'busy'", timeout=30_000)
    # About a minute on an idle 2-core machine; the limit only catches a hung kernel.
    deadline = time.monotonic() + RUN_LIMIT_S
    idle_since = None
    while idle_since is None or time.monotonic() - idle_since < 2:
        assert time.monotonic() < deadline, f"{RUN_CHAPTER} still running after {RUN_LIMIT_S} s"
        idle_since = (idle_since or time.monotonic()) if status.get_attribute(
            "data-status") == "idle" else None
        lab_page.wait_for_timeout(250)
    figures, sources = _stored(RUN_CHAPTER)
    cells = tool.lab_scan(lab_page, len(sources))
    problems = []
    for i, cell in sorted(cells.items()):
        for text in cell["errors"]:
            problems.append(f"{RUN_CHAPTER} cell {i}: error/stderr output: {text!r}")
    # Training cells with a live plot: those that call train_ch3 and stored a figure
    # (plot=False calls store only their log).
    train_cells = [i for i in sorted(figures) if "train_ch3(" in sources[i]]
    assert train_cells, f"{RUN_CHAPTER} has no train_ch3 plot to check the live plot on"
    for i in train_cells:
        cell = _show_cell(lab_page, i) or cells.get(i, {})
        if cell.get("figures") != 1:
            problems.append(f"{RUN_CHAPTER} cell {i} (train_ch3): {cell.get('figures')} "
                            "figures after the run; the live plot must stay one figure "
                            f"(outputs shown: {cell.get('mimes')})")
        if cell.get("stdout", 0) > 1:
            problems.append(f"{RUN_CHAPTER} cell {i} (train_ch3): the log is split into "
                            f"{cell['stdout']} output blocks")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _show_cell(page, index, wait_ms=15_000):
    """Scroll cell ``index`` of the open notebook into view and give its outputs time to
    render; return what it shows (as lab_scan does), with the outputs' MIME types."""
    sel = (".jp-NotebookPanel:not(.lm-mod-hidden) "
           f".jp-Cell[data-windowed-list-index='{index}']")
    cell = page.locator(sel)
    if cell.count() == 0:
        return None
    cell.scroll_into_view_if_needed()
    try:
        page.wait_for_selector(f"{sel} .jp-RenderedSVG, {sel} .jp-RenderedImage",
                               timeout=wait_ms)
    except Exception:  # reported below with what the cell does show
        pass
    shown = {c["index"]: c for c in page.evaluate(tool._LAB_CELLS) or []}.get(index)
    if shown is not None:
        shown["mimes"] = page.evaluate(
            f"() => Array.from(document.querySelectorAll(\"{sel} .jp-OutputArea-output\"))"
            ".map(o => o.dataset.mimeType || o.className)")
    return shown


RISE_CHAPTER = "02_softmax_regression"


def test_rise_slideshow_starts_with_alt_r(lab_page, lab):
    """Issue 16.1: Alt+R in a chapter opens the RISE slideshow; it shows the title slide
    as a reveal.js deck built from the same slide metadata, with the math typeset."""
    _open(lab_page, lab, f"chapters/{RISE_CHAPTER}.ipynb")
    lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell").first.click()
    lab_page.keyboard.press("Escape")  # command mode: the notebook itself has the focus
    lab_page.keyboard.press("Alt+r")
    frame_el = lab_page.wait_for_selector("iframe[src*='/rise/']", timeout=60_000)
    frame = frame_el.content_frame()
    frame.wait_for_selector(".reveal .slides section.present", timeout=240_000)
    nb = json.loads((REPO / "chapters" / f"{RISE_CHAPTER}.ipynb").read_text())
    title = "".join(nb["cells"][0]["source"]).lstrip("# ").splitlines()[0].strip()
    present = frame.locator(".reveal .slides section.present").first
    present.locator("h1, h2").first.wait_for(timeout=30_000)
    assert title in present.locator("h1, h2").first.inner_text()
    n_slides = sum(c["metadata"]["slideshow"]["slide_type"] == "slide" for c in nb["cells"])
    frame.wait_for_function(
        f"() => document.querySelectorAll('.reveal .slides > section').length >= {n_slides}",
        timeout=30_000)
    frame.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0",
                            timeout=30_000)


ZH_CHAPTER = "00_getting_started"
_LOCALE = "/lab/api/settings/@jupyterlab/translation-extension:plugin"


def _set_locale(lab, locale):
    """What Settings > Language does: the user setting of JupyterLab's interface language."""
    request = urllib.request.Request(
        f"{lab.base}{_LOCALE}", method="PUT", headers={"Authorization": f"token {TOKEN}"},
        data=json.dumps({"raw": json.dumps({"locale": locale})}).encode())
    urllib.request.urlopen(request, timeout=30).close()


def test_a_chinese_chapter_in_the_chinese_interface(lab_page, lab):
    """Issue 28: with jupyterlab-language-pack-zh-CN chosen (Settings > Language > 中文),
    JupyterLab's menus are Chinese, and a chapter of chapters-zh/ shows its Chinese text
    and its stored outputs, with a Chinese font (no boxes).  Screenshot (look at it):
    build/browser/zh-jupyterlab-00_getting_started.png."""
    cjk_font()
    with urllib.request.urlopen(f"{lab.base}/lab/api/translations?token={TOKEN}",
                                timeout=30) as r:
        packs = json.load(r)["data"]
    assert "zh_CN" in packs, f"no zh_CN language pack in JupyterLab ({sorted(packs)}): " \
                             "`make install` (jupyterlab-language-pack-zh-CN)"
    _set_locale(lab, "zh_CN")
    try:
        _open(lab_page, lab, f"chapters-zh/{ZH_CHAPTER}.ipynb")
        nb = json.loads((REPO / "chapters-zh" / f"{ZH_CHAPTER}.ipynb").read_text())
        cells = tool.lab_scan(lab_page, len(nb["cells"]))
        menus = lab_page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        title = "".join(nb["cells"][1]["source"]).lstrip("# ").splitlines()[0].strip()
        lab_page.evaluate(tool._LAB_SCROLL, True)
        heading = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) "
                                   ".jp-RenderedMarkdown h1", has_text=title)
        shown = heading.count()
        SHOTS.mkdir(parents=True, exist_ok=True)
        lab_page.screenshot(path=str(SHOTS / f"zh-jupyterlab-{ZH_CHAPTER}.png"))
    finally:
        _set_locale(lab, "en")  # the other tests read the English menus
    assert "文件" in menus and "运行" in menus, f"menus not in Chinese: {menus}"
    assert shown == 1, f"the chapter's title {title!r} is not shown"
    errors = [f"cell {i}: {t!r}" for i, c in sorted(cells.items()) for t in c["errors"]]
    assert not errors, "error outputs in the Chinese chapter: " + "; ".join(errors)

