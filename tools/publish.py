"""Turn the chapters into what instructors hand out: slide decks and student handouts.

A repository tool, not part of the installed d2l_utils package: it reads chapters/ and
assets/ of a checkout.  `make slides` and `make handouts` run it (README, "For
instructors").

    python tools/publish.py decks build/slides         # after nbconvert wrote the decks
    python tools/publish.py handouts build/handouts chapters/*.ipynb

Links and images in the chapters are written for a plain viewer of the repository:
relative to chapters/, other chapters as ``NN_name.ipynb``, figures as
``../assets/name.svg``.  The decks live in build/slides/, so ``decks`` copies
assets/ to build/assets/ (``../assets/`` resolves there too) and points chapter
links at the other decks (``NN_name.slides.html``).

Two fixes to nbconvert's MathJax set-up in the decks (tests/test_browser.py checks both):
on a slide change the template re-renders the slide's formulas after reveal.js has
centred it, so a slide full of math could end below the screen (``recentre_after_math``);
and MathJax's automatic line-breaking measured table cells while their formulas were
out, then broke every formula of a table into one-symbol lines
(``math_without_linebreaks``).

``course_style`` makes the decks what a room can read, the same in every chapter and
offline: figures scaled to the slide and centred, one heading scale, slides
laid out from the top (no vertical jump between slides), slide numbers, small
navigation arrows in the corner, local fonts only, and no mermaid module from a CDN
(nbconvert's template loads one; no chapter uses mermaid).  The style and the figure
sizing live in tools/deck/ (course.css, course.js), inlined into each deck.
"""

import argparse
import copy
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = REPO / "chapters"
ASSETS = REPO / "assets"
DECK_SUFFIX = ".slides.html"
CHAPTER_LINK = re.compile(r"^([0-9A][0-9]_[\w-]+)\.ipynb(#.*)?$")
_HREF = re.compile(r'(<a\s[^>]*href=")([^"]+)(")')
# In nbconvert's reveal template: on every slide change, re-render the slide's math.
# MathJax 2 runs Rerender at once, not through its queue; its callback runs when done.
_RERENDER = "MathJax.Hub.Rerender(Reveal.getCurrentSlide());"
_RECENTRE = ("MathJax.Hub.Rerender(Reveal.getCurrentSlide(), function () {\n"
             "              d2lDeck.fitFigures(Reveal.getCurrentSlide(), Reveal.getConfig());\n"
             "              Reveal.layout();  // tools/publish.py: lay out at the final height\n"
             "              Reveal.dispatchEvent({type: 'mathrendered'});\n"
             "            });")
_LINEBREAKS = re.compile(r"(linebreaks:\s*\{\s*automatic:\s*)true")
DECK_STYLE = Path(__file__).resolve().parent / "deck"
_STYLE_MARK = "<!-- tools/publish.py: course deck style -->"
# nbconvert's template imports mermaid from cdnjs in every deck, used or not.
_MERMAID = re.compile(r'<script type="module">\s*import mermaid from [^<]*</script>\s*')
# The "simple" theme @imports two Google Fonts; "white" uses the Source Sans Pro files
# that ship inside reveal.js (vendored by `make slides`).
_THEME = re.compile(r'(/dist/theme/)simple(\.css")')
_SLIDE_NUMBER = re.compile(r'slideNumber: "[^"]*",')
_CONFIG = ("slideNumber: function (slide) {  // tools/publish.py: h.v as in the URL #/h/v\n"
           "              var at = Reveal.getIndices(slide); return [at.h + '.' + (at.v || 0)];\n"
           "            },\n"
           "            center: false,  // every slide from the top: titles do not jump\n"
           "            controlsTutorial: false,")
_ON_READY = ("Reveal.addEventListener('slidechanged', update);\n"
             "        Reveal.on('ready', function (event) {  // tools/publish.py\n"
             "          d2lDeck.fitFigures(event.currentSlide, Reveal.getConfig());\n"
             "          Reveal.layout();\n"
             "        });")

SOLUTION_TAG, EXERCISE_TAG = "solution", "exercise"
HANDOUT_NOTE = """\
> **Student handout.** The reference solutions of the exercises are not in this copy.
> Work through the exercises first: each self-check prints what is still wrong.
> The full chapter, with its reference solutions at the end (collapsed), is
> `chapters/{name}` in the course repository; ask your instructor if you were
> only given the handouts."""


def deck_href(href):
    """Where a link of a chapter points from its deck in build/slides/.

    Chapter links go to that chapter's deck; everything else (``../assets/...``,
    absolute URLs, ``#anchors``) is unchanged, because build/assets/ mirrors assets/.
    """
    match = CHAPTER_LINK.match(href)
    if match and "://" not in href:
        return match.group(1) + DECK_SUFFIX + (match.group(2) or "")
    return href


def recentre_after_math(html):
    """The deck ``html`` with reveal.js laying out the current slide again when MathJax
    has re-rendered its formulas, then announcing a ``mathrendered`` event (which
    tests/browser.py waits for).  Unchanged when the template has no such re-render
    or is already patched."""
    return html.replace(_RERENDER, _RECENTRE)


