"""What a room sees on a deck's slide, as tests/browser.py measures it at 1280x720.

Each slide is judged for what a seat in the room can read (chapters/README.md, "Decks a
room can read"): code or output cut off at the right, printed words broken by a wrap,
figures smaller than MIN_FIGURE_SHARE of the slide's width and MIN_FIGURE_HEIGHT_SHARE of its
height, text in figures below MIN_TEXT_PX, figures
without a caption on their slide, and text under the navigation arrows or slide number.
A Finding names the deck, the slide's "h.v" (its URL #/h/v and its slide number) and its
heading; tests/allowlist.py compares them with the findings listed today.
"""

import re
from dataclasses import dataclass

import allowlist

# Measured in a 1280x720 window: a figure at least MIN_FIGURE_SHARE of the slide's width,
# or, if its shape makes it tall (a square confusion matrix, an image), at least
# MIN_FIGURE_HEIGHT_SHARE of the slide's height: deck.js already gave it all the height the
# slide leaves, and the text-size rule below still judges whether a seat can read it;
# text in figures at least MIN_TEXT_PX (axis: tick and axis labels; legend; other: titles,
# direct labels).
ROOM = (1280, 720)
MIN_FIGURE_SHARE = 0.4
MIN_FIGURE_HEIGHT_SHARE = 0.5
MIN_TEXT_PX = {"axis": 14, "legend": 12, "other": 12}


@dataclass(frozen=True)
class Finding:
    """Something a room cannot read on one slide: ``kind`` is one of clipped, wrapped (a
    printed line broken mid-word), narrow figure, small text, no caption, covered (by the
    navigation arrows or the slide number); ``at`` is the slide's "h.v" (the deck's URL
    #/h/v, its slide number)."""
    deck: str
    at: str
    heading: str
    kind: str
    detail: str

    def key(self):
        return (self.deck, self.heading, self.kind)

    def __str__(self):
        return f"{self.deck} {self.at} {self.heading!r}: {self.kind}: {self.detail}"


