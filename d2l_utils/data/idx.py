"""Reading IDX files, the format of MNIST and Fashion-MNIST, with validation.

An IDX file is a 4-byte magic number ``00 00 <dtype code> <ndim>``, then
``ndim`` big-endian uint32 dimensions, then the items in C order, big-endian.
Files may be gzip-compressed (``.gz``) or raw.  Every problem raises
:class:`DataError`, naming the file, what is wrong and what to do.

Introduced in chapters/01_fashion_mnist.ipynb.
"""

import gzip
import os
import zlib

import numpy as np

from ..language import text
from .idx_header import IDX_DTYPES, check_expected, check_stored_size, read_header

__all__ = ["DataError", "IDX_DTYPES", "read_idx", "check_images", "check_labels", "check_pair"]

_STEP = 1 << 20
_DEFAULT_REMEDY = object()  # "delete the file and fetch again", in the current language


class DataError(Exception):
    """The one error of the data layer: a file or a dataset that cannot be used.

    ``str(err)`` reads "<file>: <problem>. <remedy>"; the parts are also kept as
    ``err.path`` (may be None when no single file is at fault), ``err.problem``
    and ``err.remedy``.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """

    def __init__(self, path, problem, remedy=_DEFAULT_REMEDY):
        if remedy is _DEFAULT_REMEDY:
            remedy = text("Delete the file and fetch the data again "
                          "(python -m d2l_utils.data fetch).",
                          "请删除这个文件并重新获取数据（python -m d2l_utils.data fetch）。")
        self.path = None if path is None else os.fspath(path)
        self.problem = problem
        self.remedy = remedy
        where = f"{self.path}: " if self.path else ""
        sep = "\n" if "\n" in problem + (remedy or "") else text(". ", "。")
        super().__init__(f"{where}{problem}{sep}{remedy}" if remedy else f"{where}{problem}")

    def with_remedy(self, remedy):
        """The same error with another remedy (the caller knows where the file came from)."""
        return DataError(self.path, self.problem, remedy)


def _read_exactly(f, n):
    """Read ``n`` bytes into a new uint8 array; return (array, count actually read).

    ``np.empty`` only reserves address space: pages count in memory once written,
    so a file that ends early costs what it holds, not what its header declares.
    Reads go in steps of ``_STEP`` bytes: gzip decompresses each ``readinto``
    into a temporary of the requested size.
    """
    out = np.empty(n, dtype=np.uint8)
    view, got = memoryview(out), 0
    while got < n:
        k = f.readinto(view[got:got + _STEP])
        if not k:
            break
        got += k
    return out, got


def read_idx(path, digest=None, compressed=None, expect=None):
    """Read one IDX file (``.gz`` or raw) into a native-endian numpy array.

    Shape is the file's dimensions, e.g. (60000, 28, 28) uint8 for images and
    (60000,) uint8 for labels.  If ``digest`` (a ``hashlib`` object) is given,
    it is updated with the *decompressed* bytes, header included, so the
    caller can check a SHA-256 that holds whatever the compression.
    ``compressed`` says whether the file is gzip; None means "if it ends in .gz".
    ``expect`` (an ``idx_header.Expected``) is what the file must hold: its
    header is checked against it before anything else is read.

    The header is checked before memory is allocated (see ``idx_header``): a
    file never costs more memory than its expected size, or without
    ``expect`` than the data it really holds.

    Raises DataError for: a bad gzip stream, a wrong magic number, an unknown
    dtype code, a header that does not match ``expect``, truncated data, or
    bytes left after the data.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    if compressed is None:
        compressed = os.fspath(path).endswith(".gz")

    def error(problem):
        return DataError(path, problem)

    try:
        with open(path, "rb") as raw, \
                (gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw) as f:
            header = read_header(f, error)
            if expect is not None:
                check_expected(header, expect, error)
            check_stored_size(header, os.fstat(raw.fileno()).st_size, compressed, error)
            nbytes = header.data_bytes
            try:
                data, got = _read_exactly(f, nbytes)
            except MemoryError:
                raise error(f"header {header.dims} needs {nbytes} bytes of memory, more than "
                            "this machine can give") from None
            if got < nbytes:
                raise error(f"truncated: header {header.dims} needs {nbytes} data bytes, "
                            f"file has {got}")
            if f.read(1):
                raise error(f"extra bytes after the {nbytes} data bytes of shape {header.dims}")
    except (OSError, EOFError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
        if isinstance(err, FileNotFoundError):
            raise DataError(path, text("file not found", "找不到文件"),
                            text("Check the path, or run: python -m d2l_utils.data fetch",
                                 "请检查路径，或运行：python -m d2l_utils.data fetch")) from err
        raise DataError(path, text(f"cannot read the file ({type(err).__name__}: {err})",
                                   f"无法读取文件（{type(err).__name__}: {err}）")) from err
    if digest is not None:
        digest.update(header.raw)
        digest.update(data)
    dtype = header.dtype
    array = data.view(dtype).reshape(header.dims)
    return array if dtype.isnative or dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))


def check_images(path, images, shape=(28, 28)):
    """Check an image array read from ``path``: uint8, shape (N, *shape)."""
    if images.dtype != np.uint8:
        raise DataError(path, f"images have dtype {images.dtype}, expected unsigned byte (0x08)")
    if images.ndim != 1 + len(shape) or images.shape[1:] != tuple(shape):
        raise DataError(path, f"images have shape {images.shape}, expected (N, "
                              f"{', '.join(map(str, shape))})")


def check_labels(path, labels, num_classes=10):
    """Check a label array read from ``path``: uint8, shape (N,), values in 0..num_classes-1."""
    if labels.dtype != np.uint8:
        raise DataError(path, f"labels have dtype {labels.dtype}, expected unsigned byte (0x08)")
    if labels.ndim != 1:
        raise DataError(path, f"labels have shape {labels.shape}, expected (N,)")
    if labels.size and int(labels.max()) >= num_classes:
        bad = int(np.argmax(labels >= num_classes))
        raise DataError(path, f"label {int(labels[bad])} at index {bad} is outside "
                              f"0..{num_classes - 1}")


def check_pair(images_path, images, labels_path, labels):
    """Check that an image file and its label file hold the same number of items."""
    if len(images) != len(labels):
        raise DataError(images_path, text(f"{len(images)} images but {len(labels)} labels in "
                                          f"{labels_path}; the two files do not belong "
                                          "together",
                                          f"有 {len(images)} 张图像，但 {labels_path} 中有 "
                                          f"{len(labels)} 个标签；这两个文件不是一对"))