def math_without_linebreaks(html):
    """The deck ``html`` with MathJax's automatic line-breaking off: the deck's canvas has
    a fixed width (1200 px), and tests/test_browser.py checks that nothing passes it."""
    return _LINEBREAKS.sub(r"\1false", html)


def course_style(html):
    """The deck ``html`` in the course's style, offline (see the module's docstring):
    tools/deck/course.css and course.js inlined before ``</head>``, reveal.js set up
    with slide numbers, slides from the top and figures fitted on every slide change, the
    local-font theme, and no mermaid import.  Unchanged when already styled."""
    if _STYLE_MARK in html:
        return html
    css = (DECK_STYLE / "course.css").read_text(encoding="utf-8")
    js = (DECK_STYLE / "course.js").read_text(encoding="utf-8")
    html = _MERMAID.sub("", html)
    html = _THEME.sub(r"\1white\2", html)
    html = _SLIDE_NUMBER.sub(lambda m: _CONFIG, html, count=1)
    html = html.replace("Reveal.addEventListener('slidechanged', update);", _ON_READY, 1)
    return html.replace("</head>", f"{_STYLE_MARK}\n<style>\n{css}</style>\n"
                                   f"<script>\n{js}</script>\n</head>", 1)


def finish_decks(slides_dir):
    """Copy assets/ next to ``slides_dir``, point chapter links at the decks, fix
    the decks' MathJax set-up (``recentre_after_math``, ``math_without_linebreaks``)
    and give them the course's style (``course_style``).

    Returns the number of links rewritten.  Safe to run twice.
    """
    slides_dir = Path(slides_dir)
    decks = sorted(slides_dir.glob("*" + DECK_SUFFIX))
    if not decks:
        raise FileNotFoundError(f"no *{DECK_SUFFIX} in {slides_dir}: run nbconvert --to slides "
                                "first (`make slides` does both)")
    target = slides_dir.parent / "assets"
    if ASSETS.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ASSETS, target)
    rewritten = 0
    for deck in decks:
        html = deck.read_text(encoding="utf-8")

        def fix(m):
            nonlocal rewritten
            new = deck_href(m.group(2))
            rewritten += new != m.group(2)
            return m.group(1) + new + m.group(3)

        html = math_without_linebreaks(recentre_after_math(_HREF.sub(fix, html)))
        html = course_style(html)
        deck.write_text(html, encoding="utf-8")
    return rewritten


# ----------------------------------------------------------------------------- handouts
def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def handout(nb, name):
    """A copy of notebook ``nb`` for students: solution cells removed, the outputs of
    exercise cells cleared, a note on where the solutions are as the first cell,
    everything else kept.  The "Reference solutions" heading goes with the solutions.
    """
    import nbformat

    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if SOLUTION_TAG in _tags(cell):
            continue
        if cell.cell_type == "code" and EXERCISE_TAG in _tags(cell):
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    # Drop the "Reference solutions" heading cell if no solution follows it any more.
    cells = [c for c in cells if not (c.cell_type == "markdown" and
             re.match(r"#+\s*Reference solutions", c.source.strip(), re.I))]
    note = nbformat.v4.new_markdown_cell(HANDOUT_NOTE.format(name=name))
    note.metadata["slideshow"] = {"slide_type": "skip"}  # the decks start at the title
    note.metadata["tags"] = ["handout-note"]
    cells.insert(0, note)
    nb.cells = cells
    nbformat.validator.normalize(nb)
    return nb


def write_handouts(notebooks, out_dir):
    """Write a handout of each notebook into ``out_dir`` (created); returns the paths.

    assets/ is copied next to it, so ``../assets/`` images work in the handouts too.
    """
    import nbformat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if ASSETS.is_dir():
        shutil.rmtree(out_dir.parent / "assets", ignore_errors=True)
        shutil.copytree(ASSETS, out_dir.parent / "assets")
    written = []
    for path in map(Path, notebooks):
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(f"handouts: {path} is not a notebook file; pass "
                                    "chapters/NN_name.ipynb paths")
        nb = nbformat.read(path, as_version=4)
        out = out_dir / path.name
        nbformat.write(handout(nb, path.name), out)
        written.append(out)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python tools/publish.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    decks = sub.add_parser("decks", help="finish nbconvert's decks: assets, chapter "
                                         "links, MathJax set-up")
    decks.add_argument("slides_dir")
    hand = sub.add_parser("handouts", help="student copies without the solutions")
    hand.add_argument("out_dir")
    hand.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "decks":
        n = finish_decks(args.slides_dir)
        print(f"decks: assets copied to {Path(args.slides_dir).parent / 'assets'}, "
              f"{n} chapter link(s) now point at the other decks")
    else:
        written = write_handouts(args.notebooks, args.out_dir)
        print(f"handouts: {len(written)} chapter(s) written to {args.out_dir}/ without "
              "solution cells and with exercise outputs cleared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
