"""The IDX header, and the checks that run on it before any data is read.

An IDX file starts with a 4-byte magic number ``00 00 <dtype code> <ndim>``
(2049 = 0x00000801 for a label file, 2051 = 0x00000803 for an image file),
then ``ndim`` big-endian uint32 dimensions.  Everything about the rest of the
file follows from those bytes, so a damaged or hostile file is rejected here,
*before* memory is allocated or the rest is decompressed:

* ``check_expected``: the header must be the one the file's role calls for
  (magic, hence dtype and number of dimensions; size of one item; item count;
  hence the decompressed size);
* ``check_stored_size``: a raw file must be exactly as long as its header
  says; a ``.gz`` file cannot decompress to more than ``DEFLATE_MAX_RATIO``
  times its own size, so a header that needs more is rejected as truncated.

Sizes are computed with Python integers, which do not overflow: dimensions
(2^32-1)^3 give the exact byte count, 79228162458924105385300197375.

Introduced in chapters/01_fashion_mnist.ipynb.
"""

import math
import struct
from dataclasses import dataclass

import numpy as np

__all__ = ["IDX_DTYPES", "IdxHeader", "Expected", "DEFLATE_MAX_RATIO", "read_header",
           "check_expected", "check_stored_size"]

# dtype code -> (name, big-endian numpy dtype), from the IDX specification.
IDX_DTYPES = {
    0x08: ("unsigned byte", np.dtype("u1")),
    0x09: ("signed byte", np.dtype("i1")),
    0x0B: ("short", np.dtype(">i2")),
    0x0C: ("int", np.dtype(">i4")),
    0x0D: ("float", np.dtype(">f4")),
    0x0E: ("double", np.dtype(">f8")),
}

# Deflate encodes a run of at most 258 bytes in at least 2 bits, so one compressed
# byte yields at most 258 * 4 = 1032 bytes (zlib's technical notes give the same
# limit).  Gzip's own header and trailer only lower the ratio further.
DEFLATE_MAX_RATIO = 1032


def _plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class IdxHeader:
    """A parsed header: dtype ``code``, ``dims`` and the ``raw`` bytes as read."""

    code: int
    dims: tuple
    raw: bytes

    @property
    def dtype(self):
        return IDX_DTYPES[self.code][1]

    @property
    def magic(self):
        return (self.code << 8) | len(self.dims)

    @property
    def data_bytes(self):
        """Bytes of data after the header: exact, whatever the dimensions."""
        return math.prod(self.dims) * self.dtype.itemsize

    @property
    def size(self):
        """Decompressed size of the whole file, header included."""
        return len(self.raw) + self.data_bytes


@dataclass(frozen=True)
class Expected:
    """What one file of a dataset must hold.

    ``what`` names it in messages ("Fashion-MNIST's train-labels-idx1-ubyte"),
    ``role`` is 'images' or 'labels', ``dims`` the exact dimensions (e.g.
    (60000,) or (60000, 28, 28)) and ``code`` the dtype code (0x08: uint8).
    """

    what: str
    role: str
    dims: tuple
    code: int = 0x08

    @property
    def header(self):
        return IdxHeader(self.code, tuple(self.dims), b"\0" * (4 + 4 * len(self.dims)))


def _describe_magic(code, ndim):
    name = IDX_DTYPES[code][0] if code in IDX_DTYPES else f"dtype 0x{code:02X}"
    kind = {(0x08, 1): ", a label file", (0x08, 3): ", an image file"}.get((code, ndim), "")
    magic = (code << 8) | ndim
    return f"{magic} (0x{magic:08X}: {name}, {_plural(ndim, 'dimension')}{kind})"


def read_header(f, error):
    """Read and parse the header from the binary file ``f``; return an ``IdxHeader``.

    ``error(problem)`` builds the exception to raise (a DataError naming the file).
    """
    magic = f.read(4)
    if len(magic) < 4 or magic[:2] != b"\x00\x00":
        raise error(f"not an IDX file (magic number {magic.hex() or 'missing'}, "
                    "expected 0000<dtype><ndim>)")
    code, ndim = magic[2], magic[3]
    if code not in IDX_DTYPES:
        raise error(f"unknown IDX dtype code 0x{code:02X} "
                    f"(known: {', '.join(f'0x{c:02X}' for c in IDX_DTYPES)})")
    if ndim == 0:
        raise error("IDX header declares 0 dimensions")
    dims_raw = f.read(4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise error(f"truncated header: {ndim} dimensions declared, "
                    f"only {len(dims_raw)} of {4 * ndim} bytes present")
    return IdxHeader(code, struct.unpack(f">{ndim}I", dims_raw), magic + dims_raw)


def check_expected(header, expected, error):
    """Reject a header that is not the one ``expected`` calls for, in the order:
    magic (dtype and number of dimensions), item shape, item count, size."""
    want = expected.header
    what = f"{expected.what} ({expected.role})"
    if header.magic != want.magic:
        raise error(f"magic number {_describe_magic(header.code, len(header.dims))}, "
                    f"expected {_describe_magic(want.code, len(want.dims))} for {what}")
    if header.dims[1:] != want.dims[1:]:
        shape = "x".join(map(str, header.dims[1:]))
        raise error(f"header declares items of {shape} (dimensions {header.dims}), "
                    f"{what} has {'x'.join(map(str, want.dims[1:]))}")
    if header.dims[0] != want.dims[0]:
        raise error(f"header declares {_plural(header.dims[0], expected.role[:-1])}, {what} has "
                    f"{want.dims[0]} (decompressed size would be {header.size} bytes, "
                    f"expected {want.size})")
    assert header.size == want.size  # same magic and dims


def check_stored_size(header, stored_bytes, compressed, error):
    """Reject a header that needs more (or, raw, other) data than the file can hold.

    ``stored_bytes`` is the file's size on disk.
    """
    if compressed:
        if header.data_bytes > DEFLATE_MAX_RATIO * stored_bytes:
            raise error(f"truncated: header {header.dims} needs {header.data_bytes} data bytes, "
                        f"more than a {stored_bytes}-byte .gz file can hold "
                        f"({DEFLATE_MAX_RATIO} times its size)")
        return
    have = stored_bytes - len(header.raw)
    if have < header.data_bytes:
        raise error(f"truncated: header {header.dims} needs {header.data_bytes} data bytes, "
                    f"file has {have}")
    if have > header.data_bytes:
        raise error(f"extra bytes after the {header.data_bytes} data bytes of shape "
                    f"{header.dims}")
