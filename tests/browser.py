"""Look at the course the way people see it: headless Chromium driven by Playwright.

Not a test module (pytest collects tests/test_browser.py, which uses this); also the
`make slides-check` tool authors run on their decks:

    python tests/browser.py build/slides/05_x.slides.html [...]

For each deck and each viewport (1280x720 and 1400x900) it visits every slide and
sub-slide and reports, naming the deck, slide number and heading:
  * overflow: the content is taller or wider than reveal.js's slide canvas
    (1200x700), or reaches past the window (then the bottom is cut off or only
    reachable by a scrollbar inside the slide);
  * a sub-slide whose first cell is not a markdown heading;
  * images that do not load (naturalWidth == 0) and relative links whose target
    is not in the build;
  * any request to a host other than the local file or server (the network is
    blocked: a deck must work offline);
  * at 1280x720, what a room cannot read (tests/room.py): clipped code or output,
    wrapped output, narrow figures, small text in figures, figures without a
    caption, text under the navigation arrows.  Findings listed in
    tests/slide_findings.json are counted, not failed; a new one fails, and so does
    a listed one that is gone (--update-allow-list rewrites the list for the decks
    checked; --allow-list /dev/null shows every finding as new).
Screenshots of every offending slide go to build/slide-check/<deck>/, and one slide
per deck (its first figure) to build/slide-check/<deck>-<h.v>.png.  The Chinese decks
(build/slides/zh/) are named zh/<chapter>, so theirs go to build/slide-check/zh/, and
they are judged by the English deck's allow-list entries (tests/room.py, ``judge``).

A slide is measured as a presenter sees it once it has settled: after the deck has
re-rendered its formulas and laid it out again (the deck announces `mathrendered`;
tools/publish.py adds that), not at a fixed delay, which measured a slide half-rendered
on a busy machine and made the result depend on timing.
"""

import os
import shutil
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import allowlist
import room

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "build"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
VIEWPORTS = (room.ROOM, (1400, 900))
ALLOWED = allowlist.PATH
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class BrowserUnavailable(RuntimeError):
    """Playwright or Chromium is missing; the message says how to get them."""


def chromium_path():
    """Chromium from the system (Playwright's own download is not used), or None."""
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


