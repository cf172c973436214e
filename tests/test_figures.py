"""Plots a colour-blind reader can read: no multi-series plot distinguished by colour alone.

Over every chapter's stored SVG figures: in each axes, the data lines (matplotlib's
``line2d_*`` groups directly in ``axes_*``; tick marks, grid lines and legend handles live
in other groups) are compared by what is left without colour, their dash pattern and
their marker.  Two lines of different colours with the same dash pattern and marker
merge for a reader who cannot tell the colours apart (deuteranopia, protanopia, a grey
projector).  ``d2l.use_svg_display()`` gives hand-drawn series the course's style
(d2l_utils.plotting.COURSE_STYLE: Okabe-Ito colours, each with its own line style), so
new plots pass by default.

Plots on main that are not fixed yet are listed in tests/slide_findings.json (kind
"colour only", keyed by chapter and slide heading, like the browser check's findings);
a listed plot that passes fails the test until its entry is deleted.

    python tests/test_figures.py                      # list every colour-only plot
    python tests/test_figures.py --update-allow-list  # write them into the allow-list
"""

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import allowlist
from room import Finding

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "chapters").glob("[0-9A][0-9]_*.ipynb"))
KIND = "colour only"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def _style(el):
    parts = re.split(r";\s*", el.get("style", ""))
    return dict(part.split(":", 1) for part in parts if ":" in part)


def line_cues(svg_text):
    """For each axes of a matplotlib SVG: a list of (colour, dashes, marker) per data line."""
    root = ET.fromstring(svg_text)
    # A marker's <use> points at a path defined once per shape *and colour*: compare shapes.
    shapes = {f"#{el.get('id')}": el.get("d", "").split() for el in root.iter(f"{SVG}path")
              if el.get("id")}
    result = []
    for axes in root.iter(f"{SVG}g"):
        if not axes.get("id", "").startswith("axes_"):
            continue
        lines = []
        for g in axes.findall(f"{SVG}g"):
            if not g.get("id", "").startswith("line2d_"):
                continue
            path = g.find(f"{SVG}path")
            use = g.find(f".//{SVG}use")
            style = _style(path) if path is not None else {}
            if use is not None:
                style = {**_style(use), **style}
            colour = style.get("stroke", style.get("fill", "")).strip()
            drawn = path is not None and len(re.findall(r"[ML]", path.get("d", ""))) >= 2
            dashes = style.get("stroke-dasharray", "solid").strip() if drawn else "none"
            marker = " ".join(shapes.get(use.get(XLINK), ["?"])) if use is not None else None
            if drawn or marker:
                lines.append((colour, dashes, marker))
        result.append(lines)
    return result


def colour_only(svg_text):
    """Descriptions of the groups of lines in one figure that differ only in colour."""
    found = []
    for i, lines in enumerate(line_cues(svg_text), 1):
        by_cue = {}
        for colour, dashes, marker in lines:
            by_cue.setdefault((dashes, marker), set()).add(colour)
        for (dashes, marker), colours in sorted(by_cue.items(), key=str):
            if len(colours) >= 2:
                cue = "one marker shape" if marker else "no marker"
                found.append(f"axes {i}: {len(colours)} lines ({', '.join(sorted(colours))}) "
                             f"share dashes {dashes!r} and {cue}")
    return found


def _heading(source):
    for line in source.splitlines():
        if line.startswith("#"):
            return re.sub(r"[`*]", "", line.lstrip("#").strip())
    return None


def chapter_findings(path):
    """Findings over the stored SVG outputs of one chapter, located as in its deck."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    h, v, heading, found = -1, 0, "", []
    for cell in nb["cells"]:
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if kind == "slide":
            h, v = h + 1, 0
        elif kind == "subslide":
            v += 1
        if kind in ("slide", "subslide") and cell["cell_type"] == "markdown":
            heading = _heading("".join(cell["source"])) or heading
        for out in cell.get("outputs", []):
            svg = out.get("data", {}).get("image/svg+xml")
            if svg:
                for detail in colour_only("".join(svg)):
                    found.append(Finding(path.stem, f"{max(h, 0)}.{v}", heading, KIND,
                                         detail + ("" if kind != "skip" else
                                                   " (cell skipped in the deck)")))
    return found


def test_colour_only_recognises_lines_told_apart_by_colour_alone():
    def svg(*styles):
        lines = "".join(f'<g id="line2d_{i}"><path d="M 0 0 L 1 1" style="{s}"/></g>'
                        for i, s in enumerate(styles))
        return (f'<svg xmlns="http://www.w3.org/2000/svg"><g id="axes_1">{lines}'
                '<g id="xtick_1"><g id="line2d_9"><path d="M 0 0 L 0 1" '
                'style="stroke: #b0b0b0"/></g></g></g></svg>')

    assert colour_only(svg("stroke: #0072b2", "stroke: #e69f00"))
    assert not colour_only(svg("stroke: #0072b2", "stroke: #e69f00; stroke-dasharray: 5,2"))
    assert not colour_only(svg("stroke: #0072b2", "stroke: #0072b2"))  # one series, drawn twice


def test_colour_only_compares_marker_shapes_not_their_colours():
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    def figure(*formats):
        fig, ax = plt.subplots()
        for k, fmt in enumerate(formats):
            ax.plot([0, 1], [k, k + 1], fmt)
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
        return buf.getvalue()

    assert colour_only(figure("o-", "o-")), "same marker and line, other colour"
    assert not colour_only(figure("o-", "s-")), "another marker shape"
    assert not colour_only(figure("o-", "o--")), "another dash pattern"


def test_stored_plots_are_not_told_apart_by_colour_alone():
    found = [f for path in CHAPTERS for f in chapter_findings(path)]
    new, gone = allowlist.compare(found, {p.stem for p in CHAPTERS}, (KIND,), allowlist.load())
    message = [f"new colour-only plot (give each series a line style or marker): {f}"
               for f in new]
    message += [f"allow-listed but gone (delete its entry from {allowlist.PATH.name}): "
                f"{deck} {heading!r}: {kind}" for deck, heading, kind in gone]
    assert not message, "\n".join(message)


if __name__ == "__main__":
    found = [f for path in CHAPTERS for f in chapter_findings(path)]
    for f in found:
        print(f)
    if "--update-allow-list" in sys.argv[1:]:
        n = allowlist.write(found, {p.stem for p in CHAPTERS}, (KIND,))
        print(f"{allowlist.PATH}: {len(found)} colour-only plot(s) written, {n} entries in all")