# What a room sees on the current slide (1280x720): clipped code or output, printed lines
# wrapped mid-word, each figure's rendered width and the rendered size of its smallest text
# by role, whether a caption follows it, and text under the navigation arrows or slide number.
# SVG figures are <img> data URIs: their text is read from the SVG source.  matplotlib
# writes each text as glyph paths in <g id="text_N"> under a transform ending in
# scale(s -s), where 100*s is the font size in SVG units (pt); <text> elements (svg.fonttype
# 'none') carry a font-size.  Rendered px = SVG units x (rendered width / viewBox width).
MEASURE = """() => {
  const s = window.__R.getCurrentSlide(), slideBox = s.getBoundingClientRect();
  const cells = Array.from(s.querySelectorAll('.jp-Cell')).filter(c => !c.closest('.notes'));
  const snippet = el => el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 50);
  const clipped = [], wrapped = [], figures = [], covered = [];
  // Text is cut off where it reaches past the nearest box that hides overflow, or past
  // the slide's right edge: measure the text's own line boxes, not the boxes around it.
  const visibleRight = el => {
    let right = slideBox.right;
    for (let e = el; e && e !== s; e = e.parentElement) {
      if (getComputedStyle(e).overflowX === 'visible') continue;
      const r = e.getBoundingClientRect(), k = e.offsetWidth ? r.width / e.offsetWidth : 1;
      right = Math.min(right, r.left + (e.clientLeft + e.clientWidth) * k);
    }
    return right;
  };
  for (const el of s.querySelectorAll('.jp-Cell pre, .jp-RenderedMarkdown table')) {
    const range = document.createRange(); range.selectNodeContents(el);
    const ends = Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => r.right);
    const over = Math.max(0, ...ends) - visibleRight(el);
    if (over > 6)  // more than half a character of the code font (11 px wide at 1280x720)
      clipped.push({what: el.closest('.jp-OutputArea') ? 'output'
                          : el.closest('.jp-MarkdownCell') ? 'text' : 'code',
                    px: Math.round(over), text: snippet(el)});
  }
  // A printed line may wrap at a space, as prose does (the deck style wraps between words);
  // a break between two non-space characters ("cau|ses", "epoch-|0001") is reported.
  const range = document.createRange();
  for (const pre of s.querySelectorAll('.jp-OutputArea-output pre')) {
    const lines = pre.textContent.replace(/\\n$/, '').split('\\n');
    range.selectNodeContents(pre);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                         .map(r => Math.round(r.top)));
    if (tops.size <= lines.length) continue;  // no line wraps
    const text = pre.textContent, breaks = [];
    const CJK = /[\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]/;
    let at = 0, prevTop = null;
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.data.length; i++, at++) {
        if (n.data[i] === '\\n') { prevTop = null; continue; }
        range.setStart(n, i); range.setEnd(n, i + 1);
        const r = Array.from(range.getClientRects()).find(q => q.width > 0);
        if (!r) continue;
        // Chinese has no spaces: a break next to a CJK character or punctuation is
        // where Chinese text wraps, as a space is in English (the Chinese edition's decks).
        if (prevTop !== null && r.top > prevTop + 2 && /\\S/.test(text[at - 1])
            && /\\S/.test(text[at]) && !(CJK.test(text[at - 1]) || CJK.test(text[at])))
          breaks.push(at);
        prevTop = r.top;
      }
    }
    if (breaks.length) {
      const word = k => text.slice(0, k).match(/\\S{0,12}$/)[0] + '|'
                        + text.slice(k).match(/^\\S{0,12}/)[0];
      wrapped.push({lines: lines.length, breaks: breaks.length, text: word(breaks[0])});
    }
  }
  for (const img of s.querySelectorAll('.jp-OutputArea-output > img')) {
    const r = img.getBoundingClientRect(), src = img.getAttribute('src') || '';
    const cell = img.closest('.jp-Cell'), next = cells[cells.indexOf(cell) + 1];
    const md = next && next.classList.contains('jp-MarkdownCell')
               && next.querySelector('.jp-RenderedMarkdown');
    const first = md && md.firstElementChild;
    const caption = !!(first && first.tagName === 'P' && first.textContent.trim()
                       && first.getBoundingClientRect().height > 0
                       && first.getBoundingClientRect().bottom <= window.innerHeight);
    const fig = {width: Math.round(r.width), height: Math.round(r.height), caption,
                 text: {}};
    const m = src.match(/^data:image\\/svg\\+xml;base64,(.*)$/);
    if (m) {
      const svg = new DOMParser().parseFromString(atob(m[1]), 'image/svg+xml').documentElement;
      const vb = (svg.getAttribute('viewBox') || '').split(/[ ,]+/).map(Number);
      const k = r.width / (vb[2] || parseFloat(svg.getAttribute('width')));
      const role = el => el.closest('[id^="legend_"]') ? 'legend'
                 : el.closest('[id^="matplotlib.axis_"]') ? 'axis' : 'other';
      const note = (el, units, label) => {
        const px = Math.round(units * k * 10) / 10, key = role(el);
        if (!(key in fig.text) || px < fig.text[key].px)
          fig.text[key] = {px, text: label.trim().slice(0, 30)};
      };
      for (const g of svg.querySelectorAll('g[id^="text_"]')) {
        const t = g.querySelector('g[transform*="scale("]');
        const sc = t && t.getAttribute('transform').match(/scale\\(([-0-9.e]+)/);
        const comment = Array.from(g.childNodes).find(n => n.nodeType === 8);
        if (sc) note(g, Math.abs(parseFloat(sc[1])) * 100, comment ? comment.textContent : '');
      }
      for (const t of svg.querySelectorAll('text')) {
        const st = (t.getAttribute('style') || '') + ';font-size:' + t.getAttribute('font-size');
        const fs = st.match(/font(?:-size)?:\\s*(?:[a-z]+\\s+)*([0-9.]+)(px)?/);
        if (fs) note(t, parseFloat(fs[1]), t.textContent);
      }
    }
    figures.push(fig);
  }
  const marks = Array.from(document.querySelectorAll(
      '.reveal .controls .enabled, .reveal .slide-number')).map(e => e.getBoundingClientRect())
      .filter(r => r.width > 0);
  const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || !n.parentElement.closest('.jp-Cell')) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    for (const t of range.getClientRects())
      if (marks.some(m => t.left < m.right && t.right > m.left && t.top < m.bottom
                          && t.bottom > m.top)) {
        covered.push(n.textContent.trim().slice(0, 40)); break;
      }
  }
  return {clipped, wrapped, figures, covered: covered.slice(0, 3),
          slideWidth: Math.round(slideBox.width), slideHeight: Math.round(slideBox.height)};
}"""


