"""The NASA airfoil self-noise data of the first edition's chapter 7: ``get_data_ch7``.

Book sections 7.3-7.8 compare optimizers on it (``train_ch7``).  The course's
chapter 10_optimization.ipynb teaches the same optimizers on Fashion-MNIST.

The data: T. Brooks, D. S. Pope and M. Marcolini (NASA), "Airfoil Self-Noise",
UCI Machine Learning Repository, dataset 291, licensed CC BY 4.0.  1,503 rows
of 6 tab-separated numbers: frequency (Hz), angle of attack (degrees), chord
length (m), free-stream velocity (m/s), suction-side displacement thickness
(m) and the scaled sound pressure level (dB), the regression target.  It is
not committed; no package on the registries this course installs from ships
it, so it is looked for, in this order:

1. the ``root=`` argument (a folder, or the file itself);
2. the folder named by ``$D2L_DATA_DIR`` (or its ``airfoil/`` subfolder);
3. the course's cache, ``~/.cache/d2l_utils/airfoil/`` (or under ``$XDG_CACHE_HOME``);
4. the book's own place, ``../data/airfoil_self_noise.dat`` (relative to the
   working directory, as the book's notebooks read it);
5. otherwise it is downloaded once into the cache from the d2l book's copy, and
   kept only if its SHA-1 is the one d2l publishes for it (``download_airfoil``).

Every copy is checked: 1,503 rows of 6 finite numbers, frequencies and sound
levels in the data set's ranges.
"""

import hashlib
import os

import numpy as np
from mxnet import nd

from .data import DataError, httpget
from .data.sources import default_cache_dir

FILE_NAME = "airfoil_self_noise.dat"
# The d2l book's copy and the SHA-1 d2l publishes for it (d2l's DATA_HUB['airfoil']).
URL = "http://d2l-data.s3-accelerate.amazonaws.com/airfoil_self_noise.dat"
SHA1 = "76e5be1548fd8222e5074cf0faae75edff8cf93f"
MAX_BYTES = 1 << 20  # the real file has about 60 kB; a server sending more is not sending it
NUM_ROWS, NUM_COLUMNS = 1503, 6
BOOK_ROWS = 1500  # the book's notebooks use the first 1,500 rows (section 7.3)
# Ranges of the real data (UCI's description), with some slack: a file outside them is
# another data set with the same shape, or columns in another order.
FREQUENCY_HZ = (100.0, 25000.0)
SOUND_LEVEL_DB = (90.0, 150.0)
SOURCES_HELP = (
    "Get airfoil_self_noise.dat (1,503 rows, CC BY 4.0) from the UCI Machine Learning "
    "Repository (https://archive.ics.uci.edu/dataset/291/airfoil+self+noise, in the "
    "zip file) or from the d2l book's data (http://d2l-data.s3-accelerate.amazonaws.com/"
    "airfoil_self_noise.dat), then either put it in {cache} or set D2L_DATA_DIR to the "
    "folder that holds it, or pass get_data_ch7(root=that_folder)."
)


def cache_dir():
    """The course's cache folder for the airfoil data, beside Fashion-MNIST's.

    Book section 7.3 (``get_data_ch7``).
    """
    return os.path.join(os.path.dirname(default_cache_dir("fashion-mnist")), "airfoil")


def _candidates(root):
    """(kind, path of the file) to try, in order."""
    found = []
    env = os.environ.get("D2L_DATA_DIR") or None
    for kind, base in (("argument", root), ("D2L_DATA_DIR", env)):
        if base is None:
            continue
        if not isinstance(base, str | os.PathLike):
            raise TypeError(f"get_data_ch7: root must be a folder or file as str or "
                            f"os.PathLike, not {type(base).__name__}: {base!r}")
        base = os.path.abspath(os.path.expanduser(os.fspath(base)))
        if kind == "argument" and os.path.isfile(base):
            found.append((kind, base))
            continue
        if not os.path.isdir(base):
            raise DataError(None, f"{'root' if kind == 'argument' else kind} is {base}, which "
                                  "is neither a folder nor a file", SOURCES_HELP.format(
                                      cache=cache_dir()))
        found += [(kind, os.path.join(base, "airfoil", FILE_NAME)),
                  (kind, os.path.join(base, FILE_NAME))]
    found.append(("cache", os.path.join(cache_dir(), FILE_NAME)))
    found.append(("book", os.path.abspath(os.path.join("..", "data", FILE_NAME))))
    return found