def launch(playwright):
    path = chromium_path()
    if not path:
        raise BrowserUnavailable(chromium_problem())
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def chromium_problem():
    """Why the browser checks cannot run here, naming what to run; None if they can.
    Nothing is installed here: `make browser-deps` does that before the tests start."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Python package playwright missing: run `make install` (it is in the test extra)"
    if chromium_path():
        return None
    return (f"no Chromium at {CHROMIUM} or on PATH: run `make browser-deps` (installs "
            "Debian's chromium as root), or set CHROMIUM=/path/to/chromium")


# ----------------------------------------------------------------------------- decks
@dataclass
class DeckReport:
    deck: str
    viewport: tuple
    slides: int = 0  # top-level slides
    subslides: int = 0  # every slide and sub-slide (what a presenter pages through)
    overflowing: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    screenshots: list = field(default_factory=list)
    findings: list = field(default_factory=list)  # Finding, measured at ROOM only
    figures: list = field(default_factory=list)  # (at, width px, {role: smallest text px})
    representative: Path = None  # screenshot of one slide at ROOM
    first_output: str = None  # "h.v" of the first slide with a code cell's output

    def summary(self):
        w, h = self.viewport
        return (f"{self.deck} at {w}x{h}: {self.slides} slides, {self.subslides} incl. "
                f"sub-slides, {len(self.overflowing)} overflowing")


# Runs in the deck: reveal.js is loaded through require.js, so fetch its API from there.
_READY = """() => new Promise(resolve => {
  const done = R => {
    window.__R = R;
    if (!window.MathJax || !MathJax.Hub) { resolve(true); return; }
    MathJax.Hub.Queue(() => resolve(true));
  };
  const wait = () => {
    const defined = (window.requirejs && requirejs.s.contexts._.defined) || {};
    const key = Object.keys(defined).find(k => /reveal(\\.min)?(\\.js)?$/.test(k));
    const R = key && defined[key];
    if (R && R.isReady && R.isReady()) done(R); else setTimeout(wait, 50);
  };
  wait();
})"""

_SLIDES = """() => Array.from(document.querySelectorAll('.reveal .slides > section')).map(
  (s, h) => { const inner = s.querySelectorAll(':scope > section');
              return inner.length ? inner.length : 1; })"""

# Go to slide (h, v) and wait until it is laid out at its final height: on a slide change
# the deck re-renders the slide's formulas, lays the slide out again and announces
# `mathrendered` (tools/publish.py, recentre_after_math), then two frames are painted.
_GO = """([h, v]) => new Promise((resolve, reject) => {
  const R = window.__R, now = R.getIndices();
  if (now.h === h && (now.v || 0) === v) { resolve(true); return; }
  const timer = setTimeout(() => reject(new Error(
      `slide ${h}/${v}: no 'mathrendered' event within 20 s; was the deck built by ` +
      '`make slides` (tools/publish.py decks patches it)?')), 20000);
  const done = () => {
    R.off('mathrendered', done); clearTimeout(timer);
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
  };
  R.on('mathrendered', done);
  R.slide(h, v);
})"""

_MEASURE = """([h, v]) => {
  const R = window.__R, cfg = R.getConfig();
  const top = document.querySelectorAll('.reveal .slides > section')[h];
  const inner = top.querySelectorAll(':scope > section');
  const s = inner.length ? inner[v] : top;
  const heading = s.querySelector('h1, h2, h3, h4, h5, h6');
  const firstCell = s.querySelector('.jp-Cell');
  let headed = false;
  if (firstCell && firstCell.classList.contains('jp-MarkdownCell')) {
    const md = firstCell.querySelector('.jp-RenderedMarkdown');
    headed = !!(md && md.firstElementChild && /^H[1-6]$/.test(md.firstElementChild.tagName));
  }
  let bottom = 0, right = 0;
  for (const el of s.querySelectorAll('.jp-Cell *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    bottom = Math.max(bottom, r.bottom); right = Math.max(right, r.right);
  }
  const text = s.textContent.replace(/\\s+/g, ' ').trim().slice(0, 40);
  const hasOutput = !!s.querySelector('.jp-OutputArea-output');
  return {title: heading ? heading.textContent.replace(/\u00b6$/, '').trim()
                         : `(no heading; starts "${text}")`,
          headed: headed, hasOutput: hasOutput,
          contentHeight: s.scrollHeight, contentWidth: s.scrollWidth,
          slideHeight: cfg.height, slideWidth: cfg.width,
          bottom: bottom, right: right, winH: window.innerHeight, winW: window.innerWidth};
}"""

_IMAGES = """() => Array.from(document.images).map(img => ({
  src: img.getAttribute('src').slice(0, 120), ok: img.complete && img.naturalWidth > 0}))"""

_LINKS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => [
  a.getAttribute('href'), a.href])"""


def open_deck(page, deck, timeout=30_000):
    """Load the deck file ``deck`` in ``page``, wait until reveal.js and MathJax are ready
    and switch slide animations off (measure where a slide settles, not where it flies)."""
    page.goto(Path(deck).resolve().as_uri())
    page.wait_for_function("() => document.readyState === 'complete'", timeout=timeout)
    page.evaluate(_READY)
    page.evaluate("() => window.__R.configure({transition: 'none', "
                  "backgroundTransition: 'none'})")


def _broken_links(page, all_decks):
    """Relative links whose target is not on disk.  With ``all_decks=False`` (one
    chapter built by `make slides-check NOTEBOOKS=...`) a link to another chapter's
    deck counts as fine when that chapter exists: `make slides` builds its deck."""
    broken = []
    for raw, absolute in page.evaluate(_LINKS):
        parsed = urllib.parse.urlparse(absolute)
        if parsed.scheme != "file" or raw.startswith("#"):
            continue
        target = Path(urllib.parse.unquote(parsed.path))
        if target.exists():
            continue
        chapter = REPO / "chapters" / target.name.replace(".slides.html", ".ipynb")
        if not all_decks and target.name.endswith(".slides.html") and chapter.exists():
            continue
        broken.append(raw)
    return broken


def check_deck(browser, deck, viewports=VIEWPORTS, shots=BUILD / "slide-check",
               all_decks=True):
    """Visit every slide of ``deck`` (a .slides.html file) in windows of each of
    ``viewports`` (one page load: the window is resized); one DeckReport per viewport."""
    deck = Path(deck).resolve()
    name = deck.name.removesuffix(".slides.html")
    if deck.parent.name == room.TRANSLATED.strip("/"):  # build/slides/zh/: zh/<chapter>
        name = room.TRANSLATED + name
    w0, h0 = viewports[0]
    page = browser.new_page(viewport={"width": w0, "height": h0})
    leaving = block_network(page)
    reports = []
    try:
        open_deck(page, deck)
        load_problems = [f"{name}: image does not load: {img['src']}"
                         for img in page.evaluate(_IMAGES) if not img["ok"]]
        load_problems += [f"{name}: link target missing next to the deck: {link}"
                          for link in _broken_links(page, all_decks)]
        counts = page.evaluate(_SLIDES)
        for viewport in viewports:
            page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
            page.evaluate("() => window.__R.layout()")
            report = DeckReport(name, viewport, len(counts), sum(counts))
            report.problems.extend(load_problems)
            _check_slides(page, report, counts, shots)
            if viewport == room.ROOM:
                report.representative = _screenshot_representative(page, report, shots)
            reports.append(report)
        reports[0].problems.extend(f"{name}: requests {url} (not the local file or "
                                   "server; blocked: the deck must work offline)"
                                   for url in dict.fromkeys(leaving))
    finally:
        page.close()
    return reports


def block_network(page):
    """Abort every request of ``page`` to a host other than the local file or server (the
    decks must work with the network off); returns the list the aborted URLs go to."""
    leaving = []

    def route(r):
        url = urllib.parse.urlparse(r.request.url)
        if url.scheme in ("file", "data", "blob", "about") or url.hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            leaving.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return leaving


def _screenshot_representative(page, report, shots):
    """One slide that shows what the deck looks like: its first figure, else its first
    code cell with output, else the title."""
    at = report.figures[0][0] if report.figures else report.first_output or "0.0"
    h, v = map(int, at.split("."))
    page.evaluate(_GO, [h, v])
    shot = shots / f"{report.deck}-{at}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    for old in shots.glob(f"{report.deck}-*.png"):  # an earlier build's choice
        old.unlink()
    page.screenshot(path=str(shot))
    return shot


def _check_slides(page, report, counts, shots):
    name, (width, height) = report.deck, report.viewport
    number = 0
    for h, n in enumerate(counts):
        for v in range(n):
            number += 1
            page.evaluate(_GO, [h, v])
            m = page.evaluate(_MEASURE, [h, v])
            where = f"{name} slide {number}/{report.subslides} (#/{h}/{v}) {m['title']!r}"
            faults = []
            if m["bottom"] > m["winH"] + 1:
                faults.append(f"content ends {m['bottom'] - m['winH']:.0f}px below the "
                              f"{m['winW']}x{m['winH']} window ({m['contentHeight']}px "
                              f"tall on a {m['slideHeight']}px slide)")
            if m["right"] > m["winW"] + 1:
                faults.append(f"content reaches {m['right'] - m['winW']:.0f}px past the "
                              f"right edge (a code line too long? {m['contentWidth']}px "
                              f"wide on a {m['slideWidth']}px slide)")
            if faults:
                report.overflowing.append(f"{where}: " + "; ".join(faults))
            if report.viewport == room.ROOM:
                at = f"{h}.{v}"
                measured = page.evaluate(room.MEASURE)
                report.findings += room.findings(name, at, m["title"], measured)
                report.figures += [(at, f["width"], {k: t["px"] for k, t in f["text"].items()})
                                   for f in measured["figures"]]
                if m["hasOutput"] and not report.first_output:
                    report.first_output = at
            if not m["headed"] and width == VIEWPORTS[0][0]:
                report.problems.append(f"{where}: does not start with a markdown heading")
            if faults or not m["headed"]:
                shot = shots / name / f"{width}x{height}-slide{number:02d}.png"
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot))
                report.screenshots.append(shot)