def findings(name, at, heading, measured):
    """The Findings of one slide from what MEASURE returned on it."""
    found = []

    def add(kind, detail):
        found.append(Finding(name, at, heading, kind, detail))

    for c in measured["clipped"]:
        add("clipped", f"{c['what']} cut off by {c['px']}px at the right: {c['text']!r}")
    for w in measured["wrapped"]:
        add("wrapped", f"{w['breaks']} mid-word break(s) in {w['lines']} printed line(s): "
                       f"{w['text']!r}")
    for i, fig in enumerate(measured["figures"], 1):
        share = fig["width"] / measured["slideWidth"]
        tall = fig["height"] / measured["slideHeight"]
        if share < MIN_FIGURE_SHARE and tall < MIN_FIGURE_HEIGHT_SHARE:
            add("narrow figure", f"figure {i} is {fig['width']}x{fig['height']}px ({share:.0%} "
                                 f"of the slide's width, {tall:.0%} of its height; at least "
                                 f"{MIN_FIGURE_SHARE:.0%} or {MIN_FIGURE_HEIGHT_SHARE:.0%})")
        for role, t in sorted(fig["text"].items()):
            if t["px"] < MIN_TEXT_PX[role]:
                add("small text", f"figure {i}: {role} text {t['px']}px (at least "
                                  f"{MIN_TEXT_PX[role]}px): {t['text']!r}")
        if not fig["caption"]:
            add("no caption", f"figure {i}: no markdown paragraph right after its cell "
                              "on this slide")
    for text in measured["covered"]:
        add("covered", f"the navigation arrows or slide number cover {text!r}")
    return found


KINDS = ("clipped", "wrapped", "narrow figure", "small text", "no caption", "covered")


TRANSLATED = "zh/"  # the Chinese edition's decks (build/slides/zh/) are named zh/<chapter>
_AT = re.compile(r"(?:^|; )(\d+\.\d+): ")


def judge(reports, allowed):
    """(new, gone) over the decks of ``reports``: findings not in ``allowed`` and allowed
    entries of these decks that were not found (see tests/allowlist.py).

    A Chinese deck has the English deck's slides (same cells, same slide metadata) with
    other headings: its finding is allowed where the English deck has an allowed finding
    of the same kind on the same slide (h.v); what is gone is the English check's to say."""
    english = [r for r in reports if not r.deck.startswith(TRANSLATED)]
    found = [f for r in english for f in r.findings]
    new, gone = allowlist.compare(found, {r.deck for r in english}, KINDS, allowed)
    slides = {(deck, at, kind) for (deck, _, kind), note in allowed.items()
              for at in _AT.findall(note)}
    new += [f for r in reports if r.deck.startswith(TRANSLATED) for f in r.findings
            if (f.deck.removeprefix(TRANSLATED), f.at, f.kind) not in slides]
    return new, gone


def summary(reports):
    """Lines for a person: the narrowest figure and the smallest figure text per role."""
    figs = [(r.deck, at, w, text) for r in reports if r.viewport == ROOM
            for at, w, text in r.figures]
    if not figs:
        return ["no figures"]
    lines = ["{} figures; narrowest: {}px ({} {})".format(
        len(figs), *min(((w, d, at) for d, at, w, _ in figs)))]
    for role in MIN_TEXT_PX:
        sizes = [(t[role], d, at) for d, at, _, t in figs if role in t]
        if sizes:
            px, d, at = min(sizes)
            lines.append(f"smallest {role} text in a figure: {px}px ({d} {at})")
    return lines