def download_airfoil(folder=None, *, url=None, sha1=None, timeout=30.0):
    """Download airfoil_self_noise.dat into ``folder`` (default: the cache); return its path.

    From ``url`` (default ``URL``), written under a temporary name and renamed only
    once its SHA-1 is ``sha1`` (default ``SHA1``), so an interrupted or wrong
    download leaves nothing behind.  Raises
    ``httpget.FetchError`` (network) or ``DataError`` (wrong content, folder not writable).
    Book section 7.3 (``get_data_ch7``).
    """
    folder = cache_dir() if folder is None else os.fspath(folder)
    url, sha1 = url or URL, sha1 or SHA1
    dest = os.path.join(folder, FILE_NAME)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise DataError(folder, f"cannot create the folder ({err})") from None
    tmp = f"{dest}.{os.getpid()}.part"
    digest = hashlib.sha1()
    try:
        with open(tmp, "wb") as out:
            def write(chunk):
                digest.update(chunk)
                out.write(chunk)
            httpget.get(url, write, max_bytes=MAX_BYTES, timeout=timeout, deadline=4 * timeout)
        if digest.hexdigest() != sha1:
            raise DataError(url, f"downloaded, but its SHA-1 is {digest.hexdigest()}, not the "
                                 f"published {sha1}: not the airfoil data; nothing was kept")
        os.replace(tmp, dest)
    except OSError as err:
        raise DataError(folder, f"cannot write the download ({err})") from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return dest


def find_airfoil(root=None, *, download=True):
    """The path of the first airfoil_self_noise.dat found (see the module docstring).

    When no copy is found and ``download`` is true, the book's copy is downloaded
    into the cache.  Raises ``DataError`` naming every place looked in, why the
    download failed, and how to get the file.  Book section 7.3 (``get_data_ch7``).
    """
    looked = []
    for kind, path in _candidates(root):
        if os.path.isfile(path):
            return path
        looked.append(f"  {kind}: {path}")
    failed = ""
    if download:
        try:
            return download_airfoil()
        except (httpget.FetchError, DataError) as err:
            failed = f"\nand downloading {URL} failed: {err}"
    raise DataError(None, "the airfoil self-noise data (airfoil_self_noise.dat) is not on this "
                          "machine; looked in:\n" + "\n".join(looked) + failed,
                    SOURCES_HELP.format(cache=cache_dir()))


def read_airfoil(path):
    """The checked (1503, 6) float64 array of an airfoil_self_noise.dat file.

    Raises ``DataError`` naming the file and what is wrong with it.  Book
    section 7.3 (``get_data_ch7``).
    """
    remedy = "Delete it and get the file again. " + SOURCES_HELP.format(cache=cache_dir())
    try:
        data = np.loadtxt(path, delimiter="\t", ndmin=2)
    except (OSError, ValueError) as err:
        raise DataError(path, f"cannot be read as tab-separated numbers ({err})",
                        remedy) from None
    if data.shape != (NUM_ROWS, NUM_COLUMNS):
        raise DataError(path, f"has {data.shape[0]} rows of {data.shape[1]} columns; the "
                              f"airfoil self-noise data has {NUM_ROWS} rows of {NUM_COLUMNS}",
                        remedy)
    if not np.isfinite(data).all():
        raise DataError(path, "holds values that are not finite numbers (nan or inf)", remedy)
    for col, name, (low, high) in ((0, "frequency (column 1, Hz)", FREQUENCY_HZ),
                                   (-1, "sound pressure level (column 6, dB)", SOUND_LEVEL_DB)):
        if data[:, col].min() < low or data[:, col].max() > high:
            raise DataError(path, f"its {name} ranges over [{data[:, col].min():g}, "
                                  f"{data[:, col].max():g}], outside the data set's "
                                  f"[{low:g}, {high:g}]: not the airfoil self-noise data",
                            remedy)
    return data


def get_data_ch7(*, root=None):
    """(features, labels) of the airfoil data, standardized: NDArrays (1500, 5) and (1500,).

    As the book's section 7.3: every column is standardized to mean 0 and
    standard deviation 1 over all 1,503 rows, then the first 1,500 rows are
    kept (so that gradient descent with batch size 1,500 makes one step per
    epoch); the sound level (last column) is the label.  Differences from
    d2lzh 1.0.0's ``utils.get_data_ch7``: that package returns all 1,503 rows
    although the book's text and notebooks use 1,500, and it reads only
    ``../data/airfoil_self_noise.dat`` (an ``OSError`` when it is missing);
    this one also looks in ``root`` (keyword only), ``$D2L_DATA_DIR`` and the
    course's cache, else downloads the book's copy with its published SHA-1,
    checks the file, and raises a ``DataError`` that says how to get it.  Book
    section 7.3; the course's chapter 10_optimization.ipynb teaches the
    optimizers compared on it.
    """
    data = read_airfoil(find_airfoil(root))
    data = (data - data.mean(axis=0)) / data.std(axis=0)
    return nd.array(data[:BOOK_ROWS, :-1]), nd.array(data[:BOOK_ROWS, -1])