def check_decks(decks, viewports=VIEWPORTS, all_decks=True):
    """Every deck at every viewport; returns the list of DeckReports."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            return [report for deck in decks
                    for report in check_deck(browser, deck, viewports, all_decks=all_decks)]
        finally:
            browser.close()


# ----------------------------------------------------------------------------- JupyterLab
# What one notebook shows, for the cells JupyterLab has rendered (it renders only the
# cells near the viewport, so callers scroll; see lab_scan).
_LAB_CELLS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  return Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).map(c => {
    const outs = Array.from(c.querySelectorAll('.jp-OutputArea-output'));
    return {
      index: Number(c.dataset.windowedListIndex),
      hiddenFigures: outs.filter(o => /^\\s*<Figure size/.test(o.textContent)).length,
      figures: c.querySelectorAll('.jp-OutputArea-output.jp-RenderedSVG, '
                                  + '.jp-OutputArea-output.jp-RenderedImage').length,
      stdout: c.querySelectorAll('[data-mime-type="application/vnd.jupyter.stdout"]').length,
      errors: Array.from(c.querySelectorAll(
          '[data-mime-type="application/vnd.jupyter.stderr"]')).map(
          o => o.textContent.slice(0, 300)),
      images: Array.from(c.querySelectorAll('.jp-RenderedMarkdown img')).map(
          i => [i.getAttribute('src'), i.complete, i.naturalWidth]),
    };
  });
}"""
_LAB_SCROLL = """(top) => {
  const outer = document.querySelector(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
  if (top) outer.scrollTop = 0; else outer.scrollTop += outer.clientHeight * 0.7;
  return outer.scrollTop + outer.clientHeight >= outer.scrollHeight - 2;
}"""


