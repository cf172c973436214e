"""tests/room.py's size rule for figures, on measurements (no browser): a figure is too
small when it is narrower than 40 % of the slide AND lower than half of it; a square
confusion matrix that takes the slide's height passes, and its text is judged by size."""

import room


def figure_findings(width, height, text_px=16.0):
    measured = {"clipped": [], "wrapped": [], "covered": [], "slideWidth": 1280,
                "slideHeight": 720,
                "figures": [{"width": width, "height": height, "caption": True,
                             "text": {"axis": {"px": text_px, "text": "coat"}}}]}
    return [(f.kind, f.detail) for f in room.findings("deck", "6.1", "heading", measured)]


def test_a_wide_figure_passes():
    assert figure_findings(600, 300) == []


def test_a_tall_figure_that_fills_the_height_passes():
    assert figure_findings(443, 420) == []


def test_a_figure_small_both_ways_is_reported_with_both_shares():
    (kind, detail), = figure_findings(359, 300)
    assert kind == "narrow figure"
    assert detail == ("figure 1 is 359x300px (28% of the slide's width, 42% of its height; "
                      "at least 40% or 50%)")


def test_a_tall_figure_with_small_text_is_still_reported():
    assert [k for k, _ in figure_findings(443, 420, text_px=13.0)] == ["small text"]
