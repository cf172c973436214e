"""train_2d and show_trace_2d: the book's 20 steps from (-5, -2), its printout and its figure."""

import pytest
from matplotlib import pyplot as plt

import d2l_utils as d2l


def test_train_2d_runs_20_steps_from_the_books_start_and_prints_the_end(capsys):
    res = d2l.train_2d(lambda x1, x2, s1, s2: (x1 / 2, x2 / 2, s1 + 1, s2))
    assert len(res) == 21 and res[0] == (-5, -2) and res[1] == (-2.5, -1)
    assert capsys.readouterr().out == f"epoch 20, x1 {-5 / 2**20:f}, x2 {-2 / 2**20:f}\n"


def test_train_2d_says_what_a_trainer_must_return():
    with pytest.raises(ValueError, match=r"must return the four values \(x1, x2, s1, s2\)"):
        d2l.train_2d(lambda x1, x2, s1, s2: (x1, x2))
    with pytest.raises(TypeError, match="trainer must be a function"):
        d2l.train_2d(None)


def test_show_trace_2d_widens_the_grid_to_the_path():
    plt.close("all")
    d2l.show_trace_2d(lambda x1, x2: x1 ** 2 + x2 ** 2, [(-5, -2), (0, 4)])
    ax = plt.gca()
    assert ax.get_lines()[0].get_color() == d2l.trace_2d.TRACE_COLOR
    assert ax.get_ylim()[1] >= 4.9  # max(1, highest x2 + 1)
    with pytest.raises(ValueError, match="res holds no points"):
        d2l.show_trace_2d(lambda x1, x2: x1, [])
    plt.close("all")