_LAB_COUNT = """() => document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').length"""


def lab_scan(page, n_cells, settle_ms=200, timeout_s=90):
    """Wait until JupyterLab has attached all ``n_cells`` cells of the active notebook (it
    adds them progressively), scroll from top to bottom so each one renders, and return
    {cell index: what it shows} (the last state seen of each cell)."""
    page.wait_for_function(f"() => ({_LAB_COUNT})() >= {n_cells}", timeout=timeout_s * 1000)
    seen = {}
    page.evaluate(_LAB_SCROLL, True)
    for _ in range(500):
        page.wait_for_timeout(settle_ms)
        for cell in page.evaluate(_LAB_CELLS) or []:
            seen[cell["index"]] = cell
        if page.evaluate(_LAB_SCROLL, False):
            page.wait_for_timeout(settle_ms)
            for cell in page.evaluate(_LAB_CELLS) or []:
                seen[cell["index"]] = cell
            break
    return seen


def main(argv):
    import argparse

    parser = argparse.ArgumentParser(prog="python tests/browser.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("decks", nargs="+", type=Path)
    parser.add_argument("--allow-list", type=Path, default=ALLOWED,
                        help="findings that exist today (default: %(default)s); "
                             "/dev/null to see every finding as new")
    parser.add_argument("--update-allow-list", action="store_true",
                        help="write these decks' findings into the allow-list instead")
    args = parser.parse_args(argv)
    missing = [str(d) for d in args.decks if not d.exists()]
    if missing:
        print(f"missing: {missing}; `make slides-check NOTEBOOKS=chapters/NN_x.ipynb` "
              "builds and checks one chapter")
        return 2
    reason = chromium_problem()
    if reason:
        print(f"slides-check: cannot run: {reason}")
        return 2
    reports = check_decks(args.decks, all_decks=False)
    if args.update_allow_list:  # the Chinese decks are judged by the English entries
        english = [r for r in reports if not r.deck.startswith(room.TRANSLATED)]
        decks = {r.deck for r in english}
        n = allowlist.write([f for r in english for f in r.findings], decks, room.KINDS,
                            args.allow_list)
        print(f"{args.allow_list}: {len(decks)} deck(s) rewritten, {n} entries in all")
    allowed = allowlist.load(args.allow_list)
    new, gone = room.judge(reports, allowed)
    bad = 0
    for report in reports:
        print(report.summary())
        for line in report.overflowing + report.problems:
            print("  " + line)
        bad += len(report.overflowing) + len(report.problems)
        if report.screenshots:
            print(f"  screenshots: {report.screenshots[0].parent.relative_to(REPO)}/")
        if report.representative:
            print(f"  one slide at {room.ROOM[0]}x{room.ROOM[1]}: "
                  f"{report.representative.relative_to(REPO)}")
    listed = sum(1 for r in reports for f in r.findings if f.key() in allowed)
    print(f"what a room sees: {listed} allow-listed finding(s) ({args.allow_list.name}), "
          f"{len(new)} new, {len(gone)} listed but gone")
    for f in new:
        print(f"  NEW {f}")
    for deck, heading, kind in gone:
        print(f"  GONE {deck} {heading!r}: {kind}: fixed? delete its entry from "
              f"{args.allow_list.name}")
    for line in room.summary(reports):
        print("  " + line)
    bad += len(new) + len(gone)
    print("slides-check: every slide fits, loads offline and reads from a seat" if not bad
          else f"slides-check: {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
