"""A user's own picture as a Fashion-MNIST input: 28x28, grey, light object on black.

Introduced in chapters/11_training_in_practice.ipynb (the predict mode of
``python -m d2l_utils.run``).  Hostile files are refused before they cost
anything: only regular files are opened (a FIFO would block forever), and the
size in the header is checked before a pixel is decoded.
"""

import os
import stat
import warnings

import numpy as np

__all__ = ["load_image", "MAX_PIXELS"]

SIZE = 28
MAX_PIXELS = 25_000_000  # 5000x5000: about 75 MB decoded as RGB; JPEGs are reduced first
_WORK_SIDE = 1024  # larger pictures are averaged down to this before the float work
_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I;16N", "I")


def _border(a):
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])


def _to_fashion_mnist(a):
    """float (h, w) grey in [0, 1] -> light object on black, stretched, cropped to the object."""
    if _border(a).mean() > 0.5:  # a photo on a light background: Fashion-MNIST is the negative
        a = 1 - a
    a = np.clip(a - np.median(_border(a)), 0, None)  # the background becomes 0
    if a.max() > 0:
        a /= a.max()
    rows, cols = np.flatnonzero(a.max(axis=1) > 0.1), np.flatnonzero(a.max(axis=0) > 0.1)
    if len(rows) and len(cols):
        a = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return a


def _shrink(a):
    """Average k x k blocks so the longer side is at most _WORK_SIDE; float32 result."""
    k = -(-max(a.shape) // _WORK_SIDE)
    if k == 1:
        return a.astype(np.float32)
    h, w = a.shape[0] // k * k, a.shape[1] // k * k
    return a[:h, :w].reshape(h // k, k, w // k, k).mean(axis=(1, 3), dtype=np.float32)


def _grey(img, path):
    """The picture as float32 grey in [0, 1]: 16-bit pictures scaled, never clipped."""
    if img.mode in _SIXTEEN_BIT:
        a = np.asarray(img)
        if a.min() < 0 or a.max() > 65535:
            raise ValueError(f"{path}: its {img.mode} pixels range over [{a.min()}, {a.max()}], "
                             "not the 16-bit range; save it as an 8-bit PNG or JPEG")
        return _shrink(a) / 65535
    if img.mode == "F":
        raise ValueError(f"{path}: a floating-point image; save it as an 8-bit PNG or JPEG")
    return _shrink(np.asarray(img.convert("L"))) / 255


def _open_checked(path):
    """Image.open after checking the file kind and, from the header, the size."""
    from PIL import Image

    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        raise ValueError(f"{path}: cannot read it as an image ({err.strerror}); give a PNG or "
                         "JPEG file") from None
    if not stat.S_ISREG(mode):
        raise ValueError(f"{path}: not a regular file (a folder, a pipe or a device); give a "
                         "PNG or JPEG file")
    with warnings.catch_warnings():  # Pillow's own bomb check warns, then raises, at open
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        img = Image.open(path)
    if img.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 of the size: enough for 28x28
        w, h = img.size
        img.draft("L", (max(SIZE, w // 8), max(SIZE, h // 8)))
    w, h = img.size
    if w * h > MAX_PIXELS:
        img.close()
        raise ValueError(f"{path}: the image is {w}x{h} pixels, more than the "
                         f"{MAX_PIXELS // 10**6} million this program reads; scale it down "
                         "first")
    return img


def load_image(path):
    """Read a PNG/JPG (colour or grey, 8 or 16 bits) as a Fashion-MNIST-like image.

    The picture is turned grey, inverted if its border is light (Fashion-MNIST
    shows light clothes on black), stretched to the full [0, 1] range, cropped
    to the object, scaled so its longer side is 28 pixels and centred on a
    black 28x28 canvas.  Returns float32 (28, 28) in [0, 1].  Raises ValueError
    naming the file if it is not a regular file, cannot be read as an image or
    has more than MAX_PIXELS pixels (checked in the header, before decoding;
    a JPEG is first reduced while decoding).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with _open_checked(path) as img:
            img.load()
            a = _grey(img, path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(f"{path}: the image has more than {MAX_PIXELS // 10**6} million "
                         "pixels, more than this program reads; scale it down first") from None
    except (OSError, UnidentifiedImageError, SyntaxError) as err:
        raise ValueError(f"{path}: cannot read it as an image ({type(err).__name__}: {err}); "
                         "give a PNG or JPEG file") from None
    if min(a.shape) < 2:
        raise ValueError(f"{path}: the image is {a.shape}, too small to classify")
    a = _to_fashion_mnist(a)
    h, w = a.shape
    scale = SIZE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resized = Image.fromarray((a * 255).astype(np.uint8)).resize(size, Image.BILINEAR)
    canvas = np.zeros((SIZE, SIZE), dtype=np.float32)
    top, left = (SIZE - size[1]) // 2, (SIZE - size[0]) // 2
    canvas[top:top + size[1], left:left + size[0]] = np.asarray(resized, np.float32) / 255
    return canvas
