"""Helpers of the book programs (tests/book/): a synthetic airfoil file, printed numbers."""

import re

import numpy as np

from d2l_utils import airfoil

# The real data's values: 1/3-octave centre frequencies (Hz), chords (m), speeds (m/s).
FREQUENCIES = [200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000,
               5000, 6300, 8000, 10000, 12500, 16000, 20000]
CHORDS = [0.0254, 0.0508, 0.1016, 0.1524, 0.2286, 0.3048]
SPEEDS = [31.7, 39.6, 55.5, 71.3]


def synthetic_airfoil(seed=0):
    """A (1503, 6) array in airfoil_self_noise.dat's format and ranges, NOT the real data.

    Features are drawn from the real columns' values and ranges; the sound
    level is a linear function of them plus noise (so a linear model can fit
    it, as it roughly can the real one), kept in the real [103, 141] dB.
    """
    rng = np.random.default_rng(seed)
    n = airfoil.NUM_ROWS
    data = np.column_stack([
        rng.choice(FREQUENCIES, n), rng.uniform(0, 22.2, n), rng.choice(CHORDS, n),
        rng.choice(SPEEDS, n), rng.uniform(0.0004, 0.0584, n)])
    z = (data - data.mean(axis=0)) / data.std(axis=0)
    level = 125 + z @ np.array([-4.0, -1.5, -2.5, 1.5, -2.0]) + rng.normal(0, 2.0, n)
    return np.column_stack([data, np.clip(level, 103.4, 140.9)])


def write_airfoil(path, data):
    """Write ``data`` as the real file is written: tab-separated, one row per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(f"{v:g}" for v in row) + "\n" for row in data))
    return path


def printed(out, pattern):
    """Every match of ``pattern`` (a regex with one float group) in ``out``, as floats."""
    return [float(m) for m in re.findall(pattern, out)]
